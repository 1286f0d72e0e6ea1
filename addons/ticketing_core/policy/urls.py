"""The event's *Sailing and refund policy* settings page."""
from django.urls import re_path

from . import views

EVENT = r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/sailings/"

urlpatterns = [
    re_path(EVENT + r"settings$", views.EventSailingSettings.as_view(), name="settings"),
]
