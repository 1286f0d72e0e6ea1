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
    SubEvent,
    Team,
    User,
)

from ..fleet.models import Pier, Sailing, Vessel
from ..fleet.sailings import save_sailing
from ..policy.rules import apply_policy

MSK = ZoneInfo("Europe/Moscow")
# The suite as it runs in production (pretix.cfg's defaults); names only, core imports none of them.
PLUGINS = ("ticketing_core,ticketing_rentals,ticketing_seating,ticketing_website,ticketing_yoomoney,"
           "ticketing_accounting,pretix.plugins.manualpayment")


ORGANIZER_PLUGINS = ("ticketing_core,ticketing_rentals,ticketing_seating,ticketing_website,ticketing_yoomoney,"
                     "ticketing_helpdesk,ticketing_accounting")


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


def make_event(organizer: Organizer, slug: str, name: dict, has_subevents: bool, plugins: str) -> Event:
    """A live RUB event in Moscow time, in the three shop languages, starting tomorrow."""
    event = Event.objects.create(organizer=organizer, name=name, slug=slug, has_subevents=has_subevents,
                                 currency="RUB", date_from=now() + timedelta(days=1), live=True, plugins=plugins)
    event.settings.locales = ["ru", "en", "zh-hans"]
    event.settings.locale = "ru"
    event.settings.timezone = "Europe/Moscow"
    return event


def make_series(organizer: Organizer, slug: str = "evening", with_addon: bool = True, plugins: str = PLUGINS,
                with_policy: bool = True) -> Event:
    event = make_event(organizer, slug, {"ru": "Вечерняя прогулка", "en": "Evening cruise", "zh-hans": "晚间游船"},
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
