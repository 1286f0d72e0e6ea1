"""
Every URL of the addon, gathered from its slices (one namespace, ``plugins:ticketing_core``, so the names do
not say which slice holds a page): ``fleet/urls.py``, ``notifications/urls.py``.
"""
from django.urls import re_path

from pretix.multidomain import event_url

from .fleet import urls as fleet_urls
from .notifications import urls as notification_urls
from .views import charter, rentals, rentals_control

ORG = r"^control/organizer/(?P<organizer>[^/]+)/fleet/"
RENTALS = r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/rentals/"

urlpatterns = [
    *fleet_urls.urlpatterns,
    *notification_urls.urlpatterns,
    re_path(ORG + r"timeline$", rentals_control.VesselTimeline.as_view(), name="timeline"),
    re_path(RENTALS + r"$", rentals_control.RentalOfferEdit.as_view(), name="rentals.offer"),
    re_path(RENTALS + r"cancel/(?P<code>[0-9A-Z]+)$", rentals_control.RentalCancel.as_view(), name="rental.cancel"),
]

organizer_patterns = [*notification_urls.organizer_patterns]

# the shop, event level: /<organizer>/<event>/rentals/availability.json (public; not live → 404 by the view)
event_patterns = [
    event_url(r"^rentals/$", charter.CharterBooking.as_view(), name="rentals.book", require_live=False),
    event_url(r"^rentals/availability\.json$", rentals.availability, name="rentals.availability",
              require_live=False),
]
