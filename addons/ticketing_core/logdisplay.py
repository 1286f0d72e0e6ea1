"""Readable, translated texts for every log entry this addon writes."""
from django.utils.translation import gettext_lazy as _

from pretix.base.logentrytype_registry import LogEntryType, log_entry_types
from pretix.base.logentrytypes import EventLogEntryType, OrderLogEntryType


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
    "ticketing_core.manifest.viewed": _("The passenger manifest of the sailing was viewed."),
    "ticketing_core.manifest.exported": _("The passenger manifest of the sailing was exported ({format})."),
    "ticketing_core.boarding.closed": _("Boarding closed: {boarded} of {paid} paid passengers boarded, "
                                        "{noshows} no-shows."),
    "ticketing_core.documents.changed": _("Travel documents at checkout (inter-regional or international "
                                          "route) were switched on or off."),
    "ticketing_core.documents.purged": _("{answers} travel-document answers were erased after {days} days."),
})
class SailingLogEntryType(EventLogEntryType):
    pass


@log_entry_types.new_from_dict({
    "ticketing_core.notification.sent": _("Message \"{kind}\" sent by {channel} to {recipient}."),
    "ticketing_core.notification.delivered": _("Message \"{kind}\" delivered by {channel} to {recipient}."),
    "ticketing_core.notification.failed": _("Message \"{kind}\" by {channel} to {recipient} failed: {detail}"),
    "ticketing_core.notification.unknown": _("Message \"{kind}\" by {channel}: outcome unknown ({detail})."),
    "ticketing_core.notification.resent": _("Staff asked to send the message \"{kind}\" again by {channel}."),
})
class NotificationLogEntryType(OrderLogEntryType):
    def display(self, logentry, data):
        from .notifications.kinds import CHANNELS, KINDS

        kind = KINDS.get(data.get("kind"))
        data = {**data, "kind": str(kind.label) if kind else data.get("kind", "?"),
                "channel": str(dict(CHANNELS).get(data.get("channel"), data.get("channel", "?")))}
        return super().display(logentry, data)


@log_entry_types.new_from_dict({
    "ticketing_core.notifications.changed": _("The notification texts or switches of the event were changed."),
})
class NotificationSettingsLogEntryType(EventLogEntryType):
    pass


@log_entry_types.new_from_dict({
    "ticketing_core.sms.changed": _("The SMS settings were changed."),
    "ticketing_core.contact_preference.changed": _("The customer changed their SMS and reminder choices."),
})
class SmsSettingsLogEntryType(LogEntryType):
    pass


@log_entry_types.new_from_dict({
    "ticketing_core.flag.changed": _("Feature flag \"{flag}\" switched {state}; reason: {reason}"),
})
class FlagLogEntryType(LogEntryType):
    def display(self, logentry, data):
        from .flags.registry import FLAGS

        flag = FLAGS.get(data.get("flag"))
        data = {**data, "flag": str(flag.label) if flag else data.get("flag", "?"),
                "state": str(_("on") if data.get("enabled") else _("off")), "reason": data.get("reason") or "—"}
        return super().display(logentry, data)
