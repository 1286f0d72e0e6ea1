"""Readable, translated texts for every log entry this addon writes."""
from django.utils.translation import gettext_lazy as _

from pretix.base.logentrytype_registry import LogEntryType, log_entry_types
from pretix.base.logentrytypes import EventLogEntryType


@log_entry_types.new_from_dict({
    "ticketing_core.pier.added": _("The pier \"{name}\" was created."),
    "ticketing_core.pier.changed": _("The pier \"{name}\" was changed."),
    "ticketing_core.pier.archived": _("The pier \"{name}\" was archived."),
    "ticketing_core.pier.restored": _("The pier \"{name}\" was restored from the archive."),
    "ticketing_core.vessel.added": _("The vessel \"{name}\" was created."),
    "ticketing_core.vessel.changed": _("The vessel \"{name}\" was changed."),
    "ticketing_core.vessel.archived": _("The vessel \"{name}\" was archived."),
    "ticketing_core.vessel.restored": _("The vessel \"{name}\" was restored from the archive."),
    "ticketing_core.vessel.deleted": _("The vessel \"{name}\" was deleted."),
    "ticketing_core.pier.deleted": _("The pier \"{name}\" was deleted."),
    "ticketing_core.settings.changed": _("The fleet settings were changed."),
})
class FleetLogEntryType(LogEntryType):
    pass


@log_entry_types.new_from_dict({
    "ticketing_core.sailing.added": _("The date was bound to a vessel (capacity {capacity})."),
    "ticketing_core.sailing.changed": _("The vessel, piers or capacity of the date were changed "
                                        "(capacity {capacity})."),
    "ticketing_core.sailing.canceled": _("The sailing was cancelled by the operator. Reason: {reason}"),
    "ticketing_core.policy.applied": _("The refund policy (24 hours before departure, no exchanges, "
                                       "no transfers) was applied to the event settings."),
    "ticketing_core.kind.changed": _("The product kind of the event was changed."),
})
class SailingLogEntryType(EventLogEntryType):
    pass
