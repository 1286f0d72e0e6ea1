"""The back office (the charter offer, cancelling a charter, the fleet's timeline) and the shop's charter pages."""
from django.urls import re_path

from pretix.multidomain import event_url

from .views import availability, charter, control

ORG = r"^control/organizer/(?P<organizer>[^/]+)/fleet/"
RENTALS = r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/rentals/"

urlpatterns = [
    re_path(ORG + r"timeline$", control.VesselTimeline.as_view(), name="timeline"),
    re_path(RENTALS + r"$", control.RentalOfferEdit.as_view(), name="rentals.offer"),
    re_path(RENTALS + r"cancel/(?P<code>[0-9A-Z]+)$", control.RentalCancel.as_view(), name="rental.cancel"),
]

# the shop, event level: /<organizer>/<event>/rentals/ and …/rentals/availability.json (public; not live → 404)
event_patterns = [
    event_url(r"^rentals/$", charter.CharterBooking.as_view(), name="rentals.book", require_live=False),
    event_url(r"^rentals/availability\.json$", availability.availability, name="rentals.availability",
              require_live=False),
]
