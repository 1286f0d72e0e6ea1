"""What every page of the storefront's customer account shares: the plugin check and the account menu."""
from django.http import Http404
from django.utils.translation import pgettext_lazy

from pretix.multidomain.urlreverse import eventreverse
from pretix.presale.views.customer import CustomerAccountBaseMixin

APP = "ticketing_website"

# (url name, label, icon) of our pages in the account menu, after pretix's own entries
ACCOUNT_PAGES = (
    ("account.profile", pgettext_lazy("customer account", "Profile and phone"), "mobile"),
    ("account.privacy", pgettext_lazy("customer account", "Personal data"), "shield"),
)


class PluginActiveMixin:
    """Organizer-level shop pages get no activation check from pretix; an inactive plugin answers 404."""

    def dispatch(self, request, *args, **kwargs):
        if APP not in request.organizer.get_plugins():
            raise Http404()
        return super().dispatch(request, *args, **kwargs)


class AccountPageMixin(PluginActiveMixin, CustomerAccountBaseMixin):
    """A page of the customer's account: logged in, pretix's account header and menu, plus our entries."""

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        current = self.request.resolver_match.url_name
        nav = [dict(n, active=False) for n in ctx.get("sub_nav", [])]
        for name, label, icon in ACCOUNT_PAGES:
            nav.append({"label": label, "url": eventreverse(self.request.organizer, f"plugins:{APP}:{name}"),
                        "active": current == name, "icon": icon})
        ctx["sub_nav"] = nav
        return ctx
