"""The back office's Accounting section and the buyer's document downloads."""
from django.urls import re_path

from pretix.multidomain import event_url

from .bankimport import views as bank_views
from .documents import views as documents
from .registers import views as register_views
from .requisites import views as requisites

ACCOUNTING = r"^control/organizer/(?P<organizer>[^/]+)/accounting/"

# B2B and documents
event_patterns = [
    event_url(r"^order/(?P<order>[^/]+)/(?P<secret>[A-Za-z0-9]+)/accounting/document/(?P<document>\d+)/$",
              documents.BuyerDocumentDownload.as_view(), name="document.download", require_live=False),
]

urlpatterns: list = [
    # B2B and documents
    re_path(ACCOUNTING + r"requisites/$",
            requisites.SupplierSettings.as_view(), name="requisites"),
    re_path(r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/orders/(?P<code>[0-9A-Z]+)/accounting/"
            r"document/(?P<document>\d+)/$", documents.StaffDocumentDownload.as_view(), name="document.staff"),
    re_path(r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/orders/(?P<code>[0-9A-Z]+)/accounting/"
            r"issue/(?P<kind>invoice|closing)/$", documents.StaffIssueDocument.as_view(), name="document.issue"),
    re_path(r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/accounting/group-order/$",
            documents.GroupOrderCreate.as_view(), name="group_order"),
    # --- Bank import and registers ---
    re_path(ACCOUNTING + r"bank/$", bank_views.BankImportView.as_view(), name="bankimport"),
    re_path(ACCOUNTING + r"bank/statements/(?P<pk>\d+)/$", bank_views.StatementView.as_view(),
            name="bankimport.statement"),
    re_path(ACCOUNTING + r"bank/payments/(?P<pk>\d+)/assign$", bank_views.PaymentActionView.as_view(),
            name="bankimport.assign"),
    re_path(ACCOUNTING + r"bank/payments/(?P<pk>\d+)/ignore$",
            bank_views.PaymentActionView.as_view(action="ignore"), name="bankimport.ignore"),
    re_path(ACCOUNTING + r"registers/(?P<register>[a-z_]+)/$", register_views.RegisterView.as_view(),
            name="register"),
]
