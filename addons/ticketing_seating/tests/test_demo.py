"""The demo motor ship «Нева» has a two-deck seat map and its sailings sell seats."""
from collections import Counter

from ticketing_core.demo import load_demo
from ticketing_core.models import Vessel
from ticketing_seating.models import EventSeatCategory, VesselSeatMap
from ticketing_seating.services import layout


def test_demo_motor_ship_has_a_two_deck_map_and_seated_sailings(db, monkeypatch):
    monkeypatch.setenv("PRICHAL_DEMO", "1")  # the demo loads only on an instance marked as one
    first = load_demo()
    neva = Vessel.objects.get(registration_number="ТХ-0120-СПБ")
    seat_map = VesselSeatMap.objects.get(vessel=neva)
    seats = layout.seats(seat_map.plan)
    assert 110 <= len(seats) <= 125 and len(seats) <= neva.capacity
    assert [z["name"] for z in seat_map.plan.layout_data["zones"]] == ["Главная палуба", "Верхняя палуба"]
    categories = Counter(s.category for s in seats)
    sold_categories = [c for c in categories if seat_map.category_flags.get(c, {}).get("sellable", True)]
    wheelchair = [c for c in categories if seat_map.category_flags.get(c, {}).get("wheelchair")]
    assert len([c for c in sold_categories if c not in wheelchair]) == 3
    assert sum(categories[c] for c in wheelchair) == 2
    assert first["created"]["seat map"] == 1
    for sailing in neva.sailings.select_related("subevent")[:3]:
        se = sailing.subevent
        assert se.seating_plan_id == seat_map.plan_id
        assert se.seats.filter(product__isnull=False).count() == len(seats) - 2  # the guide's seats are not sold
    assert EventSeatCategory.objects.filter(event__slug="jazz").count() == 4
    second = load_demo()
    assert not any(k.startswith("seat") for k in second["created"])
