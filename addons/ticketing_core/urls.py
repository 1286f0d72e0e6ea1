from django.urls import re_path

from pretix.api.urls import orga_router
from pretix.multidomain import event_url

from .api import PierViewSet, SailingViewSet, VesselViewSet
from .notifications import delivery
from .views import charter, fleet, notifications, rentals, rentals_control, sailings

ORG = r"^control/organizer/(?P<organizer>[^/]+)/fleet/"
EVENT = r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/sailings/"
NOTIFY = r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/notifications/"
RENTALS = r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/rentals/"
MESSAGES = r"^control/organizer/(?P<organizer>[^/]+)/messages/"

urlpatterns = [
    re_path(ORG + r"vessels/$", fleet.VesselList.as_view(), name="vessels"),
    re_path(ORG + r"vessels/add$", fleet.VesselEdit.as_view(), name="vessel.add"),
    re_path(ORG + r"vessels/(?P<pk>\d+)/$", fleet.VesselEdit.as_view(), name="vessel.edit"),
    re_path(ORG + r"vessels/(?P<pk>\d+)/archive$", fleet.VesselArchive.as_view(), name="vessel.archive"),
    re_path(ORG + r"piers/$", fleet.PierList.as_view(), name="piers"),
    re_path(ORG + r"piers/add$", fleet.PierEdit.as_view(), name="pier.add"),
    re_path(ORG + r"piers/(?P<pk>\d+)/$", fleet.PierEdit.as_view(), name="pier.edit"),
    re_path(ORG + r"piers/(?P<pk>\d+)/archive$", fleet.PierArchive.as_view(), name="pier.archive"),
    re_path(ORG + r"settings$", fleet.FleetSettings.as_view(), name="fleet.settings"),
    re_path(ORG + r"timeline$", rentals_control.VesselTimeline.as_view(), name="timeline"),
    re_path(EVENT + r"$", sailings.SailingList.as_view(), name="sailings"),
    re_path(EVENT + r"settings$", sailings.EventSailingSettings.as_view(), name="settings"),
    re_path(EVENT + r"(?P<sailing>\d+)/cancel$", sailings.SailingCancel.as_view(), name="sailing.cancel"),
    re_path(RENTALS + r"$", rentals_control.RentalOfferEdit.as_view(), name="rentals.offer"),
    re_path(RENTALS + r"cancel/(?P<code>[0-9A-Z]+)$", rentals_control.RentalCancel.as_view(), name="rental.cancel"),
    re_path(NOTIFY + r"$", notifications.NotificationSettings.as_view(), name="notifications.settings"),
    re_path(NOTIFY + r"resend/(?P<code>[0-9A-Z]+)$", notifications.ResendConfirmation.as_view(),
            name="notifications.resend"),
    re_path(MESSAGES + r"$", notifications.MessageList.as_view(), name="messages"),
    re_path(MESSAGES + r"sms$", notifications.SmsSettings.as_view(), name="sms.settings"),
    # the SMS gateway's delivery reports, per organizer account, with that account's secret token
    re_path(r"^_sms/(?P<organizer>[^/]+)/callback/(?P<token>[A-Za-z0-9_-]{1,64})/$", delivery.sms_callback,
            name="sms.callback"),
]

# the shop, organizer level: /<organizer>/account/notifications (a logged-in customer's SMS and reminder choices)
organizer_patterns = [
    re_path(r"^account/notifications$", notifications.CustomerPreferences.as_view(), name="customer.notifications"),
]

# the shop, event level: /<organizer>/<event>/rentals/availability.json (public; not live → 404 by the view)
event_patterns = [
    event_url(r"^rentals/$", charter.CharterBooking.as_view(), name="rentals.book", require_live=False),
    event_url(r"^rentals/availability\.json$", rentals.availability, name="rentals.availability",
              require_live=False),
]

orga_router.register(r"piers", PierViewSet, basename="ticketing-piers")
orga_router.register(r"vessels", VesselViewSet, basename="ticketing-vessels")
orga_router.register(r"sailings", SailingViewSet, basename="ticketing-sailings")
