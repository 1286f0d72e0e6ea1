"""Every place where the storefront touches pretix; the logic lives in catalogue/, seo/ and theme/."""
from django.dispatch import receiver
from django.urls import resolve, reverse
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pretix.base.signals import order_fee_calculation
from pretix.control.signals import nav_event_settings, nav_organizer
from pretix.presale.signals import (
    checkout_confirm_page_content,
    fee_calculation_for_cart,
    front_page_bottom,
    front_page_top,
    global_html_head,
    html_head,
    item_description,
    order_meta_from_request,
    process_request,
    process_response,
)

from ticketing_core.hooks import demo_loaders
from ticketing_core.responses import after_render
from ticketing_core.urlmatch import url_match

from .catalogue import cache, cart_page, checkout, event_page
from .orders import (
    invoice_address,  # noqa: F401  (pretix's default: no invoice address from retail buyers)
    manual_payment,  # noqa: F401  (pretix's manual payment without texts showed "None")
)
from .orders.labels import translate_hidden_labels
from .public_name import localize_organizer
from .theme.head import theme_head

APP = "ticketing_website"


# --- event pages -----------------------------------------------------------------------------------

def _page_key(sender, request, subevent, part: str) -> tuple:
    channel = getattr(getattr(request, "sales_channel", None), "identifier", "")
    return ("event", part, sender.pk, getattr(subevent, "pk", None), get_language(), channel)


SHARED_PAGES = {"event.index"}
# the calendar's navigation and ?lang= (seo/middleware.py); a voucher, widget or campaign parameter is not shared
SHARED_QUERY = {"date", "month", "year", "week", "style", "lang"}


def _shared_event_page(sender, request) -> str | None:
    """The cache key of this request's event page if every anonymous visitor sees it alike, else None."""
    if not cache.shareable(request) or not set(request.GET).issubset(SHARED_QUERY):
        return None
    match = url_match(request)
    if match.namespace != "presale" or match.url_name not in SHARED_PAGES:
        return None
    return cache.page_key(request, "event", sender.pk)


@receiver(process_request, dispatch_uid="ticketing_website_process_request")
def serve_shared_event_page(sender, request, **kwargs):
    """
    At peak sales most visitors are anonymous and look at the same few dates; pretix computes the month calendar
    and the product list with availability on every view (~150 ms), so they get the page computed up to 15 s ago.
    """
    localize_organizer(request)  # the operator's public name in pretix's header (public_name.py)
    page = request._ticketing_shared_page = _shared_event_page(sender, request)
    if page:
        return cache.shared_page(request, page)
    # a visitor holding a cart: the page shared by such visitors with their own cart and messages (cart_page.py)
    match = url_match(request)
    if match.namespace == "presale" and cart_page.eligible(request, sender, match.url_name, match.kwargs):
        request._ticketing_cart_page = True
        return cart_page.serve(request, sender, match.kwargs)
    return None


@receiver(process_response, dispatch_uid="ticketing_website_process_response")
def store_shared_event_page(sender, request, response, **kwargs):
    # the key found on the way in; share_page checks the session again, as the view may have filled it
    page = getattr(request, "_ticketing_shared_page", None)
    if page is None:
        after_render(response, translate_hidden_labels)
        if getattr(request, "_ticketing_cart_page", False):
            kwargs = url_match(request).kwargs
            after_render(response, lambda rendered: cart_page.store(request, sender, kwargs, rendered))
        return response
    after_render(response, lambda rendered: cache.share_page(request, page, rendered))
    return response


@receiver(front_page_top, dispatch_uid="ticketing_website_front_page_top")
def event_details(sender, request, subevent=None, **kwargs):
    # the cached values below are our own templates' output (Django auto-escaping), never raw input
    return SafeString(cache.cached(_page_key(sender, request, subevent, "details"),  # nosec B308 B703  # nosemgrep: prichal-mark-safe-non-literal
                                   lambda: event_page.render_details(sender, subevent, request)))


@receiver(front_page_bottom, dispatch_uid="ticketing_website_front_page_bottom")
def event_schedule(sender, request, subevent=None, **kwargs):
    def render():
        html = event_page.render_schedule(sender, subevent, request)
        if sender.has_subevents and subevent is None:
            # pretix shows front_page_top only once a date is chosen; the series page gets the facts here
            html = event_page.render_details(sender, None, request) + html
        return html

    return SafeString(cache.cached(_page_key(sender, request, subevent, "schedule"), render))  # nosec B308 B703  # nosemgrep: prichal-mark-safe-non-literal


