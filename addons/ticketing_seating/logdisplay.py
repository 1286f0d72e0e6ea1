"""Readable, translated texts for every log entry this addon writes."""
from django.utils.translation import gettext_lazy as _

from pretix.base.logentrytype_registry import LogEntryType, log_entry_types
from pretix.base.logentrytypes import EventLogEntryType


@log_entry_types.new_from_dict({
    "ticketing_seating.map.saved": _("The seat map of \"{name}\" was saved ({seats} seats)."),
})
class SeatMapLogEntryType(LogEntryType):
    pass


@log_entry_types.new_from_dict({
    "ticketing_seating.sailing.map_applied": _("The seat map of {vessel} was applied to this date."),
    "ticketing_seating.sailing.map_removed": _("The seat map was removed from this date ({vessel} sells general "
                                               "admission)."),
    "ticketing_seating.seat.blocked": _("Seat {seat} was blocked. Reason: {reason}"),
    "ticketing_seating.seat.unblocked": _("Seat {seat} was unblocked."),
    "ticketing_seating.categories.changed": _("The products of the seat categories were changed."),
    "ticketing_seating.settings.changed": _("The seat rules were changed."),
})
class SeatingEventLogEntryType(EventLogEntryType):
    pass
