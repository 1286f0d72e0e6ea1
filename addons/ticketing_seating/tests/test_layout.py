"""Import/export in pretix's seat-plan format: every error, translated, with its place; invalid files change nothing."""
import json

import pytest
from django.utils.translation import override

from ticketing_seating.services import generator, layout
from ticketing_seating.services.errors import SeatingError
from ticketing_seating.testing import small_spec


def test_generator_builds_a_valid_pretix_plan_with_aisles_and_numbering():
    spec = small_spec(rows=3, seats=6, decks=2, aisle=3)
    spec["decks"][1]["sections"][1]["numbering"] = "rtl"
    plan = generator.generate(spec)
    assert layout.validate(plan) == []
    assert [z["name"] for z in plan["zones"]] == ["Главная палуба", "Верхняя палуба"]
    row = plan["zones"][0]["rows"][0]
    xs = [s["position"]["x"] for s in row["seats"]]
    # the aisle after seat 3 is wider than the pitch between seats
    assert xs[3] - xs[2] > xs[1] - xs[0]
    rtl = plan["zones"][1]["rows"][1]["seats"]
    assert [s["seat_number"] for s in rtl][:2] == ["6", "5"]
    assert rtl[0]["position"]["x"] < rtl[1]["position"]["x"]
    guids = [s["seat_guid"] for z in plan["zones"] for r in z["rows"] for s in r["seats"]]
    assert len(guids) == len(set(guids)) == 36


def test_generator_refuses_unknown_category():
    spec = small_spec()
    spec["decks"][0]["sections"][0]["category"] = "Nope"
    with pytest.raises(SeatingError):
        generator.generate(spec)


def test_import_lists_every_error_with_its_place_in_russian():
    plan = generator.generate(small_spec(rows=2, seats=3, decks=1, aisle=None))
    seats = plan["zones"][0]["rows"][0]["seats"]
    seats[1]["seat_guid"] = seats[0]["seat_guid"]            # duplicate id
    seats[2]["category"] = "Ghost"                           # unknown category
    plan["zones"][0]["rows"][1]["seats"][0]["position"]["x"] = 99999   # outside the deck
    with override("ru"):
        errors = layout.validate(plan)
    assert len(errors) >= 3
    text = "\n".join(errors)
    assert "палуба 1 › ряд 1 › место 2" in text and "уже используется" in text
    assert "Ghost" in text
    assert "за пределами палубы" in text


def test_schema_errors_are_all_reported_and_nothing_is_parsed():
    bad = {"name": "x", "categories": [{"name": "A"}], "zones": [{"position": {"x": 0}, "rows": [
        {"row_number": 1, "seats": [{"seat_guid": "a1", "seat_number": "1", "category": "A"}]}]}],
        "size": {"width": 100, "height": 100}, "extra": True}
    with override("en"), pytest.raises(SeatingError) as exc:
        layout.parse(json.dumps(bad))
    text = "\n".join(exc.value.errors)
    assert "unknown field \"extra\"" in text
    assert "deck 1 › position: the field \"y\" is missing." in text
    assert "deck 1 › row 1 › row_number: must be a text." in text
    assert "deck 1 › row 1 › seat 1: the field \"position\" is missing." in text


def test_broken_json_says_where():
    with override("ru"), pytest.raises(SeatingError) as exc:
        layout.parse('{"name": "x",, }')
    assert "строка 1" in str(exc.value)


def test_export_is_pretix_format_and_round_trips():
    plan = generator.generate(small_spec())
    again = layout.parse(layout.dumps(plan))
    assert again == plan


def huge_spec(sections: int) -> dict:
    """Many sections of 200 × 200 seats: millions of seats if the generator built them before counting."""
    spec = small_spec(decks=1)
    spec["decks"][0]["sections"] = [{"rows": 200, "seats": 200, "category": "Standard"} for _ in range(sections)]
    return spec


def test_generator_refuses_a_huge_request_before_building_any_seat(monkeypatch):
    import time

    built = []
    monkeypatch.setattr(generator, "parse", lambda layout: built.append(layout) or layout)
    started = time.monotonic()
    with override("en"), pytest.raises(SeatingError) as exc:
        generator.generate(huge_spec(2000))  # 80 million seats requested
    assert time.monotonic() - started < 1
    assert exc.value.errors == ["The seat map would hold 80000000 seats; a seat map may hold at most 5000 seats."]
    assert built == []


def test_generator_cap_counts_every_deck_together():
    spec = small_spec(decks=1)
    spec["decks"] = [{"name": f"Палуба {i}", "sections": [{"rows": 50, "seats": 40, "category": "Standard"}]}
                     for i in range(3)]  # 3 × 2000 = 6000 > 5000, each deck alone is under the cap
    with override("ru"), pytest.raises(SeatingError) as exc:
        generator.generate(spec)
    assert "6000" in exc.value.errors[0] and "5000" in exc.value.errors[0]
    spec["decks"].pop()
    assert sum(len(r["seats"]) for z in generator.generate(spec)["zones"] for r in z["rows"]) == 4000


@pytest.mark.parametrize("decks", [[1, 2], "палуба", [{"name": "A", "sections": "x"}],
                                   [{"name": "A", "sections": [7]}], {"name": "A"}])
def test_generator_refuses_malformed_decks_and_sections_with_a_message(decks):
    spec = small_spec()
    spec["decks"] = decks
    with pytest.raises(SeatingError) as exc:
        generator.generate(spec)
    assert exc.value.errors

