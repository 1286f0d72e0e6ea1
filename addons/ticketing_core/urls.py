from django.urls import re_path

from pretix.api.urls import orga_router

from .api import PierViewSet, SailingViewSet, VesselViewSet
from .views import fleet, sailings

ORG = r"^control/organizer/(?P<organizer>[^/]+)/fleet/"
EVENT = r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/sailings/"

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
    re_path(EVENT + r"$", sailings.SailingList.as_view(), name="sailings"),
    re_path(EVENT + r"settings$", sailings.EventSailingSettings.as_view(), name="settings"),
    re_path(EVENT + r"(?P<sailing>\d+)/cancel$", sailings.SailingCancel.as_view(), name="sailing.cancel"),
]

orga_router.register(r"piers", PierViewSet, basename="ticketing-piers")
orga_router.register(r"vessels", VesselViewSet, basename="ticketing-vessels")
orga_router.register(r"sailings", SailingViewSet, basename="ticketing-sailings")
