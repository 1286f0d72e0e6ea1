"""Every permission this addon defines, in one place; views and the API refer to these names."""
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from pretix.base.permissions import OPTS_ALL_READ, PermissionGroup
from pretix.base.signals import register_organizer_permission_groups

# Every member of an organizer team may see the fleet; changing it needs this permission.
FLEET_WRITE = "organizer.fleet:write"
# Binding dates to vessels is part of editing dates (pretix's own permission).
SAILINGS_WRITE = "event.subevents:write"
# Cancelling a sailing with full refunds is pretix's permission to cancel an event or a date.
SAILING_CANCEL = "event:cancel"


@receiver(register_organizer_permission_groups, dispatch_uid="ticketing_core_permission_groups")
def register_fleet_permissions(sender, **kwargs):
    return [
        PermissionGroup(
            name="organizer.fleet",
            label=_("Fleet: vessels and piers"),
            actions=["write"],
            options=OPTS_ALL_READ,
            help_text=_("Vessels, their certified capacity and the piers of the operator."),
        ),
    ]

# Boarding: pretix's check-in permission (the Boarding staff role holds only this); reading orders sees more.
CHECKIN = "event.orders:checkin"
ORDERS_READ = "event.orders:read"
