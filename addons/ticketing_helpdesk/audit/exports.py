"""
Data exports in the audit trail. pretix runs its exports (order lists, customer lists, check-in lists, …) as
Celery tasks and writes no log entry for them; we record one when the task is handed to the queue — in the
request that asked for it, so with the person and their address — or, where tasks run eagerly (development,
tests), when it starts.
"""
import logging

from celery.signals import before_task_publish, task_prerun

from pretix.base.models import Event, Organizer, TeamAPIToken, User

logger = logging.getLogger(__name__)

EXPORT_TASKS = {
    "pretix.base.services.export.export": ("event", "user", "device", "token", "fileid", "provider", "form_data"),
    "pretix.base.services.export.multiexport": ("organizer", "user", "device", "token", "fileid", "provider",
                                                "form_data"),
}


def record(task_name: str, args, kwargs) -> None:
    names = EXPORT_TASKS.get(task_name)
    if names is None:
        return
    try:
        params = {**dict(zip(names, args or (), strict=False)), **(kwargs or {})}
        if "event" in names:
            target = Event.objects.filter(pk=params.get("event")).select_related("organizer").first()
        else:
            target = Organizer.objects.filter(pk=params.get("organizer")).first()
        if target is None:
            return
        user = User.objects.filter(pk=params["user"]).first() if params.get("user") else None
        token = TeamAPIToken.objects.filter(pk=params["token"]).first() if params.get("token") else None
        target.log_action("ticketing_helpdesk.export.run", user=user, api_token=token, data={
            "exporter": params.get("provider", ""), "fileid": params.get("fileid", ""),
        })
    except Exception:  # noqa: BLE001 - the trail must never stop an export
        logger.exception("Could not record the export in the audit trail")


@before_task_publish.connect(dispatch_uid="ticketing_helpdesk_export_published")
def export_published(sender=None, body=None, **kwargs):
    if sender in EXPORT_TASKS and isinstance(body, (list, tuple)) and len(body) >= 2:
        record(sender, body[0], body[1])


@task_prerun.connect(dispatch_uid="ticketing_helpdesk_export_eager")
def export_started_eagerly(sender=None, task=None, args=None, kwargs=None, **extra):
    if task is not None and getattr(task.request, "is_eager", False):
        record(task.name, args, kwargs)
