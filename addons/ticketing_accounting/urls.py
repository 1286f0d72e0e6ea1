"""The back office's Accounting section and the buyer's document downloads."""
from django.urls import re_path

from pretix.multidomain import event_url

from .documents import views as documents
from .requisites import views as requisites

# B2B and documents
event_patterns = [
    event_url(r"^order/(?P<order>[^/]+)/(?P<secret>[A-Za-z0-9]+)/accounting/document/(?P<document>\d+)/$",
              documents.BuyerDocumentDownload.as_view(), name="document.download", require_live=False),
]

urlpatterns: list = [
    # B2B and documents
    re_path(r"^control/organizer/(?P<organizer>[^/]+)/accounting/requisites/$",
            requisites.SupplierSettings.as_view(), name="requisites"),
    re_path(r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/orders/(?P<code>[0-9A-Z]+)/accounting/"
            r"document/(?P<document>\d+)/$", documents.StaffDocumentDownload.as_view(), name="document.staff"),
    re_path(r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/orders/(?P<code>[0-9A-Z]+)/accounting/"
            r"issue/(?P<kind>invoice|closing)/$", documents.StaffIssueDocument.as_view(), name="document.issue"),
    re_path(r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/accounting/group-order/$",
            documents.GroupOrderCreate.as_view(), name="group_order"),
]
