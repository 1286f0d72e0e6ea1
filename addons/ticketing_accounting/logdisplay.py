"""Texts of the addon's log entries (B2B and documents)."""
from django.utils.translation import gettext_lazy as _

from pretix.base.logentrytype_registry import LogEntryType, log_entry_types

KINDS = {"invoice": _("Invoice (Счёт)"), "act": _("Certificate of services (Акт)"),
         "upd": _("Universal transfer document (УПД)")}


@log_entry_types.new_from_dict({
    "ticketing_accounting.b2b.buyer_recorded": _("Bought as an organisation / sole proprietor (ИНН {inn})."),
    "ticketing_accounting.document.issued": _("{kind} № {number} of {year} has been issued."),
    "ticketing_accounting.document.canceled": _("{kind} № {number} of {year} has been cancelled (it keeps its "
                                                "number)."),
    "ticketing_accounting.document.sent": _("{kind} № {number} has been sent to {email}."),
    "ticketing_accounting.requisites.changed": _("The accounting requisites have been changed."),
    "ticketing_accounting.group_order.created": _("A group order for an organisation has been created in the back "
                                                  "office."),
})
class AccountingLogEntryType(LogEntryType):
    def display(self, logentry, data):
        data = {"inn": "", "number": "?", "year": "", "email": "", **data,
                "kind": KINDS.get(data.get("kind"), data.get("kind", ""))}
        return super().display(logentry, data)
