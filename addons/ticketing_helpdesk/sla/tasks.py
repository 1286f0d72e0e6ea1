"""
The periodic SLA scan: recompute every open case, flag the ones about to breach and breached (once each),
tell the assignee by e-mail, and log it (the "SLA breached" webhook is made of that log entry).
"""
import logging
from datetime import datetime

from django.db import transaction
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from ..models import SupportCase
from .calendar import calendar_for
from .compute import refresh

logger = logging.getLogger(__name__)


def notify_assignee(case: SupportCase, breached: bool) -> None:
    from ..cases.staffmail import mail_staff

    def build():
        if breached:
            return (_("SLA breached: case {case}").format(case=case.reference),
                    _("The case {case} \"{subject}\" has missed its SLA target.").format(
                        case=case.reference, subject=case.subject))
        return (_("SLA about to breach: case {case}").format(case=case.reference),
                _("The case {case} \"{subject}\" will miss its SLA target soon.").format(
                    case=case.reference, subject=case.subject))

    mail_staff(case.assignee, case, build)


@scopes_disabled()
def scan(at: datetime | None = None) -> dict:
    """Recompute the SLA of every open case; returns counts for the log."""
    at = at or now()
    counts = {"checked": 0, "at_risk": 0, "breached": 0}
    calendars = {}
    for case in SupportCase.objects.filter(status__in=SupportCase.OPEN_STATUSES).select_related(
            "organizer", "assignee").order_by("organizer_id", "pk").iterator(chunk_size=200):
        calendar = calendars.get(case.organizer_id)
        if calendar is None:
            calendar = calendars[case.organizer_id] = calendar_for(case.organizer)
        counts["checked"] += 1
        try:
            flag(case, refresh(case, at, calendar), at, counts)
        except Exception:  # noqa: BLE001 - one broken case must not stop the scan of all others
            logger.exception("SLA scan of case %s failed", case.pk)
            counts["errors"] = counts.get("errors", 0) + 1
    logger.info("SLA scan: %s", counts)
    return counts


def flag(case: SupportCase, sla, at: datetime, counts: dict) -> None:
    """Mark ``case`` about to breach or breached once, log it and tell the assignee after commit."""
    with transaction.atomic():
        locked = SupportCase.objects.select_for_update().get(pk=case.pk)
        if sla.state == SupportCase.SLA_BREACHED and locked.sla_breached_at is None:
            locked.sla_breached_at = at
            locked.save(update_fields=["sla_breached_at"])
            locked.log_action("ticketing_helpdesk.case.sla_breached", data={
                "number": case.number, "due": _due(sla)})
            transaction.on_commit(lambda c=locked: notify_assignee(c, True))
            counts["breached"] += 1
        elif sla.state == SupportCase.SLA_AT_RISK and locked.sla_warned_at is None:
            locked.sla_warned_at = at
            locked.save(update_fields=["sla_warned_at"])
            locked.log_action("ticketing_helpdesk.case.sla_at_risk", data={
                "number": case.number, "due": _due(sla)})
            transaction.on_commit(lambda c=locked: notify_assignee(c, False))
            counts["at_risk"] += 1


def _due(sla) -> str:
    for target in (sla.first_response, sla.resolution):
        if target.done_at is None and target.due is not None:
            return target.due.isoformat()
    return ""
