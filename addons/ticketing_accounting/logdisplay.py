"""Readable, translated texts for every log entry this addon writes."""
from django.utils.translation import gettext_lazy as _

from pretix.base.logentrytype_registry import LogEntryType, log_entry_types
from pretix.base.logentrytypes import OrderLogEntryType


@log_entry_types.new_from_dict({
    "ticketing_accounting.bankimport.imported": _(
        "Bank statement \"{filename}\" imported: {matched} confirmed, {partial} partial, {over} over the amount, "
        "{unmatched} without an order, {duplicate} already imported."),
    "ticketing_accounting.bankimport.ignored": _(
        "Payment document № {number} of {date} ({amount} ₽) ignored."),
    "ticketing_accounting.register.exported": _(
        "Register \"{title}\" for {start} – {end} exported as {format} ({rows} lines)."),
})
class AccountingLogEntryType(LogEntryType):
    pass


@log_entry_types.new_from_dict({
    "ticketing_accounting.bankimport.assigned": _(
        "Payment document № {number} of {date} ({amount} ₽) from the bank statement booked on this order."),
})
class AccountingOrderLogEntryType(OrderLogEntryType):
    pass
