"""
The demo motor ship's seat map: «Нева» gets two decks, about 120 seats in three categories (window,
standard, VIP table), two wheelchair places and two guide seats that are never sold, and its events
sell the categories. Idempotent like the rest of the demo: an existing map is kept.
"""
from decimal import Decimal

from pretix.base.models import Event, Item, Organizer

from ticketing_core.demo import FLEET_POSITION, DemoLoader
from ticketing_core.models import Vessel

from .models import EventSeatCategory, VesselSeatMap
from .services import assign, generator

VESSEL = "ТХ-0120-СПБ"  # registration number of the demo motor ship «Нева»
WINDOW, STANDARD, VIP, WHEELCHAIR, GUIDE = "У окна", "Стандарт", "VIP-столик", "Кресло-коляска", "Служебное"
MAIN, UPPER = "Главная палуба", "Верхняя палуба"

SPEC = {
    "name": "Теплоход «Нева»: две палубы",
    "categories": [
        {"name": WINDOW, "color": "#3b82c4"}, {"name": STANDARD, "color": "#2e9e6a"},
        {"name": VIP, "color": "#c9712d"}, {"name": WHEELCHAIR, "color": "#8e5bb5"},
        {"name": GUIDE, "color": "#6b7a8f"},
    ],
    "decks": [
        {"name": MAIN, "sections": [
            {"rows": 8, "seats": 8, "aisles_after": [4], "category": STANDARD},
            {"rows": 1, "seats": 4, "aisles_after": [2], "category": STANDARD},
        ]},
        {"name": UPPER, "sections": [
            {"rows": 2, "seats": 6, "aisles_after": [2, 4], "category": VIP},
            {"rows": 5, "seats": 8, "aisles_after": [4], "category": STANDARD, "numbering": "rtl"},
        ]},
    ],
}
FLAGS = {WHEELCHAIR: {"wheelchair": True, "sellable": True}, GUIDE: {"sellable": False}}
LABELS = {
    "zones": {MAIN: {"ru": MAIN, "en": "Main deck", "zh-hans": "主甲板"},
              UPPER: {"ru": UPPER, "en": "Upper deck", "zh-hans": "上层甲板"}},
    "categories": {
        WINDOW: {"ru": WINDOW, "en": "Window", "zh-hans": "靠窗"},
        STANDARD: {"ru": STANDARD, "en": "Standard", "zh-hans": "标准"},
        VIP: {"ru": VIP, "en": "VIP table", "zh-hans": "VIP 桌"},
        WHEELCHAIR: {"ru": "Место для кресла-коляски", "en": "Wheelchair place", "zh-hans": "轮椅位"},
        GUIDE: {"ru": "Место экскурсовода", "en": "Guide's seat", "zh-hans": "导游座位"},
    },
}
# category → (product name, surcharge on the event's ticket prices). Every seat sells each passenger type as a
# variation of its category's product (adult, child, concession: the event's ticket prices plus the surcharge).
PRODUCTS = {
    STANDARD: ({"ru": "Место «Стандарт»", "en": "Standard seat", "zh-hans": "标准座位"}, Decimal("0.00")),
    WINDOW: ({"ru": "Место у окна", "en": "Window seat", "zh-hans": "靠窗座位"}, Decimal("300.00")),
    VIP: ({"ru": "Место за VIP-столиком", "en": "Seat at a VIP table", "zh-hans": "VIP 桌座位"}, Decimal("1500.00")),
    WHEELCHAIR: ({"ru": "Место для кресла-коляски", "en": "Wheelchair place", "zh-hans": "轮椅位"}, Decimal("0.00")),
}
PASSENGER_TYPES = 3  # the event's first three priced passenger products: adult, child, concession


def demo_layout() -> dict:
    """The generated map, fine-tuned: window seats at both ends of the saloon rows, two wheelchair places
    in the back row of the main deck, the guide's two seats in the front row."""
    layout = generator.generate(SPEC)
    main = layout["zones"][0]
    for row in main["rows"]:
        n = int(row["row_number"])
        for seat in row["seats"]:
            number = int(seat["seat_number"])
            if n <= 8 and number in (1, 8):
                seat["category"] = WINDOW
            if n == 9 and number in (2, 3):
                seat["category"] = WHEELCHAIR
            if n == 1 and number in (4, 5):
                seat["category"] = GUIDE
    return layout


def load_seating_demo(organizer: Organizer, vessels: dict, events: list[Event], tally) -> None:
    vessel = Vessel.objects.filter(organizer=organizer, registration_number=VESSEL).first()
    if vessel is None or vessel.seating_mode != Vessel.SEATING_ASSIGNED:
        return
    # products first, so the map reaches every sailing with its products in one pass
    changed = [event for event in events if _map_categories(event, vessel, tally)]
    if not VesselSeatMap.objects.filter(vessel=vessel).exists():
        assign.save_seat_map(vessel, demo_layout(), FLAGS, LABELS)
        tally.add("seat map")
    else:
        for event in changed:
            assign.apply_to_event(event)


def _map_categories(event: Event, vessel: Vessel, tally) -> bool:
    if not event.ticketing_sailings.filter(vessel=vessel).exists():
        return False
    tickets = list(event.items.filter(admission=True, default_price__gt=0).order_by("position", "pk")[:PASSENGER_TYPES])
    if not tickets:
        return False
    _seatless_infants(event)
    changed = False
    for category, (name, surcharge) in PRODUCTS.items():
        if EventSeatCategory.objects.filter(event=event, category=category).exists():
            continue
        item = Item.objects.create(event=event, name=name, default_price=tickets[0].default_price + surcharge,
                                   admission=True, category=tickets[0].category, tax_rule=tickets[0].tax_rule,
                                   position=tickets[0].position, active=True)
        for position, ticket in enumerate(tickets):
            item.variations.create(value=ticket.name.data, default_price=ticket.default_price + surcharge,
                                   position=position, active=True)
        tally.add("seat product")
        EventSeatCategory.objects.create(event=event, category=category, item=item)
        tally.add("seat category")
        changed = True
    return changed


def _seatless_infants(event: Event) -> None:
    """The free ticket of a small child on a lap ("без места") is the one passenger without a seat."""
    if event.settings.ticketing_seating_seatless_items:
        return
    free = event.items.filter(admission=True, default_price=0).values_list("pk", flat=True)
    if free:
        event.settings.ticketing_seating_seatless_items = ",".join(str(pk) for pk in free)


def _load(context) -> None:
    load_seating_demo(context.organizer, context.vessels, context.events, context.tally)


# after every event of the demo exists (charters included), before the shop's look
LOADERS = [DemoLoader(FLEET_POSITION + 20, _load)]
