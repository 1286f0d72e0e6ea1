"""
The event page of a visitor holding a cart, from a page shared by every such visitor with their own parts put in.

pretix computes the event page afresh for a visitor with a cart: the date list and the product list with
availability (~150 ms), where only a few parts belong to the visitor. Those parts are, in pretix's templates:

* the cart box (``fragment_cart_box.html``: the positions, their remove buttons, the expiry timer, the payment
  methods already chosen, the checkout and "empty cart" forms);
* the pending messages (pretix keeps them in the session): in the page's ``<title>`` and above the content;
* Django's CSRF token.

Everything else on the page is what every visitor with a non-empty cart sees at this address (the date list's
panel says "Add tickets for a different date" instead of "View other date", so such visitors do not share with
anonymous ones). The first computed page of such a visitor is stored for 15 s (as the anonymous page, see
``cache.py``) with those parts cut out, and every such visitor gets it with their own parts drawn by the same
templates pretix uses.

The parts are cut by exact match: each personal part is rendered here for the visitor whose page was computed,
and the page is stored only when every part is found in it exactly once. The title and the message block can
only be found with a pending message (pretix sets one when a ticket goes into the cart); for a visitor without
one, pretix's view draws the page a second time on that miss with a marker message in a message store of its
own (never saved in the session, never sent), and that copy is the one cut and stored. So a stored page never
holds what it was not proven to hold, and what a visitor receives is byte for byte what pretix renders for them
(``test_cart_page.py`` compares the two), except the calendar and places-left figures may be 15 s old, as for
anonymous visitors; pretix checks the quota again when the next ticket goes into the cart.

Not shared (computed by pretix as before): visitors with anything else in the session (a customer or staff login,
a hidden shop's access, a checkout in progress with its answers), a date with a seat map (the picker shows the
visitor's own held seats), an empty cart, any query string but the calendar's navigation, ``?lang=`` and the
``?require_cookie=true`` pretix adds after "add to cart" (with the session cookie present).
"""
import re
from collections import Counter
from functools import lru_cache

from django.contrib.messages import DEFAULT_LEVELS, INFO, get_messages
from django.contrib.messages.storage.base import BaseStorage
from django.core.cache import cache as django_cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import Context, Engine
from django.template.loader import get_template

from ticketing_core.urlmatch import url_match

from . import cache

SESSION_KEYS = re.compile(r"^(carts|current_cart_event_\d+|_messages)$")
QUERY = {"date", "month", "year", "week", "style", "lang", "require_cookie"}
CART_BOX = "pretixpresale/event/fragment_cart_box.html"
_PART = {name: b"\x00" + name.encode() + b"\x00" for name in ("cart", "title", "messages")}
_PROBE = "_ticketing_cart_page_probe"  # set on the request while the marker copy is drawn
MARKER = "\x00ticketing-cart-page\x00"


@lru_cache(maxsize=1)
def _message_templates():
    """pretix's own two message snippets of ``event/base.html`` (title and alerts), taken from its source."""
    source = get_template("pretixpresale/event/base.html").template.source
    title = re.search(r"\{% block thetitle %\}\s*(\{% if messages %\}.*?\{% endif %\})", source, re.S)
    alerts = re.search(r"(\{% if messages %\}\s*\{% for message in messages %\}.*?\{% endfor %\}\s*\{% endif %\})",
                       source, re.S)
    if not title or not alerts:
        return None
    engine = Engine.get_default()
    return (engine.from_string("{% load i18n %}" + title.group(1)),
            engine.from_string("{% load i18n %}" + alerts.group(1)))


def eligible(request: HttpRequest, sender, url_name: str, url_kwargs: dict) -> bool:
    """A visitor whose only personal state is a cart (and pending messages), on an event page without a seat map."""
    if not cache.enabled() or request.method != "GET" or url_name != "event.index" or hasattr(request, _PROBE):
        return False
    if request.user.is_authenticated or getattr(request, "customer", None):
        return False
    session = getattr(request, "session", None)
    if session is None or not set(request.GET).issubset(QUERY):
        return False
    keys = list(session.keys())
    if not any(k != "_messages" for k in keys) or not all(SESSION_KEYS.match(k) for k in keys):
        return False
    if "require_cookie" in request.GET and not request.COOKIES:
        return False  # pretix answers with its "cookies are required" page
    return not _has_seat_map(sender, url_kwargs.get("subevent"))


def _has_seat_map(sender, subevent) -> bool:
    if sender.seating_plan_id:
        return True
    if not sender.has_subevents or not subevent:
        return False
    return sender.subevents.filter(pk=subevent, seating_plan__isnull=False).exists()


class _Cart:
    """pretix's ``CartMixin`` outside a view: the cart as the event page computes it (positions, fees, expiry)."""

    def __init__(self, request):
        self.request = request


def _cart_context(request: HttpRequest, url_kwargs: dict, drawn: dict | None = None) -> dict | None:
    """
    What pretix's cart box is drawn from: ``drawn`` is the context of a page pretix has just drawn (the very cart
    it showed, down to the seconds left), else the cart is computed as pretix's event page computes it.
    """
    from pretix.presale.views import CartMixin, get_cart

    event = request.event
    if drawn is not None:
        if not drawn.get("show_cart") or "cart" not in drawn:
            return None
        cart, vouchers_exist, addon_choices = drawn["cart"], drawn.get("vouchers_exist"), drawn.get("has_addon_choices")
    else:
        cart = type("CartOfVisitor", (CartMixin, _Cart), {})(request).get_cart()
        if not ((cart["positions"] or cart.get("current_selected_payments")) and (
                event.has_subevents or event.presale_is_running)):
            return None
        vouchers_exist = event.cache.get("vouchers_exist")  # as pretix's event page reads it
        if vouchers_exist is None:
            vouchers_exist = event.vouchers.exists()
            event.cache.set("vouchers_exist", vouchers_exist)
        addon_choices = any(cp.has_addon_choices for cp in get_cart(request))
    return {
        "cart": cart, "open": 1, "request": request, "event": event, "csrf_token": get_token(request),
        "cart_namespace": url_kwargs.get("cart_namespace") or "", "vouchers_exist": vouchers_exist,
        "has_addon_choices": addon_choices,
    }


