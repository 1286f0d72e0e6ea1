"""The back office's Accounting section and the buyer's document downloads."""
from django.urls import re_path

from .bankimport import views as bank_views
from .registers import views as register_views

ACCOUNTING = r"^control/organizer/(?P<organizer>[^/]+)/accounting/"

urlpatterns = [
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
