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


def test_demo_seats_sell_adult_child_and_concession_and_no_passenger_goes_without_a_seat(db, demo_instance):
    from pretix.base.models import SubEventItem

    load_demo()
    neva = Vessel.objects.get(registration_number="ТХ-0120-СПБ")
    sailing = neva.sailings.select_related("event", "subevent").filter(event__slug="bridges").first()
    event = sailing.event
    window = EventSeatCategory.objects.get(event=event, category="У окна").item
    assert [(str(v.value.localize("ru")), v.default_price) for v in window.variations.order_by("position")] == [
        ("Взрослый", 1800), ("Детский (6–12 лет)", 1200), ("Льготный (пенсионеры, студенты)", 1400)]
    off = {str(s.item.name.localize("ru")) for s in SubEventItem.objects.filter(subevent=sailing.subevent,
                                                                                 disabled=True)}
    assert off == {"Взрослый", "Детский (6–12 лет)", "Льготный (пенсионеры, студенты)"}  # sold per seat instead
    infant = event.items.get(default_price=0)
    assert event.settings.ticketing_seating_seatless_items == str(infant.pk)  # on a lap, without a seat
