from django.urls import path, re_path

from .views import control, presale, webhook

# global: YooKassa posts every shop's notifications to one address
urlpatterns = [
    path("_yookassa/webhook/", webhook.webhook, name="webhook"),
    re_path(r"^control/organizer/(?P<organizer>[^/]+)/yookassa/$", control.OrganizerSettings.as_view(),
            name="organizer.settings"),
    re_path(r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/yookassa/check/$",
            control.EventCheckConnection.as_view(), name="check"),
]

event_patterns = [
    re_path(r"^yookassa/return/(?P<order>[^/]+)/(?P<hash>[^/]+)/(?P<payment>[0-9]+)/$", presale.return_view,
            name="return"),
    re_path(r"^yookassa/status/(?P<order>[^/]+)/(?P<hash>[^/]+)/(?P<payment>[0-9]+)/$", presale.status_view,
            name="status"),
]
