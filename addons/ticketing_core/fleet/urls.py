"""The fleet's back-office pages (organizer: vessels, piers, settings; event: sailings) and its REST endpoints."""
from django.urls import re_path

from pretix.api.urls import orga_router

from . import sailing_views, views
from .api import PierViewSet, SailingViewSet, VesselViewSet

ORG = r"^control/organizer/(?P<organizer>[^/]+)/fleet/"
EVENT = r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/sailings/"

urlpatterns = [
    re_path(ORG + r"vessels/$", views.VesselList.as_view(), name="vessels"),
    re_path(ORG + r"vessels/add$", views.VesselEdit.as_view(), name="vessel.add"),
    re_path(ORG + r"vessels/(?P<pk>\d+)/$", views.VesselEdit.as_view(), name="vessel.edit"),
    re_path(ORG + r"vessels/(?P<pk>\d+)/archive$", views.VesselArchive.as_view(), name="vessel.archive"),
    re_path(ORG + r"piers/$", views.PierList.as_view(), name="piers"),
    re_path(ORG + r"piers/add$", views.PierEdit.as_view(), name="pier.add"),
    re_path(ORG + r"piers/(?P<pk>\d+)/$", views.PierEdit.as_view(), name="pier.edit"),
    re_path(ORG + r"piers/(?P<pk>\d+)/archive$", views.PierArchive.as_view(), name="pier.archive"),
    re_path(ORG + r"settings$", views.FleetSettings.as_view(), name="fleet.settings"),
    re_path(EVENT + r"$", sailing_views.SailingList.as_view(), name="sailings"),
    re_path(EVENT + r"(?P<sailing>\d+)/cancel$", sailing_views.SailingCancel.as_view(), name="sailing.cancel"),
]

orga_router.register(r"piers", PierViewSet, basename="ticketing-piers")
orga_router.register(r"vessels", VesselViewSet, basename="ticketing-vessels")
orga_router.register(r"sailings", SailingViewSet, basename="ticketing-sailings")
