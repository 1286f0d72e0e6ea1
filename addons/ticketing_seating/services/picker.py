"""
What the seat picker shows: the map of a date (decks, categories with prices, seats with readable
labels) and the live availability of its seats. Both are plain dicts, served as JSON to the shop's
picker and, read-only, to other front ends.
"""
import re
from decimal import Decimal

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.utils.timezone import now
from django.utils.translation import get_language

from pretix.base.models import CartPosition, Event
from pretix.base.templatetags.money import money_filter

from ..models import VesselSeatMap
from . import layout as layout_service
from .labels import seat_text

FREE, TAKEN, UNSOLD, MINE = "f", "x", "b", "m"


def seat_map_for_date(event: Event, subevent) -> VesselSeatMap | None:
    qs = VesselSeatMap.objects.filter(vessel__sailings__event=event).select_related("plan")
    qs = qs.filter(vessel__sailings__subevent=subevent) if subevent else qs.filter(
        vessel__sailings__subevent__isnull=True)
    return qs.first()


def _money(value, event: Event) -> str:
    return money_filter(value, event.currency)


def money_format(currency: str) -> dict:
    """
    How pretix's ``money`` filter writes an amount in the active language, for the picker's running total: the
    browser's own currency formatting differs from pretix's (Chinese "RUB 2,400.00" next to pretix's
    "RUB1,500.00"), so the total is written the way every other price on the page is. Read off pretix's output
    for a sample amount rather than from Babel's locale data, so it follows whatever pretix does.
    """
    places = settings.CURRENCY_PLACES.get(currency, 2)
    sample = money_filter(Decimal("1234567.89"), currency)
    match = re.search(r"1(\D*)234\D*567(\D+)89", sample) if places == 2 else None
    if match is None:  # a currency without kopecks or an unexpected shape: the number only, pretix's way
        return {"prefix": "", "suffix": " " + currency, "group": "", "decimal": ".", "places": places}
    return {"prefix": sample[:match.start()], "suffix": sample[match.end():], "group": match.group(1),
            "decimal": match.group(2), "places": places}


def _service_fee(event: Event):
    """The operator's mandatory service fee per passenger ticket (the storefront addon's setting), if any."""
    try:
        from ticketing_website.catalogue.pricing import service_fee
    except ImportError:  # the storefront addon is not installed
        return Decimal("0.00")
    return service_fee(event)


def _final(item, price: Decimal, fee: Decimal, event: Event) -> Decimal:
    value = item.tax(price, currency=event.currency, include_bundled=True).gross
    if item.admission and value > 0:
        value += fee
    return value


def prices(event: Event, subevent, product_ids) -> dict:
    """
    Per seated product: its name, the price customers pay for a seat (the date's price, taxes, bundled
    products and the service fee included) and its variations. Computed directly rather than through
    pretix's product list, which would also count quotas for every product: the map only needs prices,
    and pretix checks availability when the seats go into the cart.
    """
    items = (event.items.filter(pk__in=set(product_ids), active=True).select_related("tax_rule")
             .prefetch_related("variations", "bundles"))
    overrides = subevent.item_price_overrides if subevent else {}
    var_overrides = subevent.var_price_overrides if subevent else {}
    fee = _service_fee(event)
    out = {}
    for item in items:
        variations = []
        if item.has_variations:
            for v in item.variations.all():
                if not v.active:
                    continue
                price = _final(item, var_overrides.get(v.pk, v.price), fee, event)
                variations.append({"id": v.pk, "name": str(v.value), "price": str(price),
                                   "price_text": _money(price, event)})
            low = min((Decimal(v["price"]) for v in variations), default=None)
        else:
            low = _final(item, overrides.get(item.pk, item.default_price), fee, event)
        out[item.pk] = {"name": str(item.name), "variations": variations,
                        "price": str(low) if low is not None else None,
                        "price_text": _money(low, event) if low is not None else "",
                        "price_from": len({v["price"] for v in variations}) > 1}
    return out


