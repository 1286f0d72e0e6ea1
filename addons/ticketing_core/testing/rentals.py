"""Shared test data for the rentals tests: a yacht, a charter event, its offer with rates, a Monday ahead."""
from datetime import date, timedelta

import pytest
from django.utils.timezone import now

from ..models import Vessel
from . import factories
from .factories import MSK

WEEKDAYS, WEEKEND = [0, 1, 2, 3, 4], [5, 6]
RATES = [
    (WEEKDAYS, "10:00", "18:00", "5000.00"),   # weekday daytime
    (WEEKDAYS, "18:00", "02:00", "7000.00"),   # weekday evening, into the night after Friday
    (WEEKEND, "02:00", "02:00", "9000.00"),    # Saturday and Sunday, 02:00 to 02:00 the next day
]


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
    return factories.make_rental_event(organizer)


@pytest.fixture
def offer(charter, yacht):
    return factories.make_rental_offer(charter, {yacht: 10}, rates=RATES)


@pytest.fixture
def mon():
    return monday()
