"""Shared test data for seat maps: a seated series, a vessel with a two-deck map, its sailings (ticketing_seating)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils.timezone import now

from pretix.base.models import Item

from ticketing_core.models import Vessel
from ticketing_core.testing import factories


def small_spec(rows: int = 3, seats: int = 6, decks: int = 2, aisle: int | None = 3) -> dict:
    """A generator spec: ``decks`` decks, window seats in the first row, standard elsewhere."""
    deck_names = ["Главная палуба", "Верхняя палуба", "Солнечная палуба"]
    out = {"name": "Тестовая схема", "categories": [
        {"name": "Window", "color": "#3b82c4"}, {"name": "Standard", "color": "#2e9e6a"},
        {"name": "Crew", "color": "#6b7a8f"}], "decks": []}
    for d in range(decks):
        out["decks"].append({"name": deck_names[d], "sections": [
            {"rows": 1, "seats": seats, "category": "Window", "aisles_after": [aisle] if aisle else []},
            {"rows": rows - 1, "seats": seats, "category": "Standard", "aisles_after": [aisle] if aisle else []},
        ]})
    return out


def make_seated(organizer, *, rows: int = 3, seats: int = 6, decks: int = 2, capacity: int = 200,
                crew_guids: tuple = (), wheelchair_category: bool = False, pier=None,
                category_labels: dict | None = None):
    """
    A vessel with assigned seating and a map, a series whose "Window"/"Standard" categories sell products;
    ``category_labels`` (category → {language: name}) names the categories as staff do in the map editor.
    """
    from ticketing_seating.models import EventSeatCategory
    from ticketing_seating.services import assign, generator

    vessel = factories.make_vessel(organizer, "Москва-7", capacity=capacity, reg="МСК-7",
                                   seating_mode=Vessel.SEATING_ASSIGNED)
    layout = generator.generate(small_spec(rows, seats, decks))
    for zone in layout["zones"]:
        for row in zone["rows"]:
            for seat in row["seats"]:
                if seat["seat_guid"] in crew_guids:
                    seat["category"] = "Crew"
    flags = {"Crew": {"sellable": False}}
    if wheelchair_category:
        flags["Window"] = {"wheelchair": True}
    labels = {"zones": {"Главная палуба": {"en": "Main deck", "zh-hans": "主甲板"},
                        "Верхняя палуба": {"en": "Upper deck", "zh-hans": "上层甲板"}},
              **({"categories": category_labels} if category_labels else {})}
    assign.save_seat_map(vessel, layout, flags, labels)
    event = factories.make_series(organizer, slug="seated", with_addon=False)
    window = Item.objects.create(event=event, name={"ru": "У окна", "en": "Window seat"},
                                 default_price=Decimal("1800.00"), admission=True)
    standard = event.items.get(default_price=Decimal("1500.00"))
    event.items.filter(default_price=Decimal("900.00")).update(active=False)  # the child ticket has no seat category
    EventSeatCategory.objects.create(event=event, category="Window", item=window)
    EventSeatCategory.objects.create(event=event, category="Standard", item=standard)
    pier = pier or factories.make_pier(organizer)
    return vessel, event, pier, {"Window": window, "Standard": standard}


@pytest.fixture
def seated(organizer):
    """(vessel, event, sailing, products): 2 decks × 3 rows × 6 seats, first row window, tomorrow + 2 days."""
    vessel, event, pier, products = make_seated(organizer)
    sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(days=2))
    return vessel, event, sailing, products
