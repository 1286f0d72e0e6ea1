"""pretix webhooks for support cases: each is one of the case's log entries, with the case in the payload."""
from django.utils.translation import gettext_lazy as _

from pretix.api.webhooks import ParametrizedWebhookEvent

from ..models import SupportCase


class CaseWebhookEvent(ParametrizedWebhookEvent):
    def build_payload(self, logentry) -> dict | None:
        case = logentry.content_object
        if not isinstance(case, SupportCase):
            return None
        payload = {
            "notification_id": logentry.pk, "organizer": case.organizer.slug, "action": logentry.action_type,
            "case": case.number, "subject": case.subject, "status": case.status, "priority": case.priority,
            "category": case.category, "sla_state": case.sla_state,
            "assignee": case.assignee.email if case.assignee_id else None,
            "order": case.order.code if case.order_id else None,
        }
        data = logentry.parsed_data
        if logentry.action_type == "ticketing_helpdesk.case.status_changed":
            payload.update({"field": data.get("field"), "old": data.get("old"), "new": data.get("new")})
        return payload


def webhook_events() -> list:
    return [
        CaseWebhookEvent("ticketing_helpdesk.case.created", _("Support case opened")),
        CaseWebhookEvent("ticketing_helpdesk.case.replied", _("Support case: reply sent to the customer")),
        CaseWebhookEvent("ticketing_helpdesk.case.customer_replied", _("Support case: the customer wrote again")),
        CaseWebhookEvent("ticketing_helpdesk.case.status_changed", _("Support case: status changed")),
        CaseWebhookEvent("ticketing_helpdesk.case.sla_breached", _("Support case: SLA breached")),
    ]
