"""The passenger manifest (ticketing_core) counts wheelchair places through this addon's answer to seat_wheelchair."""
from datetime import timedelta

import pytest
from django.utils.timezone import now

from ticketing_core.boarding import manifest
from ticketing_core.testing import factories
from ticketing_seating.testing import make_seated

pytestmark = pytest.mark.django_db


def test_manifest_counts_the_sold_wheelchair_places(organizer):
    vessel, event, pier, products = make_seated(organizer, wheelchair_category=True)
    sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(days=2))
    window = list(sailing.subevent.seats.filter(product=products["Window"]).order_by("pk")[:2])
    standard = list(sailing.subevent.seats.filter(product=products["Standard"]).order_by("pk")[:1])
    for seat in window + standard:
        pos = factories.make_order(event, sailing.subevent, [seat.product]).positions.get()
        pos.seat = seat
        pos.save()
    assert len(window) == 2 and manifest.build(sailing, mask=True).wheelchair == 2