def _parts(request: HttpRequest, url_kwargs: dict, drawn: dict | None = None) -> tuple[dict[str, bytes], dict] | None:
    """This visitor's own parts of the page as pretix draws them and their cart, or None when not for sharing."""
    templates = _message_templates()
    context = _cart_context(request, url_kwargs, drawn)
    if templates is None or context is None:
        return None
    messages = {"messages": get_messages(request), "DEFAULT_MESSAGE_LEVELS": DEFAULT_LEVELS}
    return {
        "cart": get_template(CART_BOX).template.render(Context(context, autoescape=True)).encode(),
        "title": templates[0].render(Context(messages)).encode(),
        "messages": templates[1].render(Context(messages)).encode(),
    }, context["cart"]


def page_key(request: HttpRequest, sender, itemvarsums) -> str:
    """
    Per address, language and sales channel as the anonymous page, and per what the cart holds of each product:
    pretix's product list marks each product with "N× in your cart" (``cart.itemvarsums``), so only visitors
    with the same numbers of the same products (the usual: one or two adult tickets) share a page.
    """
    sums = sorted((type(k).__name__, k.pk, n) for k, n in itemvarsums.items())
    return cache.page_key(request, "event-cart", sender.pk, sums)


def serve(request: HttpRequest, sender, url_kwargs: dict) -> HttpResponse | None:
    """The shared page with this visitor's parts, or None (then pretix computes it and ``store`` may keep it)."""
    from pretix.presale.views import get_cart

    # the key from pretix's cart positions of this request (shared with pretix's view on a miss), counted as
    # pretix counts them for its product list; the cart itself (fees, expiry) is computed only on a hit
    positions = list(get_cart(request))
    if not positions:
        return None
    # on a miss the first visitor computes the page and the others with the same cart wait for it (cache.lookup)
    content = cache.lookup(request, page_key(request, sender, Counter(p.variation or p.item for p in positions)))
    if content is None:
        return None
    found = _parts(request, url_kwargs)
    if found is None:
        return None
    parts, _cart = found
    for name, value in parts.items():
        content = content.replace(_PART[name], value)
    return cache.with_csrf(request, content)


class _MarkerMessages(BaseStorage):
    """A message store holding one marker message, kept nowhere: for the copy of the page that is cut and stored."""

    def __init__(self, request):
        super().__init__(request)
        self.add(INFO, MARKER)

    def _get(self, *args, **kwargs):
        return [], True

    def _store(self, messages, response, *args, **kwargs):
        return []


def store(request: HttpRequest, sender, url_kwargs: dict, response: HttpResponse) -> None:
    """Keep a computed page with this visitor's parts cut out, if each is found in it exactly once."""
    if hasattr(request, _PROBE):
        return
    try:
        _store(request, sender, url_kwargs, response)
    finally:
        cache.release(request)  # whether stored or not, others waiting for this page stop waiting


def _store(request: HttpRequest, sender, url_kwargs: dict, response: HttpResponse) -> None:
    if not _storable(response):
        return
    drawn = getattr(response, "context_data", None)
    if not isinstance(drawn, dict) or not drawn.get("show_cart"):
        return  # an empty cart: pretix's page has no cart box and is not shared
    if len(get_messages(request)):
        _cut_and_store(request, sender, url_kwargs, response)
        return
    # no pending message: the title and message block cannot be found in this page; pretix's view draws it once
    # more, with the marker message in a store of its own, and that copy is cut (once per address per 15 s)
    own_messages = getattr(request, "_messages", None)
    request._messages = _MarkerMessages(request)
    setattr(request, _PROBE, True)
    try:
        match = url_match(request)
        probe = match.func(request, *match.args, **match.kwargs)
        if hasattr(probe, "render") and not getattr(probe, "is_rendered", True):
            probe.render()
        if _storable(probe):
            _cut_and_store(request, sender, url_kwargs, probe)
    finally:
        request._messages = own_messages
        delattr(request, _PROBE)


def _storable(response) -> bool:
    return (response.status_code == 200 and not getattr(response, "streaming", False) and not response.cookies
            and response.get("Content-Type", "").split(";")[0] == "text/html")


def _cut_and_store(request: HttpRequest, sender, url_kwargs: dict, response: HttpResponse) -> None:
    drawn = getattr(response, "context_data", None)
    if not isinstance(drawn, dict):
        return
    found = _parts(request, url_kwargs, drawn)
    if found is None or not all(found[0].values()):
        return
    parts, cart = found
    # compared with the CSRF tokens cut out: Django masks the token afresh each time it is drawn
    content = cache.without_csrf(response.content)
    for name, value in parts.items():
        value = cache.without_csrf(value)
        if content.count(value) != 1:
            return
        content = content.replace(value, _PART[name])
    django_cache.set(page_key(request, sender, cart["itemvarsums"]), content, cache.TIMEOUT)