def map_data(event: Event, subevent, lang: str | None = None) -> dict | None:
    """The picker's map of one date, texts in ``lang`` (or the active language); None without a plan."""
    date = subevent or event
    plan = date.seating_plan
    if plan is None:
        return None
    lang = lang or get_language()
    seat_map = seat_map_for_date(event, subevent)
    labels = seat_map.labels if seat_map else {}
    flags = seat_map.category_flags if seat_map else {}
    data = plan.layout_data
    category_index = {c["name"]: i for i, c in enumerate(data["categories"])}
    layout_seats = {s.guid: s for s in layout_service.seats(plan)}
    db_seats = list(date.seats.values_list("seat_guid", "product_id", "row_name", "seat_number", "zone_name", "x",
                                           "y"))
    cat_items = {}
    seats, boxes = [], {}
    zone_index = {z["name"]: i for i, z in enumerate(data["zones"])}
    deck_labels = [layout_service.label(labels, "zones", z["name"], lang) for z in data["zones"]]
    for guid, product_id, row, number, zone, x, y in db_seats:
        info = layout_seats.get(guid)
        cat = info.category if info else ""
        if product_id and cat not in cat_items:
            cat_items[cat] = product_id
        d = zone_index.get(zone, 0)
        r = info.radius if info else layout_service.DEFAULT_RADIUS
        x0, y0, x1, y1 = boxes.get(d, (x, y, x, y))
        boxes[d] = (min(x0, x - r), min(y0, y - r), max(x1, x + r), max(y1, y + r))
        seats.append({"g": guid, "d": d, "x": round(x, 2), "y": round(y, 2), "r": r, "row": row, "n": number,
                      "c": category_index.get(cat, 0), "i": product_id,
                      "l": seat_text(deck_labels[d], row, number)})
    item_prices = prices(event, subevent, cat_items.values())
    decks = []
    for i, zone in enumerate(data["zones"]):
        zx, zy = zone["position"]["x"], zone["position"]["y"]
        areas = []
        for a in zone.get("areas") or []:
            area = dict(a)
            area["position"] = {"x": zx + a.get("position", {}).get("x", 0),
                                "y": zy + a.get("position", {}).get("y", 0)}
            if a.get("polygon"):
                area["polygon"] = {"points": [{"x": p["x"], "y": p["y"]} for p in a["polygon"]["points"]]}
            areas.append(area)
            if a.get("shape") == "rectangle":
                rx, ry = area["position"]["x"], area["position"]["y"]
                x0, y0, x1, y1 = boxes.get(i, (rx, ry, rx, ry))
                boxes[i] = (min(x0, rx), min(y0, ry), max(x1, rx + a["rectangle"]["width"]),
                            max(y1, ry + a["rectangle"]["height"]))
        x0, y0, x1, y1 = boxes.get(i, (0, 0, data["size"]["width"], data["size"]["height"]))
        decks.append({"name": zone["name"], "label": deck_labels[i],
                      "box": [round(x0 - 20, 1), round(y0 - 20, 1), round(x1 - x0 + 40, 1), round(y1 - y0 + 40, 1)],
                      "areas": areas})
    categories = []
    for c in data["categories"]:
        f = flags.get(c["name"]) or {}
        item_id = cat_items.get(c["name"])
        price = item_prices.get(item_id) if item_id else None
        categories.append({
            "name": c["name"], "label": layout_service.label(labels, "categories", c["name"], lang),
            "color": c.get("color") or "#3b82c4", "wheelchair": bool(f.get("wheelchair")),
            "sellable": bool(price), "item": item_id if price else None,
            "price": price["price"] if price else None, "price_text": price["price_text"] if price else "",
            "price_from": bool(price and price["price_from"]),
        })
    return {"decks": decks, "categories": categories, "seats": seats,
            "items": {str(k): v for k, v in item_prices.items()}, "currency": event.currency,
            "money": money_format(event.currency),
            "passenger_types": any(len(v["variations"]) > 1 for v in item_prices.values())}


def availability(event: Event, subevent, cart_id: str | None = None) -> dict:
    """
    Every seat's state now: free, taken (sold, held in someone's cart, bound to a voucher), not for sale
    (blocked or without product), or in the asking customer's cart. Four plain indexed queries instead of
    pretix's per-seat EXISTS annotations, so a 400-seat map answers in a few milliseconds.
    """
    from pretix.base.models import Order, OrderPosition, Voucher

    date = subevent or event
    sold = set(OrderPosition.objects.filter(order__event_id=event.pk, subevent=subevent, seat__isnull=False,
                                            order__status__in=(Order.STATUS_PENDING, Order.STATUS_PAID))
               .values_list("seat_id", flat=True).order_by())
    held, mine = set(), set()
    for seat_id, cart in (CartPosition.objects.filter(event_id=event.pk, subevent=subevent, seat__isnull=False,
                                                      expires__gte=now())
                          .values_list("seat_id", "cart_id").order_by()):
        (mine if cart_id and cart == cart_id else held).add(seat_id)
    vouchers = set(Voucher.objects.filter(event_id=event.pk, subevent=subevent, seat__isnull=False,
                                          redeemed__lt=F("max_usages"))
                   .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=now()))
                   .values_list("seat_id", flat=True).order_by())
    taken = sold | held | vouchers
    states = {}
    for pk, guid, blocked, product_id in date.seats.values_list("pk", "seat_guid", "blocked", "product_id").order_by():
        if pk in mine and pk not in sold:
            states[guid] = MINE
        elif blocked or product_id is None:
            states[guid] = UNSOLD
        elif pk in taken:
            states[guid] = TAKEN
        else:
            states[guid] = FREE
    return {"seats": states, "free": sum(1 for s in states.values() if s == FREE)}


def occupancy(event: Event, subevent) -> list[dict]:
    """Every seat of a date for staff: state, order code and passenger name, blocking reason."""
    from pretix.base.models import Order, OrderPosition

    date = subevent or event
    op = OrderPosition.objects.filter(seat=OuterRef("pk"), order__status__in=(Order.STATUS_PENDING,
                                                                               Order.STATUS_PAID))
    seats = (date.seats.annotate(sold=Exists(op)).select_related("ticketing_block")
             .order_by("sorting_rank", "seat_guid"))
    positions = {p.seat_id: p for p in OrderPosition.objects.filter(
        seat__in=[s.pk for s in seats], order__status__in=(Order.STATUS_PENDING, Order.STATUS_PAID)
    ).select_related("order")}
    held = set(CartPosition.objects.filter(event=event, subevent=subevent, seat__isnull=False, expires__gte=now())
               .values_list("seat_id", flat=True))
    out = []
    for s in seats:
        p = positions.get(s.pk)
        if p:
            state = "sold"
        elif s.blocked:
            state = "blocked"
        elif s.pk in held:
            state = "held"
        elif s.product_id is None:
            state = "unsold"
        else:
            state = "free"
        block = getattr(s, "ticketing_block", None) if s.blocked else None
        out.append({"seat": s, "state": state, "order": p.order if p else None, "position": p,
                    "name": p.attendee_name if p else "", "reason": block.reason if block else ""})
    return out
