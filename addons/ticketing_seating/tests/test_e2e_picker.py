"""A person chooses seats on the map in Chromium — with the mouse, with the keyboard, on a phone — and buys them."""
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils.timezone import now
from playwright.sync_api import expect

from pretix.base.models import Order

from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import CHROMIUM, CHROMIUM_ARGS
from ticketing_seating.testing import make_seated

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
# screenshots to look at, kept out of git (var/ is ignored)
SHOTS = os.environ.get("PRICHAL_SCREENSHOTS", str(Path(__file__).resolve().parents[3] / "var" / "screenshots"))


def _shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"seating-{name}.png"), full_page=True)


def _setup():
    from django.urls import get_resolver

    assert get_resolver().url_patterns  # import every URL module here, where scopes are off (see issue 5's report)
    organizer = factories.make_organizer()
    vessel, event, pier, products = make_seated(organizer, rows=4, seats=8, decks=2, crew_guids=("d1-r4-s8",),
                                                wheelchair_category=False)
    sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(days=3))
    return event, sailing


def _checkout(page, email: str, name: str = "Анна Смирнова") -> None:
    """From the cart page (after pretix added the seats) to "Создать заказ", paying at the pier."""
    page.get_by_role("button", name="Приступить к оформлению заказа").click()
    page.wait_for_selector("#id_email")
    page.fill("#id_email", email)
    for field in page.locator("input[name$=attendee_name_parts_0]:visible").all():
        field.fill(name)
    for box in page.locator("input[type=checkbox][required]:visible").all():
        box.check()  # e.g. consent to the privacy policy, where the shop asks for it
    page.get_by_role("button", name="Продолжить").click()
    page.check("input[name=payment][value=manual]")
    page.get_by_role("button", name="Продолжить").click()
    page.get_by_role("button", name="Создать заказ").click()
    page.wait_for_selector("#ticketing-seats")


def _width(view_box: str) -> float:
    return float(view_box.split()[2])


def _pinch(page) -> None:
    """Two touch pointers on the map moving apart (Playwright has no pinch gesture; these are the browser's events)."""
    page.evaluate("""() => {
        const svg = document.querySelector('.ts-svg');
        const r = svg.getBoundingClientRect();
        const cx = r.left + r.width / 2, cy = r.top + r.height / 2;
        const fire = (type, id, x) => svg.dispatchEvent(new PointerEvent(type, {pointerId: id, pointerType: 'touch',
            clientX: x, clientY: cy, bubbles: true, isPrimary: id === 1}));
        fire('pointerdown', 1, cx - 20); fire('pointerdown', 2, cx + 20);
        for (let d = 20; d <= 80; d += 10) { fire('pointermove', 1, cx - d); fire('pointermove', 2, cx + d); }
        fire('pointerup', 1, cx - 80); fire('pointerup', 2, cx + 80);
    }""")


def _open(page, base, event, sailing):
    page.goto(f"{base}/{event.organizer.slug}/{event.slug}/{sailing.subevent_id}/")
    page.wait_for_selector("#ts-picker.ts-ready")


def test_mouse_choose_two_seats_switch_deck_and_buy(live_server, browser_page):
    event, sailing = _setup()
    page = browser_page
    _open(page, live_server.url, event, sailing)
    _shot(page, "desktop-initial")
    page.click('g.ts-seat[data-guid="d1-r2-s3"]')
    page.click('g.ts-seat[data-guid="d1-r2-s4"]')
    assert page.get_attribute('g.ts-seat[data-guid="d1-r2-s3"]', "aria-checked") == "true"
    label = page.get_attribute('g.ts-seat[data-guid="d1-r2-s4"]', "aria-label")
    assert label.startswith("Главная палуба, ряд 2, место 4, Standard") and label.endswith("выбрано")
    page.get_by_role("tab", name="Верхняя палуба").click()
    assert page.locator('g.ts-seat[data-guid="d2-r1-s1"]').count() == 1
    before = page.get_attribute(".ts-svg", "viewBox")
    page.hover(".ts-svg")
    page.mouse.wheel(0, -300)  # zoom in with the wheel over the map
    page.wait_for_function(f"document.querySelector('.ts-svg').getAttribute('viewBox') !== '{before}'")
    _shot(page, "desktop-chosen-upper-deck")
    page.click(".ts-add")
    _checkout(page, "mouse@example.org")
    _shot(page, "desktop-order")
    order = Order.objects.get(email="mouse@example.org")
    assert sorted(p.seat.seat_guid for p in order.positions.all()) == ["d1-r2-s3", "d1-r2-s4"]
    assert "Главная палуба, ряд 2, место 3" in page.inner_text("#ticketing-seats")


