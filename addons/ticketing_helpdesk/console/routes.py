"""URL patterns of the agent console, the passenger manifest, the staff roles and the audit trail."""
from django.urls import re_path

from pretix.api.urls import event_router, orga_router

from ..audit import views as audit_views
from ..manifest import views as manifest_views
from ..roles import views as role_views
from . import api, views

BASE = r"^control/organizer/(?P<organizer>[^/]+)/helpdesk/"
ORDER = r"(?P<ev>[^/]+)/(?P<code>[0-9A-Z]+)/"

urlpatterns = [
    re_path(BASE + r"console/$", views.ConsoleSearch.as_view(), name="console"),
    re_path(BASE + r"console/customer/(?P<customer>[^/]+)/$", views.CustomerProfile.as_view(), name="console.customer"),
    re_path(BASE + r"console/customer/(?P<customer>[^/]+)/export$", views.CustomerExport.as_view(),
            name="console.customer.export"),
    re_path(BASE + r"console/guest/" + ORDER + r"$", views.GuestProfile.as_view(), name="console.guest"),
    re_path(BASE + r"console/guest/" + ORDER + r"export$", views.GuestExport.as_view(), name="console.guest.export"),
    re_path(BASE + r"console/order/" + ORDER + r"refund$", views.OrderRefund.as_view(), name="console.refund"),
    re_path(BASE + r"console/order/" + ORDER + r"resend$", views.OrderResend.as_view(), name="console.resend"),
    re_path(BASE + r"manifest/$", manifest_views.ManifestIndex.as_view(), name="manifest"),
    re_path(BASE + r"manifest/(?P<ev>[^/]+)/(?P<subevent>\d+)/$", manifest_views.ManifestDetail.as_view(),
            name="manifest.detail"),
    re_path(BASE + r"roles/$", role_views.RoleTemplates.as_view(), name="roles"),
    re_path(BASE + r"audit/$", audit_views.AuditList.as_view(), name="audit"),
]

orga_router.register(r"console_search", api.ConsoleSearchViewSet, basename="ticketing-console-search")
event_router.register(r"policy_refunds", api.PolicyRefundViewSet, basename="ticketing-policy-refunds")
