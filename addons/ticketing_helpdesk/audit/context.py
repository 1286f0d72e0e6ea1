"""
"From where" for the audit trail: the address a back-office or API request came from.

pretix's ``LogEntry`` records who (user, API token or device), when and what, but not from where. A tiny
middleware remembers the client address of each staff request in a context variable, and a ``pre_save``
receiver adds it as ``"ip"`` to every new log entry written by a person or a token during that request —
ours and pretix's own (team changes, cancellations, refunds), so the trail is complete without patching
pretix. Customers' own shop requests are not recorded: they are not staff actions.
"""
import json
from contextvars import ContextVar

from django.conf import settings
from django.db.models.signals import pre_save
from django.dispatch import receiver

from pretix.base.models import LogEntry
from pretix.helpers.http import get_client_ip

MIDDLEWARE_PATH = "ticketing_helpdesk.audit.context.AuditContextMiddleware"
STAFF_PATHS = ("/control/", "/api/")

_client_ip: ContextVar[str | None] = ContextVar("ticketing_helpdesk_client_ip", default=None)


def client_ip(request) -> str:
    """The client address of ``request`` (honouring pretix's X-Forwarded-For setting)."""
    return get_client_ip(request) or ""


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(STAFF_PATHS):
            return self.get_response(request)
        token = _client_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)


def install() -> None:
    """Add the middleware once at start-up (like ticketing_core's error middleware)."""
    if MIDDLEWARE_PATH not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE_PATH]


@receiver(pre_save, sender=LogEntry, dispatch_uid="ticketing_helpdesk_logentry_ip")
def add_client_ip(sender, instance: LogEntry, **kwargs):
    if instance.pk is not None:
        return
    ip = _client_ip.get()
    if not ip or not (instance.user_id or instance.api_token_id or instance.device_id
                      or instance.oauth_application_id):
        return
    try:
        data = json.loads(instance.data or "{}")
    except ValueError:
        return
    if isinstance(data, dict) and "ip" not in data:
        data["ip"] = ip
        instance.data = json.dumps(data, sort_keys=True)
