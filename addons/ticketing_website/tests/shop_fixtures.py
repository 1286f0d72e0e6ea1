"""
Fixtures of the catalogue, price, SEO and browser tests (imported by those modules): a small fleet with three
kinds, and a headless Chromium.
"""
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils.timezone import now

from pretix.base.models import Item, TaxRule

from ticketing_core.models import EventKind
from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import CHROMIUM, CHROMIUM_ARGS
from ticketing_rentals import testing as rental_testing

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def msk(days: int, hour: int, minute: int = 0) -> datetime:
    """A Moscow wall-clock time ``days`` from today."""
    day = (now().astimezone(MSK) + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=MSK)


@pytest.fixture
def fleet(organizer):
    return {
        "palace": factories.make_pier(
            organizer, "Дворцовая пристань", latitude=Decimal("59.941250"), longitude=Decimal("30.311400"),
            boarding_instructions={"ru": "Посадка за 15 минут.", "en": "Board 15 min early."}),
        "garden": factories.make_pier(organizer, "Летний сад"),
        "boat": factories.make_vessel(organizer, "Фонтанка", capacity=60, amenities={"ru": "Пледы, туалет",
                                                                                    "en": "Blankets, toilet"}),
        "ship": factories.make_vessel(organizer, "Нева", capacity=120),
    }


@pytest.fixture
def catalogue(organizer, series, fleet):
    """
    Evening cruise (excursion, from the palace pier, 90 min, from 900 ₽): in 2 days 19:00 and in 4 days 21:00;
    Jazz (event on board, garden pier, 150 min, 2500 ₽, 22 % VAT on top): in 3 days 10:00, capacity 5, sold out.
    Every date is more than 24 hours ahead at any hour of the run, so each is refundable and shows its deadline
    ("tomorrow 19:00" was within 24 hours from 19:00 Moscow time on, and the tests failed in the evening).
    """
    evening = [factories.make_sailing(series, fleet["boat"], fleet["palace"], msk(2, 19)),
               factories.make_sailing(series, fleet["boat"], fleet["palace"], msk(4, 21))]
    EventKind.objects.create(event=series, kind=EventKind.KIND_EXCURSION)
    jazz = factories.make_series(organizer, slug="jazz", with_addon=False)
    jazz.name = {"ru": "Джаз на борту", "en": "Jazz on board", "zh-hans": "船上爵士乐"}
    jazz.save()
    EventKind.objects.create(event=jazz, kind=EventKind.KIND_ONBOARD_EVENT)
    vat = TaxRule.objects.create(event=jazz, name={"ru": "НДС", "en": "VAT"}, rate=Decimal("22.00"),
                                 price_includes_tax=False, default=True)
    jazz.items.all().delete()
    ticket = Item.objects.create(event=jazz, name={"ru": "Билет", "en": "Ticket"}, default_price=Decimal("2500.00"),
                                 admission=True, tax_rule=vat)
    concert = factories.make_sailing(jazz, fleet["ship"], fleet["garden"], msk(3, 10), minutes=150,
                                     sellable_capacity=5)
    with transaction.atomic():  # pretix wants orders written in a transaction (also in transactional tests)
        factories.make_order(jazz, concert.subevent, [ticket] * 5).create_transactions()
    rental = rental_testing.make_rental_event(organizer)
    rental.date_to = now() + timedelta(days=90)
    rental.is_public = True
    rental.save()
    Item.objects.filter(event=rental).update(default_price=Decimal("15000.00"))
    return {"evening": evening, "jazz": jazz, "concert": concert, "ticket": ticket, "rental": rental}


@pytest.fixture
def real_cache(settings):
    """A cache shared between requests, as Redis is in production (the test settings have a dummy one)."""
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                                      "LOCATION": "storefront-tests"}}
    settings.REAL_CACHE_USED = True
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
