"""
What the seat picker shows: the map of a date (decks, categories with prices, seats with readable
labels) and the live availability of its seats. Both are plain dicts, served as JSON to the shop's
picker and, read-only, to other front ends.
"""
from django.db.models import Exists, OuterRef
from django.utils.timezone import now
from django.utils.translation import get_language

from pretix.base.models import CartPosition, Event, Seat
from pretix.base.templatetags.money import money_filter
from pretix.presale.productlist import prepare_item_list_for_shop

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


def prices(event: Event, subevent, channel) -> dict:
    """Per seated product: its name, the price customers pay (taxes and bundled fees included) and variations."""
    items = prepare_item_list_for_shop(event, channel=channel, subevent=subevent, require_seat=True)[0]
    out = {}
    for item in items:
        if item.has_variations:
            variations = [{"id": v.pk, "name": str(v.value), "price": str(v.display_price.gross),
                           "price_text": _money(v.display_price.gross, event)} for v in item.available_variations]
            low = min((v.display_price.gross for v in item.available_variations), default=None)
        else:
            variations = []
            low = item.display_price.gross
        out[item.pk] = {"name": str(item.name), "variations": variations,
                        "price": str(low) if low is not None else None,
                        "price_text": _money(low, event) if low is not None else ""}
    return out


def map_data(event: Event, subevent, channel, lang: str | None = None) -> dict | None:
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
    item_prices = prices(event, subevent, channel)
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
        })
    return {"decks": decks, "categories": categories, "seats": seats,
            "items": {str(k): v for k, v in item_prices.items()}, "currency": event.currency}


def availability(event: Event, subevent, cart_id: str | None = None) -> dict:
    """Every seat's state now: free, taken (sold or held), not for sale, or in the asking customer's cart."""
    date = subevent or event
    qs = Seat.annotated(date.seats.all(), event.pk, subevent).values_list(
        "seat_guid", "blocked", "product_id", "has_order", "has_cart", "has_voucher").order_by()
    mine = set()
    if cart_id:
        mine = set(CartPosition.objects.filter(event=event, subevent=subevent, cart_id=cart_id, seat__isnull=False,
                                               expires__gte=now()).values_list("seat__seat_guid", flat=True))
    states = {}
    for guid, blocked, product_id, has_order, has_cart, has_voucher in qs:
        if guid in mine:
            states[guid] = MINE
        elif blocked or product_id is None:
            states[guid] = UNSOLD
        elif has_order or has_cart or has_voucher:
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
