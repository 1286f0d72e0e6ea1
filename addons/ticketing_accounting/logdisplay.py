"""Readable, translated texts for every log entry this addon writes (B2B and documents; bank import and registers)."""
from django.utils.translation import gettext_lazy as _

from pretix.base.logentrytype_registry import LogEntryType, log_entry_types
from pretix.base.logentrytypes import OrderLogEntryType

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


@log_entry_types.new_from_dict({
    "ticketing_accounting.bankimport.imported": _(
        "Bank statement \"{filename}\" imported: {matched} confirmed, {partial} partial, {over} over the amount, "
        "{unmatched} without an order, {duplicate} already imported."),
    "ticketing_accounting.bankimport.ignored": _(
        "Payment document № {number} of {date} ({amount} ₽) ignored."),
    "ticketing_accounting.register.exported": _(
        "Register \"{title}\" for {start} – {end} exported as {format} ({rows} lines)."),
})
class BankAndRegisterLogEntryType(LogEntryType):
    pass


@log_entry_types.new_from_dict({
    "ticketing_accounting.bankimport.assigned": _(
        "Payment document № {number} of {date} ({amount} ₽) from the bank statement booked on this order."),
})
class AccountingOrderLogEntryType(OrderLogEntryType):
    pass
