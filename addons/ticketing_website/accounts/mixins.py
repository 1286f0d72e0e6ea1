"""What every page of the storefront's customer account shares: the plugin check and the account menu."""
from django.http import Http404
from django.utils.translation import pgettext_lazy

from pretix.multidomain.urlreverse import eventreverse
from pretix.presale.views import customer as pretix_customer
from pretix.presale.views.customer import CustomerAccountBaseMixin

from ticketing_core.account_menu import AccountMenuMixin

from ..public_name import localize_organizer

APP = "ticketing_website"

# (url name, label, icon) of our pages in the account menu, after pretix's own entries
ACCOUNT_PAGES = (
    ("account.profile", pgettext_lazy("customer account", "Profile and phone"), "mobile"),
    ("account.privacy", pgettext_lazy("customer account", "Personal data"), "shield"),
)


def account_menu_entries(organizer) -> list[dict]:
    """Our pages in the account menu (``ticketing_core.hooks.account_menu``)."""
    return [{"label": label, "url": eventreverse(organizer, f"plugins:{APP}:{name}"), "icon": icon}
            for name, label, icon in ACCOUNT_PAGES]


class PluginActiveMixin:
    """
    Organizer-level shop pages get no activation check from pretix; an inactive plugin answers 404. Where it is
    active, the page shows the operator's public name in the visitor's language (public_name.py).
    """

    def dispatch(self, request, *args, **kwargs):
        if APP not in request.organizer.get_plugins():
            raise Http404()
        localize_organizer(request)
        return super().dispatch(request, *args, **kwargs)


class AccountPageMixin(PluginActiveMixin, AccountMenuMixin, CustomerAccountBaseMixin):
    """A page of the customer's account: logged in, pretix's account header and the whole account menu."""


def _with_menu(view):
    """pretix's own account page, served at its own address with the whole account menu."""
    return type(view.__name__, (PluginActiveMixin, AccountMenuMixin, view), {
        "__doc__": f"pretix's {view.__name__} with the account menu of every addon (ticketing_core.account_menu)."})


# pretix's account pages that show the menu, by their pretix URL name (urls.py takes over their addresses)
PRETIX_ACCOUNT_PAGES = {
    name: _with_menu(view) for name, view in (
        ("organizer.customer.index", pretix_customer.OrderView),
        ("organizer.customer.memberships", pretix_customer.MembershipView),
        ("organizer.customer.giftcards", pretix_customer.GiftcardView),
        ("organizer.customer.addresses", pretix_customer.AddressView),
        ("organizer.customer.profiles", pretix_customer.ProfileView),
    )
}
