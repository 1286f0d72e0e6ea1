"""Every permission this addon defines, in one place; views and the API refer to these names."""
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pretix.base.permissions import OPTS_ALL_READ, PermissionGroup, PermissionOption
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

# The KPI dashboard (revenue, load factor, booking pace, conversion): Administrators and Sales managers.
# Boarding staff and support agents lack it and never see revenue. Rows are further limited to the events
# where the person may read orders (pretix's ``event.orders:read``).
KPI_READ = "organizer.kpi:read"


@receiver(register_organizer_permission_groups, dispatch_uid="ticketing_core_kpi_permission_groups")
def register_kpi_permissions(sender, **kwargs):
    return [
        PermissionGroup(
            name="organizer.kpi",
            label=_("Sales figures: KPI dashboard"),
            actions=["read"],
            options=[PermissionOption(actions=(), label=pgettext_lazy("permission_level", "No access")),
                     PermissionOption(actions=("read",), label=pgettext_lazy("permission_level", "View"))],
            help_text=_("Revenue, load factor, refunds, no-shows, booking pace and the shop's conversion funnel "
                        "of the events whose orders the person may see."),
        ),
    ]
