"""The crew's boarding page on a 390 px phone: a scanned code (injected into the scanner's callback) and the search."""
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils.timezone import now
from playwright.sync_api import expect

from pretix.base.models import Checkin, Team, User

from ticketing_core.testing import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PRICHAL_SCREENSHOTS", str(Path(__file__).resolve().parents[4] / "var" / "screenshots"))


def test_crew_boards_by_scan_and_by_search_on_a_phone(live_server, browser_page):
    from django.urls import get_resolver

    assert get_resolver().url_patterns
    organizer = factories.make_organizer()
    series = factories.make_series(organizer)
    pier = factories.make_pier(organizer)
    sailing = factories.make_sailing(series, factories.make_vessel(organizer), pier, now() + timedelta(minutes=40))
    adult, child = series.items.filter(admission=True).order_by("pk")
    anna = factories.make_order(series, sailing.subevent, [adult]).positions.get()
    misha_order = factories.make_order(series, sailing.subevent, [child])
    misha_order.positions.update(attendee_name_cached="Миша Смирнов", attendee_name_parts={"full_name": "Миша Смирнов"})
    user = User.objects.create_user("crew@example.org", "admin-password-123")
    team = Team.objects.create(organizer=organizer, name="Посадка", all_events=True,
                               limit_event_permissions={"event.orders:checkin": True})
    team.members.add(user)

    page = browser_page
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/control/login")
    page.fill("input[name=email]", "crew@example.org")
    page.fill("input[name=password]", "admin-password-123")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/control/login" not in url)
    page.goto(f"{live_server.url}/control/organizer/{organizer.slug}/boarding/")
    page.locator(".tb-sailings a").first.click()
    page.wait_for_function("window.prichalBoarding !== undefined")
    assert page.evaluate("typeof window.Html5Qrcode") == "function"  # the scanner library, from our static files

    page.evaluate("code => window.prichalBoarding.onScan(code)", anna.secret)
    expect(page.locator("#tb-result.tb-ok")).to_be_visible(timeout=20000)
    expect(page.locator("#tb-result .tb-name")).to_have_text("Иван Петров")
    expect(page.locator("#tb-result .tb-detail")).to_contain_text("взрослый")
    page.screenshot(path=_shot("boarding-phone-ok"), full_page=True)
    # A slow network answers an unknown code's scan after the next passenger's: the crew must keep seeing the
    # newest scan's verdict. The first scan's answer is held back until the second one is on screen.
    held = []

    def hold_unknown_code(route):
        if '"x"' in (route.request.post_data or ""):
            held.append(route)
        else:
            route.continue_()

    page.route("**/scan", hold_unknown_code)
    page.evaluate("code => { window.prichalBoarding.onScan('x'); return window.prichalBoarding.onScan(code); }",
                  anna.secret)
    expect(page.locator("#tb-result.tb-refused")).to_be_visible(timeout=20000)
    expect(page.locator("#tb-result .tb-message")).to_contain_text("уже отсканирован")
    assert len(held) == 1
    with page.expect_response("**/scan"):
        held[0].continue_()
    page.wait_for_timeout(300)  # the late answer is handled by then
    expect(page.locator("#tb-result .tb-message")).to_contain_text("уже отсканирован")
    page.unroute("**/scan")
    page.screenshot(path=_shot("boarding-phone-refused"), full_page=True)

    page.fill("#tb-q", "Миша")
    page.locator("#tb-search button[type=submit]").click()
    page.locator(".tb-found .tb-board").first.click()
    expect(page.locator("#tb-result.tb-ok .tb-name")).to_have_text("Миша Смирнов")
    expect(page.locator("#tb-result .tb-detail")).to_contain_text("детский")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=_shot("boarding-phone-search"), full_page=True)
    assert Checkin.objects.filter(successful=True, list__subevent=sailing.subevent).count() == 2
    assert not [e for e in errors if "Content Security Policy" in e], errors
    assert Checkin.all.filter(successful=False, error_reason="already_redeemed").count() == 1


def _shot(name: str) -> str:
    os.makedirs(SHOTS, exist_ok=True)
    return os.path.join(SHOTS, f"{name}.png")
