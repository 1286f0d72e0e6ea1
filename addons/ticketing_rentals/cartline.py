"""
The charter's time on its line in pretix's cart (the checkout steps, the confirm page). pretix's cart row
names a position's product and, for event series, the date; a charter is a product of a plain event whose
time lives in our hold (``VesselOccupancy``), and pretix has no signal for a cart line. So, like
``ticketing_website.orders.labels``, the rendered page is completed on the way out: the row of the charter
product gets one escaped, translated line "date (weekday), start–end, vessel" in the offer's timezone.
"""
import re

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import get_language, gettext, pgettext

from .cart import cart_hold, offer_of
from .models import VesselOccupancy
from .services import offer_timezone


def weekday_text(moment) -> str:
    """The weekday as it reads inside a sentence: "Friday", "星期五", but "пятница" (Russian writes it lower-case)."""
    name = date_format(moment, "l")
    return name.lower() if (get_language() or "").startswith("ru") else name


def period_text(charter: VesselOccupancy) -> str:
    """The charter's time as a customer reads it, in the active language and the offer's timezone."""
    tz = offer_timezone(charter.offer)
    start, end = charter.starts_at.astimezone(tz), charter.ends_at.astimezone(tz)
    return pgettext("charter cart line", "{date} ({weekday}), {start}–{end}, {vessel}").format(
        date=date_format(start, "DATE_FORMAT"), weekday=weekday_text(start),
        start=f"{start:%H:%M}", end=f"{end:%H:%M}", vessel=str(charter.vessel.name))


def _row_pattern(item_id: int) -> re.Pattern:
    # pretixpresale/event/fragment_cart.html: the row's product cell opens with the product name's <p>
    return re.compile(rb'(data-article-id="item-' + str(item_id).encode()
                      + rb'"[^>]*>\s*<div role="cell" class="product">\s*<p>.*?</p>)', re.DOTALL)


def add_charter_period(request, response) -> None:
    """Write the held charter's time under its cart row (no-op for pages without one)."""
    event = getattr(request, "event", None)
    if event is None or "text/html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return
    if b"cart-row" not in response.content:  # no cart on this page: not even the offer's query
        return
    offer = offer_of(event)
    if offer is None or offer.item_id is None:
        return
    marker = f'data-article-id="item-{offer.item_id}"'.encode()
    if marker not in response.content:
        return
    from pretix.presale.views.cart import get_or_create_cart_id

    cart_id = get_or_create_cart_id(request, create=False)
    held = cart_hold(offer, cart_id) if cart_id else None
    if held is None:
        return
    line = (f'<p class="charter-cart-period"><span class="sr-only">{escape(gettext("Charter time:"))}</span>'
            f'<span class="fa fa-calendar fa-fw" aria-hidden="true"></span> {escape(period_text(held))}</p>')
    response.content = _row_pattern(offer.item_id).sub(lambda m: m.group(1) + line.encode(), response.content,
                                                       count=1)
