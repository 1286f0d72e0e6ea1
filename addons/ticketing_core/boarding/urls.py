"""The crew's boarding page and the passenger manifest (organizer level: a crew member works a pier, not an event)."""
from django.urls import re_path

from . import settings_views, views

ORG = r"^control/organizer/(?P<organizer>[^/]+)/boarding/"

urlpatterns = [
    re_path(ORG + r"$", views.BoardingIndex.as_view(), name="boarding"),
    re_path(ORG + r"(?P<sailing>\d+)/$", views.BoardingPage.as_view(), name="boarding.sailing"),
    re_path(ORG + r"(?P<sailing>\d+)/scan$", views.BoardingScan.as_view(), name="boarding.scan"),
    re_path(ORG + r"(?P<sailing>\d+)/search$", views.BoardingSearch.as_view(), name="boarding.search"),
    re_path(ORG + r"manifest/$", views.ManifestIndex.as_view(), name="manifest"),
    re_path(ORG + r"manifest/(?P<sailing>\d+)/$", views.ManifestDetail.as_view(), name="manifest.detail"),
    re_path(r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/settings/boarding/$",
            settings_views.BoardingSettings.as_view(), name="boarding.settings"),
]
