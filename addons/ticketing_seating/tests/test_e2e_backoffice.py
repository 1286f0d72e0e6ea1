"""Staff build a seat map with the generator and the live preview, and look at a sailing's occupancy."""
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils.timezone import now
from playwright.sync_api import expect

from ticketing_core.models import Vessel
from ticketing_core.testing import factories
from ticketing_seating.models import VesselSeatMap
from ticketing_seating.testing import make_seated

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PRICHAL_SCREENSHOTS", str(Path(__file__).resolve().parents[3] / "var" / "screenshots"))


def _shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"seating-{name}.png"), full_page=True)


def _login(page, base, email="admin@example.org"):
    page.goto(f"{base}/control/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", "admin-password-123")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/control/login" not in url)


def test_generator_preview_paint_and_save_then_occupancy(live_server, browser_page):
    from django.urls import get_resolver

    assert get_resolver().url_patterns  # import every URL module here, where scopes are off
    organizer = factories.make_organizer()
    factories.make_admin(organizer)
    vessel, event, pier, products = make_seated(organizer)
    sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(days=3))
    order = factories.make_order(event, sailing.subevent, [products["Window"]])
    p = order.positions.first()
    p.seat = sailing.subevent.seats.get(seat_guid="d1-r1-s1")
    p.save()
    new = factories.make_vessel(organizer, "Заря", capacity=80, reg="ЗАР-1", seating_mode=Vessel.SEATING_ASSIGNED)
    page = browser_page
    _login(page, live_server.url)

    page.goto(f"{live_server.url}/control/organizer/{organizer.slug}/seatmaps/{new.pk}/")
    page.fill("#ts-g-decks input[type=number] >> nth=0", "4")   # rows
    page.fill("#ts-g-decks input[type=number] >> nth=1", "8")   # seats per row
    page.fill("#ts-g-decks .ts-g-section input[type=text] >> nth=0", "4")  # aisle after seat 4
    page.click("#ts-g-run")
    expect(page.locator("#ts-preview circle")).to_have_count(32)
    page.select_option("#ts-paint", "Стандарт")
    page.click("#ts-preview circle >> nth=0")
    page.check("#ts-cats input[type=checkbox] >> nth=0")        # wheelchair place
    page.fill("#ts-decks input >> nth=1", "Main deck")           # English name of the deck
    _shot(page, "editor-generated")
    page.click("#ts-editor-form .btn-save")
    page.wait_for_selector(".alert-success")
    seat_map = VesselSeatMap.objects.get(vessel=new)
    assert len(seat_map.plan.layout_data["zones"][0]["rows"]) == 4
    assert seat_map.category_flags["Стандарт"]["wheelchair"] is True
    assert seat_map.labels["zones"]["Главная палуба"]["en"] == "Main deck"

    page.goto(f"{live_server.url}/control/event/{organizer.slug}/{event.slug}/seating/occupancy/"
              f"{sailing.subevent_id}/")
    page.wait_for_selector("svg.ts-occupancy")
    assert page.locator("g.ts-o-seat.ts-sold").count() == 1
    assert order.code in page.get_attribute("g.ts-o-seat.ts-sold", "aria-label")
    _shot(page, "occupancy")
