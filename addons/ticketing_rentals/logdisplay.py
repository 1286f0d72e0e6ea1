"""
Readable, translated texts for the log entries charters write. The action types keep the names they had
while rentals were part of ticketing_core, so entries written before the split still read well.
"""
from django.utils.translation import gettext_lazy as _

from pretix.base.logentrytype_registry import log_entry_types
from pretix.base.logentrytypes import EventLogEntryType, OrderLogEntryType


@log_entry_types.new_from_dict({
    "ticketing_core.rental.canceled": _("The charter was cancelled by the operator and the order refunded in full. "
                                        "Reason: {reason}"),
    "ticketing_core.rental.lost": _("The order became valid again, but its charter time ({starts_at}) had been "
                                    "booked by someone else meanwhile: refund the order or agree another time "
                                    "with the customer."),
})
class RentalOrderLogEntryType(OrderLogEntryType):
    pass


@log_entry_types.new_from_dict({
    "ticketing_core.rental_offer.changed": _("The charter offer (vessels, opening hours, rates) was changed."),
})
class RentalOfferLogEntryType(EventLogEntryType):
    pass
