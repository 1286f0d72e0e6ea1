"""Small factories for tests of every addon: an operator with a fleet, an event series and orders."""
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.timezone import now

from pretix.base.models import (
    Event,
    Item,
    Order,
    OrderPayment,
    OrderPosition,
    Organizer,
    Quota,
    SubEvent,
    Team,
    User,
)

from ..fleet.models import Pier, Sailing, Vessel
from ..fleet.sailings import save_sailing
from ..policy.rules import apply_policy

MSK = ZoneInfo("Europe/Moscow")
PLUGINS = "ticketing_core,ticketing_seating,ticketing_website,ticketing_yoomoney,pretix.plugins.manualpayment"


ORGANIZER_PLUGINS = "ticketing_core,ticketing_seating,ticketing_website,ticketing_yoomoney,ticketing_helpdesk"


def make_organizer(slug: str = "neva", name: str = "Нева Круиз", plugins: str = ORGANIZER_PLUGINS,
                   with_policy: bool = True) -> Organizer:
    o = Organizer.objects.create(name=name, slug=slug, plugins=plugins)
    o.settings.locales = ["ru", "en", "zh-hans"]
    o.settings.locale = "ru"
    o.settings.timezone = "Europe/Moscow"
    if with_policy:
        apply_policy(o)
    return o


def make_admin(organizer: Organizer, email: str = "admin@example.org") -> User:
    user = User.objects.create_user(email, "admin-password-123")
    team = Team.objects.create(organizer=organizer, name="Admins", all_events=True,
                               all_event_permissions=True, all_organizer_permissions=True)
    team.members.add(user)
    return user


def make_pier(organizer: Organizer, name: str = "Дворцовая пристань", **kwargs) -> Pier:
    return Pier.objects.create(organizer=organizer, name={"ru": name, "en": name}, address="Дворцовая наб., 2",
                               **kwargs)


def make_vessel(organizer: Organizer, name: str = "Нева-1", capacity: int = 60, reg: str | None = None,
                **kwargs) -> Vessel:
    kwargs.setdefault("vessel_type", Vessel.TYPE_BOAT)
    return Vessel.objects.create(organizer=organizer, name=name, registration_number=reg or f"РЕЧ-{name}",
                                 capacity=capacity, **kwargs)


def _event(organizer: Organizer, slug: str, name: dict, has_subevents: bool, plugins: str) -> Event:
    """A live RUB event in Moscow time, in the three shop languages, starting tomorrow."""
    event = Event.objects.create(organizer=organizer, name=name, slug=slug, has_subevents=has_subevents,
                                 currency="RUB", date_from=now() + timedelta(days=1), live=True, plugins=plugins)
    event.settings.locales = ["ru", "en", "zh-hans"]
    event.settings.locale = "ru"
    event.settings.timezone = "Europe/Moscow"
    return event


def make_series(organizer: Organizer, slug: str = "evening", with_addon: bool = True, plugins: str = PLUGINS,
                with_policy: bool = True) -> Event:
    event = _event(organizer, slug, {"ru": "Вечерняя прогулка", "en": "Evening cruise", "zh-hans": "晚间游船"},
                   has_subevents=True, plugins=plugins)
    event.settings.payment_manual__enabled = True
    if with_policy:
        apply_policy(event)
    Item.objects.create(event=event, name={"ru": "Взрослый", "en": "Adult"}, default_price=Decimal("1500.00"),
                        admission=True)
    Item.objects.create(event=event, name={"ru": "Детский", "en": "Child"}, default_price=Decimal("900.00"),
                        admission=True)
    if with_addon:
        Item.objects.create(event=event, name={"ru": "Глинтвейн", "en": "Mulled wine"},
                            default_price=Decimal("350.00"), admission=False)
    return event


def make_sailing(event: Event, vessel: Vessel, pier: Pier, start: datetime, minutes: int = 90,
                 sellable_capacity: int | None = None) -> Sailing:
    se = SubEvent.objects.create(event=event, name=event.name, date_from=start,
                                 date_to=start + timedelta(minutes=minutes), active=True)
    return save_sailing(event, se, vessel=vessel, departure_pier=pier, arrival_pier=pier,
                        duration=timedelta(minutes=minutes), sellable_capacity=sellable_capacity)


def make_order(event: Event, subevent: SubEvent | None, items: list[Item], status: str = Order.STATUS_PAID,
               email: str = "buyer@example.org", locale: str = "ru", provider: str = "manual") -> Order:
    total = sum((i.default_price for i in items), Decimal("0.00"))
    order = Order.objects.create(
        event=event, email=email, status=Order.STATUS_PENDING, locale=locale, total=total,
        expires=now() + timedelta(days=3), sales_channel=event.organizer.sales_channels.get(identifier="web"),
    )
    for i in items:
        OrderPosition.objects.create(order=order, item=i, subevent=subevent, price=i.default_price,
                                     attendee_name_parts={"full_name": "Иван Петров"})
    if status == Order.STATUS_PAID and total > 0:
        p = order.payments.create(provider=provider, amount=total, state=OrderPayment.PAYMENT_STATE_CREATED)
        p.confirm()
        order.refresh_from_db()
    elif status == Order.STATUS_PAID:
        order.status = Order.STATUS_PAID
        order.save()
    return order


def make_rental_event(organizer: Organizer, slug: str = "charter", plugins: str = PLUGINS) -> Event:
    """An event of kind "rental" with one product for the charter time (its price comes from the rates)."""
    from ..fleet.models import EventKind

    event = _event(organizer, slug, {"ru": "Аренда яхты", "en": "Yacht charter", "zh-hans": "游艇租赁"},
                   has_subevents=False, plugins=plugins)
    EventKind.objects.create(event=event, kind=EventKind.KIND_RENTAL)
    event.settings.payment_manual__enabled = True
    charter_time = Item.objects.create(event=event, name={"ru": "Время аренды", "en": "Charter time"},
                                       default_price=Decimal("0.00"), admission=False, free_price=True,
                                       max_per_order=1)
    buffet = Item.objects.create(event=event, name={"ru": "Фуршет", "en": "Buffet"}, default_price=Decimal("2500.00"),
                                 admission=False)
    quota = Quota.objects.create(event=event, name="Аренда", size=None)
    quota.items.add(charter_time, buffet)
    return event


def make_rental_offer(event: Event, vessels: dict[Vessel, int], opening_hours: dict | None = None,
                      rates: list[tuple[list[int], str, str, str]] | None = None, **kwargs):
    """
    An offer with ``vessels`` (vessel → max guests) and ``rates`` as ``(weekdays, "HH:MM", "HH:MM", "price")``.
    Defaults: open 10:00–22:00 Sunday to Thursday and 10:00–02:00 on Friday and Saturday nights.
    """
    from datetime import time

    from ..models import RentalOffer, RentalRate, RentalVessel

    hours = opening_hours if opening_hours is not None else {
        str(d): ["10:00", "02:00"] if d in (4, 5) else ["10:00", "22:00"] for d in range(7)}
    item = event.items.filter(free_price=True).first() or event.items.first()
    offer = RentalOffer.objects.create(event=event, item=item, opening_hours=hours, **kwargs)
    for vessel, guests in vessels.items():
        RentalVessel.objects.create(offer=offer, vessel=vessel, max_guests=guests)
    for weekdays, start, end, hourly in rates or []:
        RentalRate.objects.create(offer=offer, weekdays=weekdays, start_time=time.fromisoformat(start),
                                  end_time=time.fromisoformat(end), hourly_price=Decimal(hourly))
    apply_policy(event)
    event.settings.show_dates_on_frontpage = False
    return offer
