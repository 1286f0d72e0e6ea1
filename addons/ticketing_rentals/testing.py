"""
pytest plugin (see the root conftest.py) and factories of the rentals tests: a yacht, a charter event, its offer
with rates, a Monday ahead; and the occupancy's exclusion constraint in the test database.
"""
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.utils.timezone import now

from pretix.base.models import Event, Item, Organizer, Quota

from ticketing_core.models import EventKind, Vessel
from ticketing_core.policy.rules import apply_policy
from ticketing_core.testing import factories
from ticketing_core.testing.factories import MSK, PLUGINS

from .models import RentalOffer, RentalRate, RentalVessel

WEEKDAYS, WEEKEND = [0, 1, 2, 3, 4], [5, 6]
RATES = [
    (WEEKDAYS, "10:00", "18:00", "5000.00"),   # weekday daytime
    (WEEKDAYS, "18:00", "02:00", "7000.00"),   # weekday evening, into the night after Friday
    (WEEKEND, "02:00", "02:00", "9000.00"),    # Saturday and Sunday, 02:00 to 02:00 the next day
]


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """
    pretix's test settings build the database from the models, skipping migrations; the vessel
    occupancy's exclusion constraint exists only as SQL in a migration, so it is added here.
    """
    from django.db import connection

    from .dbconstraint import install

    with django_db_blocker.unblock():
        install(connection)


def make_rental_event(organizer: Organizer, slug: str = "charter", plugins: str = PLUGINS) -> Event:
    """An event of kind "rental" with one product for the charter time (its price comes from the rates)."""
    event = factories.make_event(organizer, slug, {"ru": "Аренда яхты", "en": "Yacht charter", "zh-hans": "游艇租赁"},
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
                      rates: list[tuple[list[int], str, str, str]] | None = None, **kwargs) -> RentalOffer:
    """
    An offer with ``vessels`` (vessel → max guests) and ``rates`` as ``(weekdays, "HH:MM", "HH:MM", "price")``.
    Defaults: open 10:00–22:00 Sunday to Thursday and 10:00–02:00 on Friday and Saturday nights.
    """
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


def monday() -> date:
    """A Monday two to three weeks ahead: far beyond the notice period, never in the past."""
    d = now().astimezone(MSK).date() + timedelta(days=14)
    return d - timedelta(days=d.weekday())


@pytest.fixture
def yacht(organizer):
    y = factories.make_vessel(organizer, "Аврора", capacity=12, reg="ЯХТ-1")
    y.vessel_type = Vessel.TYPE_YACHT
    y.save()
    return y


@pytest.fixture
def charter(organizer):
    return make_rental_event(organizer)


@pytest.fixture
def offer(charter, yacht):
    return make_rental_offer(charter, {yacht: 10}, rates=RATES)


@pytest.fixture
def mon():
    return monday()
