from django.urls import re_path

from pretix.multidomain import event_url

from .views import event, maps, occupancy, shop

ORG = r"^control/organizer/(?P<organizer>[^/]+)/seatmaps/"
EVENT = r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/seating/"

urlpatterns = [
    re_path(ORG + r"$", maps.MapList.as_view(), name="maps"),
    re_path(ORG + r"(?P<vessel>\d+)/$", maps.MapEdit.as_view(), name="map.edit"),
    re_path(ORG + r"(?P<vessel>\d+)/generate$", maps.MapGenerate.as_view(), name="map.generate"),
    re_path(ORG + r"(?P<vessel>\d+)/export\.json$", maps.MapExport.as_view(), name="map.export"),
    re_path(EVENT + r"$", event.EventSeating.as_view(), name="event.seating"),
    re_path(EVENT + r"occupancy/$", occupancy.OccupancyList.as_view(), name="occupancy.list"),
    re_path(EVENT + r"occupancy/(?P<subevent>\d+)/$", occupancy.Occupancy.as_view(), name="occupancy"),
    re_path(EVENT + r"occupancy/single/$", occupancy.Occupancy.as_view(), name="occupancy.single"),
]

# the shop: /<organizer>/<event>/seating/{map,availability,check}.json?subevent=<id> (public, read-only)
event_patterns = [
    event_url(r"^seating/map\.json$", shop.map_json, name="map"),
    event_url(r"^seating/availability\.json$", shop.availability_json, name="availability"),
    event_url(r"^seating/check\.json$", shop.check_json, name="check"),
]
