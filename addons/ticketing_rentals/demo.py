"""
The demo's charter: the yacht «Аврора» (a vessel of ticketing_core's demo fleet) as the event
``aurora-rental`` with its products, its offer (vessel, hours, rates) and the charter's questions. Created
once, then left to staff; an older demo gets what is missing on the next run (``python -m pretix load_demo``).
"""
from datetime import time
from decimal import Decimal

from pretix.base.models import Event, Item, Quota

from ticketing_core.demo import FLEET_POSITION, DemoContext, DemoLoader, add_event, langs, russian
from ticketing_core.models import EventKind
from ticketing_core.policy.rules import apply_policy

from .models import RentalOffer, RentalRate, RentalVessel
from .questions import ensure_charter_questions

CATEGORY_CHARTER = langs("Аренда", "Charter", "包船")
CATEGORY_EXTRAS = langs("Дополнительно к аренде", "Charter extras", "包船附加服务")

RENTAL_EVENT = {
    "slug": "aurora-rental",
    "kind": EventKind.KIND_RENTAL,
    "name": langs("Аренда яхты «Аврора»", "Charter the yacht «Aurora»", "租用“曙光号”游艇"),
    "text": langs(
        "Яхта с капитаном для вас и ваших гостей (до 12 человек): свидание, день рождения, прогулка "
        "по Финскому заливу. Минимальная аренда — 1 час.",
        "The yacht with a skipper for you and your guests (up to 12 people): a date, a birthday, a trip "
        "to the Gulf of Finland. Minimum hire is one hour.",
        "为您和您的客人（最多12人）提供带船长的游艇：约会、生日或芬兰湾之旅。最短租用1小时。",
    ),
    "vessel": "aurora", "departure": "palace", "arrival": "palace",
    "duration": None,
    "products": [
        # The charter time: its price is the offer's hourly rates × the chosen time (a free price set by
        # the charter form, never by the customer).
        {"name": langs("Время аренды яхты", "Yacht charter time", "游艇租用时间"),
         "price": Decimal("0.00"), "admission": False, "free_price": True, "max_per_order": 1,
         "category": CATEGORY_CHARTER},
        {"name": langs("Фуршет на борту, на гостя", "Buffet on board, per guest", "船上自助餐（每位客人）"),
         "price": Decimal("2500.00"), "admission": False, "category": CATEGORY_EXTRAS},
        {"name": langs("Фотограф на всё время аренды", "Photographer for the whole charter", "全程摄影师"),
         "price": Decimal("9000.00"), "admission": False, "max_per_order": 1, "category": CATEGORY_EXTRAS},
        {"name": langs("Оформление яхты цветами и шарами", "Flowers and balloons on board", "鲜花和气球布置"),
         "price": Decimal("6000.00"), "admission": False, "max_per_order": 1, "category": CATEGORY_EXTRAS},
    ],
}


# The charter of the yacht (the "aurora-rental" event): 1 to 8 hours in 30-minute steps, 10:00–23:00 and on
# Friday and Saturday nights until 01:00, booked at least 3 hours ahead. Rates per hour, by the weekday on
# which the stretch starts: weekdays 15 000 ₽, evenings from 18:00 18 000 ₽ (Friday's until 01:00),
# Saturday and Sunday 20 000 ₽. The Aurora sails no excursions, so every opening hour is hers to charter.
RENTAL = {
    "event": "aurora-rental",
    "vessels": {"aurora": 12},  # vessel key → guests per charter (≤ certified capacity)
    "pier": "palace",
    "product": "Время аренды яхты",
    "min_duration_minutes": 60, "max_duration_minutes": 480, "step_minutes": 30, "notice_minutes": 180,
    "opening_hours": {str(d): ["10:00", "01:00"] if d in (4, 5) else ["10:00", "23:00"] for d in range(7)},
    "rates": [
        ([0, 1, 2, 3, 4], time(10, 0), time(18, 0), Decimal("15000.00")),
        ([0, 1, 2, 3], time(18, 0), time(23, 0), Decimal("18000.00")),
        ([4], time(18, 0), time(1, 0), Decimal("18000.00")),
        ([5], time(10, 0), time(1, 0), Decimal("20000.00")),
        ([6], time(10, 0), time(23, 0), Decimal("20000.00")),
    ],
}


def load_rentals_demo(context: DemoContext) -> None:
    event = add_event(context, RENTAL_EVENT)
    _rental_offer(event, context.vessels, context.piers, context.tally)


# right after core's own events, before the seat maps and the shop's look that go through every event
LOADERS = [DemoLoader(FLEET_POSITION + 5, load_rentals_demo)]


def _rental_offer(event: Event, vessels: dict, piers: dict, tally) -> None:
    """The yacht's charter offer; created once, then left to staff (an older demo gets it on the next run)."""
    item = next((i for i in event.items.all() if russian(i.name) == RENTAL["product"]), None)
    _rental_questions(event, item, tally)
    _rental_quota(event, tally)
    existing = RentalOffer.objects.filter(event=event).select_related("item").first()
    if existing is not None:
        if item is not None and (existing.item is None or not existing.item.free_price):
            if existing.item is not None:  # a demo from before charters were booked by time: hourly product
                existing.item.active = False
                existing.item.save(update_fields=["active"])
            existing.item = item
            existing.save(update_fields=["item"])
            apply_policy(event)
            tally.add("rental offer product")
        return
    offer = RentalOffer.objects.create(
        event=event, pier=piers[RENTAL["pier"]], item=item, opening_hours=RENTAL["opening_hours"],
        **{k: RENTAL[k] for k in ("min_duration_minutes", "max_duration_minutes", "step_minutes",
                                  "notice_minutes")},
    )
    for key, guests in RENTAL["vessels"].items():
        RentalVessel.objects.create(offer=offer, vessel=vessels[key], max_guests=min(guests, vessels[key].capacity))
    for weekdays, start, end, hourly in RENTAL["rates"]:
        RentalRate.objects.create(offer=offer, weekdays=weekdays, start_time=start, end_time=end,
                                  hourly_price=hourly)
    apply_policy(event)  # charters count their refund deadline from each charter's start, not the event's date
    event.settings.show_dates_on_frontpage = False  # the shop shows each charter's time, not the event's date
    tally.add("rental offer")


def _rental_questions(event: Event, item: Item | None, tally) -> None:
    """The charter's contact person, guest list and wishes: pretix questions on the charter time product."""
    if item is not None:
        for _i in range(ensure_charter_questions(event, item)):
            tally.add("charter question")


def _rental_quota(event: Event, tally) -> None:
    """pretix sells a product only under a quota; the vessel's time is the real limit of a charter."""
    items = list(event.items.filter(active=True))
    quota = event.quotas.filter(subevent__isnull=True).first()
    if quota is None:
        quota = Quota.objects.create(event=event, name="Аренда", size=None)
        tally.add("charter quota")
    missing = [i for i in items if not quota.items.filter(pk=i.pk).exists()]
    if missing:
        quota.items.add(*missing)
