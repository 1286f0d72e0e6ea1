"""The storefront's own pages: the catalogue home, sitemap and robots.txt."""
from django.urls import re_path

from pretix.multidomain import event_url

from .accounts import views as accounts
from .accounts.mixins import PRETIX_ACCOUNT_PAGES as ACCOUNT_VIEWS
from .catalogue.views import CatalogueView
from .privacy import views as privacy
from .seo import views as seo
from .theme import backoffice

# the shop, organizer level (plugin patterns come before pretix's, so r"^$" takes over the organizer's home page)
organizer_patterns = [
    re_path(r"^$", CatalogueView.as_view(), name="catalogue"),
    re_path(r"^sitemap\.xml$", seo.sitemap, name="sitemap"),
    # customer accounts and personal data (accounts/, privacy/); "register" takes over pretix's address
    re_path(r"^account/register$", accounts.ConsentRegistrationView.as_view(), name="account.register"),
    re_path(r"^account/profile$", accounts.ProfileView.as_view(), name="account.profile"),
    re_path(r"^account/privacy$", privacy.PrivacyAccountPage.as_view(), name="account.privacy"),
    re_path(r"^account/privacy/export$", privacy.DataExport.as_view(), name="account.privacy.export"),
    re_path(r"^privacy$", privacy.PolicyPage.as_view(), name="privacy.policy"),
    # pretix's own account pages with the whole account menu (accounts/mixins.py), under pretix's URL names so
    # pretix marks their menu entry itself
    *[re_path(pattern, ACCOUNT_VIEWS[name].as_view(), name=name) for pattern, name in (
        (r"^account/$", "organizer.customer.index"),
        (r"^account/memberships$", "organizer.customer.memberships"),
        (r"^account/giftcards$", "organizer.customer.giftcards"),
        (r"^account/addresses$", "organizer.customer.addresses"),
        (r"^account/profiles$", "organizer.customer.profiles"),
    )],
]

# the shop, event level: one ticket's QR code for boarding (access as for pretix's order page)
event_patterns = [
    event_url(r"^order/(?P<order>[^/]+)/(?P<secret>[A-Za-z0-9]+)/boarding/(?P<position>\d+)/$",
              accounts.BoardingView.as_view(), name="boarding", require_live=False),
]

# not below an organizer: robots.txt and favicon.ico at the root of the shop's host
urlpatterns = [
    re_path(r"^robots\.txt$", seo.robots_txt, name="robots"),
    re_path(r"^favicon\.ico$", seo.favicon, name="favicon"),
    re_path(r"^control/organizer/(?P<organizer>[^/]+)/storefront/$", backoffice.OrganizerStorefrontSettings.as_view(),
            name="organizer.settings"),
    re_path(r"^control/event/(?P<organizer>[^/]+)/(?P<event>[^/]+)/storefront/$",
            backoffice.EventStorefrontSettings.as_view(), name="event.settings"),
    re_path(r"^control/organizer/(?P<organizer>[^/]+)/privacy/$", privacy.PolicySettings.as_view(),
            name="privacy.settings"),
]