@receiver(html_head, dispatch_uid="ticketing_website_html_head")
def event_head(sender, request, **kwargs):
    """
    Theme, language alternates (per address, cheap) and, on the event page, OpenGraph and JSON-LD: those are
    the same for every visitor of a date whatever the query string, so they are cached per date and language
    (a visitor holding a cart no longer recomputes the catalogue entries for them on every view).
    """
    from .seo.head import event_head_links, event_page_date, event_structured_html

    html = theme_head(sender.settings) + event_head_links(sender, request)
    is_event_page, subevent_id = event_page_date(request)
    if not is_event_page:
        return html
    parts = _page_key(sender, request, None, "head-structured") + (subevent_id, request.get_host())
    return html + SafeString(cache.cached(parts, lambda: event_structured_html(sender, request)))  # nosec B308 B703  # nosemgrep: prichal-mark-safe-non-literal


@receiver(global_html_head, dispatch_uid="ticketing_website_global_html_head")
def organizer_head(sender, request, **kwargs):
    """Organizer-level shop pages (the catalogue, accounts): theme and language alternates."""
    organizer = getattr(request, "organizer", None)
    if organizer is None or getattr(request, "event", None) is not None or APP not in organizer.get_plugins():
        return ""
    from .seo.head import organizer_head_html

    return theme_head(organizer.settings) + organizer_head_html(organizer, request)


# --- prices at checkout ----------------------------------------------------------------------------

@receiver(fee_calculation_for_cart, dispatch_uid="ticketing_website_fee_cart")
def cart_service_fee(sender, positions, **kwargs):
    return checkout.service_fees(sender, positions)


@receiver(order_fee_calculation, dispatch_uid="ticketing_website_fee_order")
def order_service_fee(sender, positions, **kwargs):
    return checkout.service_fees(sender, positions)


@receiver(item_description, dispatch_uid="ticketing_website_item_description")
def ticket_price_with_fee(sender, item, variation=None, subevent=None, **kwargs):
    return checkout.price_with_fee_note(sender, item, variation, subevent)


@receiver(checkout_confirm_page_content, dispatch_uid="ticketing_website_confirm")
def confirm_prices_and_refund_deadline(sender, request, **kwargs):
    return checkout.confirm_page_content(sender, request)


@receiver(process_request, dispatch_uid="ticketing_website_non_refundable")
def confirm_non_refundable(sender, request, **kwargs):
    """Within 24 hours of departure the buyer has to tick that the ticket is non-refundable before paying."""
    return checkout.refuse_unconfirmed_non_refundable(sender, request)


@receiver(order_meta_from_request, dispatch_uid="ticketing_website_non_refundable_meta")
def record_non_refundable(sender, request, **kwargs):
    """The order remembers that its buyer accepted a non-refundable ticket (checked in confirm_non_refundable)."""
    if request.POST.get(checkout.NON_REFUNDABLE_FIELD) == "yes":
        return {"ticketing_non_refundable_accepted": True}
    return {}


# --- back office -----------------------------------------------------------------------------------

@receiver(nav_event_settings, dispatch_uid="ticketing_website_nav_event_settings")
def navbar_event_settings(sender, request, **kwargs):
    if not request.user.has_event_permission(request.organizer, request.event, "event.settings.general:write",
                                             request=request):
        return []
    url = resolve(request.path_info)
    return [{
        "label": _("Storefront"),
        "url": reverse(f"plugins:{APP}:event.settings", kwargs={
            "organizer": request.organizer.slug, "event": request.event.slug}),
        "active": url.namespace == f"plugins:{APP}" and url.url_name == "event.settings",
    }]


@receiver(nav_organizer, dispatch_uid="ticketing_website_nav_organizer")
def navbar_organizer(sender, request, organizer, **kwargs):
    if not request.user.has_organizer_permission(organizer, "organizer.settings.general:write", request=request):
        return []
    url = resolve(request.path_info)
    return [{
        "label": _("Storefront"), "icon": "shopping-cart",
        "url": reverse(f"plugins:{APP}:organizer.settings", kwargs={"organizer": organizer.slug}),
        "active": url.namespace == f"plugins:{APP}" and url.url_name == "organizer.settings",
    }]


# --- customer accounts and personal data (accounts helper) ---------------------------------------------
from .accounts import receivers as _account_receivers  # noqa: E402, F401
from .privacy import receivers as _privacy_receivers  # noqa: E402, F401


@receiver(demo_loaders, dispatch_uid="ticketing_website_demo")
def demo_part(sender, **kwargs):
    """This addon's part of the demo operator (``python -m pretix load_demo``, ``make run``)."""
    from .demo import LOADERS

    return LOADERS
