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
and the page is stored only when every part is found in it exactly once (the title and the message block need a
pending message to be found; pretix sets one when a ticket goes into the cart). So a stored page never holds
what it was not proven to hold, and what a visitor receives is byte for byte what pretix renders for them
(``test_cart_page.py`` compares the two), except the calendar and places-left figures may be 15 s old, as for
anonymous visitors; pretix checks the quota again when the next ticket goes into the cart.

Not shared (computed by pretix as before): visitors with anything else in the session (a customer or staff login,
a hidden shop's access, a checkout in progress with its answers), a date with a seat map (the picker shows the
visitor's own held seats), an empty cart, any query string but the calendar's navigation, ``?lang=`` and the
``?require_cookie=true`` pretix adds after "add to cart" (with the session cookie present).
"""
import re
from functools import lru_cache

from django.contrib.messages import DEFAULT_LEVELS, get_messages
from django.core.cache import cache as django_cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import Context, Engine
from django.template.loader import get_template

from . import cache

SESSION_KEYS = re.compile(r"^(carts|current_cart_event_\d+|_messages)$")
QUERY = {"date", "month", "year", "week", "style", "lang", "require_cookie"}
CART_BOX = "pretixpresale/event/fragment_cart_box.html"
_PART = {name: b"\x00" + name.encode() + b"\x00" for name in ("cart", "title", "messages")}


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
    if not cache.enabled() or request.method != "GET" or url_name != "event.index":
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


def _cart_context(request: HttpRequest, url_kwargs: dict) -> dict | None:
    from pretix.presale.views import CartMixin, get_cart

    view = type("CartOfVisitor", (CartMixin, _Cart), {})(request)
    cart = view.get_cart()
    event = request.event
    show = (cart["positions"] or cart.get("current_selected_payments")) and (
        event.has_subevents or event.presale_is_running)
    if not show:
        return None
    vouchers_exist = event.cache.get("vouchers_exist")  # as pretix's event page reads it
    if vouchers_exist is None:
        vouchers_exist = event.vouchers.exists()
        event.cache.set("vouchers_exist", vouchers_exist)
    return {
        "cart": cart, "open": 1, "request": request, "event": event, "csrf_token": get_token(request),
        "cart_namespace": url_kwargs.get("cart_namespace") or "", "vouchers_exist": vouchers_exist,
        "has_addon_choices": any(cp.has_addon_choices for cp in get_cart(request)),
    }


def _parts(request: HttpRequest, url_kwargs: dict) -> dict[str, bytes] | None:
    """This visitor's own parts of the page as pretix draws them, or None when the page is not for sharing."""
    templates = _message_templates()
    context = _cart_context(request, url_kwargs)
    if templates is None or context is None:
        return None
    messages = {"messages": get_messages(request), "DEFAULT_MESSAGE_LEVELS": DEFAULT_LEVELS}
    return {
        "cart": get_template(CART_BOX).template.render(Context(context, autoescape=True)).encode(),
        "title": templates[0].render(Context(messages)).encode(),
        "messages": templates[1].render(Context(messages)).encode(),
    }


def page_key(request: HttpRequest, sender) -> str:
    return cache.page_key(request, "event-cart", sender.pk)


def serve(request: HttpRequest, key: str, url_kwargs: dict) -> HttpResponse | None:
    """The shared page with this visitor's parts, or None (then pretix computes it and ``store`` may keep it)."""
    content = django_cache.get(key)
    if content is None:
        return None
    parts = _parts(request, url_kwargs)
    if parts is None:
        return None
    for name, value in parts.items():
        content = content.replace(_PART[name], value)
    return cache.with_csrf(request, content)


def store(request: HttpRequest, key: str, url_kwargs: dict, response: HttpResponse) -> None:
    """Keep a computed page with this visitor's parts cut out, if each is found in it exactly once."""
    if response.status_code != 200 or getattr(response, "streaming", False) or response.cookies:
        return
    if response.get("Content-Type", "").split(";")[0] != "text/html":
        return
    parts = _parts(request, url_kwargs)
    if parts is None or not all(parts.values()):
        return  # no pending message: the title and message block cannot be found (nor are they needed now)
    # compared with the CSRF tokens cut out: Django masks the token afresh each time it is drawn
    content = cache.without_csrf(response.content)
    for name, value in parts.items():
        value = cache.without_csrf(value)
        if content.count(value) != 1:
            return
        content = content.replace(value, _PART[name])
    django_cache.set(key, content, cache.TIMEOUT)
