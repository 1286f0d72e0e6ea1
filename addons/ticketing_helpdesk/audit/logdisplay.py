"""Readable, translated texts for the log entries of the console, the roles page and the audit page."""
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pretix.base.logentrytype_registry import LogEntryType, log_entry_types
from pretix.base.logentrytypes import EventLogEntryType, OrderLogEntryType, SubEventLogEntryType
from pretix.base.models import Customer


@log_entry_types.new_from_dict({
    "ticketing_helpdesk.refund": _("Support refunded {amount} RUB within the refund policy."),
})
class RefundLogEntryType(OrderLogEntryType):
    def display(self, logentry, data):
        return super().display(logentry, {**data, "amount": data.get("amount", "?")})


@log_entry_types.new_from_dict({
    "ticketing_helpdesk.cancel": _("Support cancelled the unpaid order within the refund policy (nothing to refund)."),
})
class CancelLogEntryType(OrderLogEntryType):
    pass


@log_entry_types.new_from_dict({
    "ticketing_helpdesk.resend": _("Support sent the order confirmation with the tickets again by {channel}."),
})
class ResendLogEntryType(OrderLogEntryType):
    def display(self, logentry, data):
        from ticketing_core.notifications.kinds import CHANNELS

        return super().display(logentry, {**data, "channel": str(dict(CHANNELS).get(data.get("channel"), "?"))})


class CustomerLogEntryType(LogEntryType):
    object_link_wrapper = _("Customer {val}")

    def get_object_link_info(self, logentry):
        customer = logentry.content_object
        if not isinstance(customer, Customer):
            return None
        return {"href": reverse("plugins:ticketing_helpdesk:console.customer", kwargs={
            "organizer": customer.organizer.slug, "customer": customer.identifier}),
            "val": customer.name or customer.email or customer.identifier}


log_entry_types.register(
    CustomerLogEntryType(action_type="ticketing_helpdesk.customer.viewed",
                         plain=_("The customer's profile was viewed in the console.")),
    CustomerLogEntryType(action_type="ticketing_helpdesk.customer.exported",
                         plain=_("The customer's personal data was exported ({format}).")),
)


@log_entry_types.new_from_dict({
    "ticketing_helpdesk.guest.viewed": _("The profile of the guest customer {email} was viewed in the console."),
    "ticketing_helpdesk.guest.exported": _("The personal data of the guest customer {email} was exported "
                                           "({format})."),
})
class GuestLogEntryType(OrderLogEntryType):
    pass


@log_entry_types.new_from_dict({
    "ticketing_helpdesk.console.searched": _("Console search for \"{query}\" ({count} results)."),
    "ticketing_helpdesk.audit.exported": _("The audit trail was exported as CSV ({count} entries)."),
    "ticketing_helpdesk.role.applied": _("The role \"{role}\" was applied to the team \"{team}\"."),
    "ticketing_helpdesk.export.run": _("The data export \"{exporter}\" was run."),
})
class OrganizerAuditLogEntryType(LogEntryType):
    def display(self, logentry, data):
        if logentry.action_type == "ticketing_helpdesk.role.applied":
            from ..roles.templates import ROLES

            role = ROLES.get(data.get("role"))
            data = {**data, "role": str(role.label) if role else data.get("role", "?")}
        return super().display(logentry, data)


@log_entry_types.new_from_dict({
    "ticketing_helpdesk.order.viewed": _("The order {order} was viewed in the back office."),
})
class OrderViewedLogEntryType(EventLogEntryType):
    pass


@log_entry_types.new_from_dict({
    "ticketing_helpdesk.manifest.viewed": _("The passenger manifest of the sailing was viewed."),
    "ticketing_helpdesk.manifest.exported": _("The passenger manifest of the sailing was exported as CSV."),
})
class ManifestLogEntryType(SubEventLogEntryType):
    pass
