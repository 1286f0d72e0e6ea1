"""Readable, translated texts for the log entries of the support cases, SLA settings and reports."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pretix.base.logentrytype_registry import LogEntryType, log_entry_types

from ..models import SupportCase

FIELD_LABELS = {"status": (_("status"), SupportCase.STATUSES), "priority": (_("priority"), SupportCase.PRIORITIES),
                "category": (_("category"), SupportCase.CATEGORIES), "assignee": (_("assignee"), ())}


class CaseLogEntryType(LogEntryType):
    object_link_wrapper = _("Case {val}")

    def get_object_link_info(self, logentry):
        case = logentry.content_object
        if not isinstance(case, SupportCase):
            return None
        return {"href": reverse("plugins:ticketing_helpdesk:case", kwargs={
            "organizer": case.organizer.slug, "number": case.number}), "val": case.reference}

    def display(self, logentry, data):
        if logentry.action_type in ("ticketing_helpdesk.case.changed", "ticketing_helpdesk.case.status_changed"):
            label, choices = FIELD_LABELS.get(data.get("field"), (data.get("field", "?"), ()))
            names = dict(choices)
            data = {**data, "field": str(label), "old": str(names.get(data.get("old"), data.get("old") or "—")),
                    "new": str(names.get(data.get("new"), data.get("new") or "—"))}
        return super().display(logentry, data)


log_entry_types.register(*[CaseLogEntryType(action_type=a, plain=p) for a, p in (
    ("ticketing_helpdesk.case.created", _("Support case #{number} was opened.")),
    ("ticketing_helpdesk.case.viewed", _("Support case #{number} with the customer's contact data was viewed.")),
    ("ticketing_helpdesk.case.replied", _("A reply was sent to the customer on case #{number}.")),
    ("ticketing_helpdesk.case.customer_replied", _("The customer wrote again on case #{number}.")),
    ("ticketing_helpdesk.case.noted", _("An internal note was added to case #{number}.")),
    ("ticketing_helpdesk.case.changed", _("Case #{number}: {field} changed from \"{old}\" to \"{new}\".")),
    ("ticketing_helpdesk.case.status_changed", _("Case #{number}: status changed from \"{old}\" to \"{new}\".")),
    ("ticketing_helpdesk.case.sla_at_risk", _("Case #{number} is about to miss its SLA target.")),
    ("ticketing_helpdesk.case.sla_breached", _("Case #{number} has missed its SLA target.")),
    ("ticketing_helpdesk.case.attachment.added", _("The file \"{filename}\" was attached to case #{number}.")),
    ("ticketing_helpdesk.case.attachment.downloaded", _("The file \"{filename}\" of case #{number} was "
                                                        "downloaded.")),
)])


@log_entry_types.new_from_dict({
    "ticketing_helpdesk.sla.changed": _("The SLA targets or the business-hours calendar were changed."),
    "ticketing_helpdesk.report.exported": _("The support case report \"{report}\" was exported as CSV."),
})
class CaseSettingsLogEntryType(LogEntryType):
    pass