def test_keyboard_only_choose_seat_and_buy(live_server, browser_page):
    event, sailing = _setup()
    page = browser_page
    _open(page, live_server.url, event, sailing)
    page.focus('g.ts-seat[tabindex="0"]')
    first = page.evaluate("document.activeElement.getAttribute('data-guid')")
    assert first == "d1-r1-s1"
    page.keyboard.press("ArrowDown")     # row 2, seat 1
    page.keyboard.press("ArrowRight")    # row 2, seat 2
    assert page.evaluate("document.activeElement.getAttribute('data-guid')") == "d1-r2-s2"
    page.keyboard.press("Enter")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    page.keyboard.press("+")
    page.keyboard.press("Shift+ArrowRight")
    expect(page.locator(".ts-live")).to_contain_text("Масштаб")  # the last key (+) was announced
    assert page.get_attribute('g.ts-seat[data-guid="d1-r2-s1"]', "aria-checked") == "true"
    assert page.locator(".ts-selection-list li").count() == 2
    _shot(page, "keyboard-chosen")
    page.focus(".ts-add")
    page.keyboard.press("Enter")
    _checkout(page, "keys@example.org")
    order = Order.objects.get(email="keys@example.org")
    assert sorted(p.seat.seat_guid for p in order.positions.all()) == ["d1-r2-s1", "d1-r2-s2"]


def test_phone_tap_taken_seat_message_and_buy(live_server, monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    event, sailing = _setup()
    # someone else buys row 3, seat 5 while the page is open
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctx = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844}, is_mobile=True,
                                  has_touch=True, device_scale_factor=2)
        page = ctx.new_page()
        page.set_default_timeout(20000)
        _open(page, live_server.url, event, sailing)
        _shot(page, "phone-initial")
        factories.make_order(event, sailing.subevent, [sailing.subevent.seats.get(seat_guid="d1-r3-s5").product])
        from pretix.base.models import OrderPosition
        OrderPosition.objects.filter(order__email="buyer@example.org").update(
            seat=sailing.subevent.seats.get(seat_guid="d1-r3-s5"))
        page.tap('g.ts-seat[data-guid="d1-r3-s5"]')     # the map still shows it free
        page.wait_for_selector(".ts-error:not([hidden])")
        assert "только что занял другой покупатель" in page.inner_text(".ts-error")
        assert page.get_attribute('g.ts-seat[data-guid="d1-r3-s5"]', "class") == "ts-seat ts-taken"
        before = page.get_attribute(".ts-svg", "viewBox")
        _pinch(page)                                     # two fingers moving apart zoom in
        assert _width(page.get_attribute(".ts-svg", "viewBox")) < _width(before) * 0.8
        page.tap(".ts-zoom-reset")
        page.tap(".ts-zoom-in")
        page.tap('g.ts-seat[data-guid="d1-r3-s6"]')
        page.tap('g.ts-seat[data-guid="d1-r3-s7"]')
        _shot(page, "phone-chosen")
        page.tap(".ts-add")
        _checkout(page, "phone@example.org")
        _shot(page, "phone-order")
        browser.close()
    order = Order.objects.get(email="phone@example.org")
    assert sorted(p.seat.seat_guid for p in order.positions.all()) == ["d1-r3-s6", "d1-r3-s7"]
