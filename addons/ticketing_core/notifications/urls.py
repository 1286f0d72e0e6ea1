"""The notification pages: event settings (texts), the organizer's delivery log and SMS settings, the SMS
gateway's delivery reports, and the customer's own choices in the shop."""
from django.urls import re_path

from . import delivery, views

NOTIFY = r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/notifications/"
MESSAGES = r"^control/organizer/(?P<organizer>[^/]+)/messages/"

urlpatterns = [
    re_path(NOTIFY + r"$", views.NotificationSettings.as_view(), name="notifications.settings"),
    re_path(NOTIFY + r"resend/(?P<code>[0-9A-Z]+)$", views.ResendConfirmation.as_view(),
            name="notifications.resend"),
    re_path(MESSAGES + r"$", views.MessageList.as_view(), name="messages"),
    re_path(MESSAGES + r"sms$", views.SmsSettings.as_view(), name="sms.settings"),
    # the SMS gateway's delivery reports, per organizer account
    # the SMS gateway's delivery reports, per organizer account, with that account's secret token
    re_path(r"^_sms/(?P<organizer>[^/]+)/callback/(?P<token>[A-Za-z0-9_-]{1,64})/$", delivery.sms_callback,
            name="sms.callback"),
]

# the shop, organizer level: /<organizer>/account/notifications (a logged-in customer's SMS and reminder choices)
organizer_patterns = [
    re_path(r"^account/notifications$", views.CustomerPreferences.as_view(), name="customer.notifications"),
]
