"""The addon's pages: back office (organizer level), the shop's contact form and account pages, the REST API."""
from django.urls import re_path

from pretix.api.urls import orga_router

from .api.views import CaseViewSet
from .cases import customer as customer_views
from .cases import views as case_views
from .console import routes as console_routes
from .reports import views as report_views
from .sla import views as sla_views

CASES = r"^control/organizer/(?P<organizer>[^/]+)/cases/"

urlpatterns = [
    # --- support cases, SLA, reports (cases) ---
    re_path(CASES + r"$", case_views.CaseList.as_view(), name="cases"),
    re_path(CASES + r"add$", case_views.CaseAdd.as_view(), name="case.add"),
    re_path(CASES + r"(?P<number>\d+)/$", case_views.CaseDetail.as_view(), name="case"),
    re_path(CASES + r"(?P<number>\d+)/attachments/(?P<pk>\d+)$", case_views.AttachmentDownload.as_view(),
            name="case.attachment"),
    re_path(CASES + r"sla/$", sla_views.SlaSettings.as_view(), name="sla.settings"),
    re_path(CASES + r"reports/$", report_views.Reports.as_view(), name="reports"),
    re_path(CASES + r"reports/(?P<report>[a-z_]+)\.csv$", report_views.ReportCsv.as_view(), name="reports.csv"),
    # --- console (console helper) ---
    *console_routes.urlpatterns,
]

# the shop, organizer level: /<organizer>/support/… (contact form, guest links) and /<organizer>/account/cases/…
organizer_patterns = [
    re_path(r"^support/$", customer_views.ContactView.as_view(), name="contact"),
    re_path(r"^support/(?P<number>\d+)/(?P<token>[0-9a-f]{32})/$", customer_views.GuestCaseView.as_view(),
            name="customer.case.guest"),
    re_path(r"^support/(?P<number>\d+)/(?P<token>[0-9a-f]{32})/attachments/(?P<pk>\d+)$",
            customer_views.GuestAttachmentDownload.as_view(), name="customer.case.guest.attachment"),
    re_path(r"^account/cases/$", customer_views.CustomerCaseList.as_view(), name="customer.cases"),
    re_path(r"^account/cases/(?P<number>\d+)/$", customer_views.CustomerCaseView.as_view(), name="customer.case"),
    re_path(r"^account/cases/(?P<number>\d+)/attachments/(?P<pk>\d+)$",
            customer_views.CustomerAttachmentDownload.as_view(), name="customer.case.attachment"),
]

orga_router.register(r"cases", CaseViewSet, basename="ticketing-cases")
