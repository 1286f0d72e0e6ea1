"""
A person buys seats on a date page that also sells products without a seat (mulled wine, so pretix shows its own
"add to cart" button and its "you did not select any ticket" check): clicks seats on the map, picks a passenger
type, presses the picker's visible button and sees the cart, then the order, with those seats. Desktop and a 390 px
phone, Russian and Chinese. Only the first page is opened by its address; everything else is clicks and taps.
"""
import os
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils.timezone import now
from django.utils.translation import gettext, override

from pretix.base.models import Item, Order
from pretix.base.templatetags.money import money_filter

from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import CHROMIUM, CHROMIUM_ARGS, checkout_from_cart
from ticketing_seating.testing import make_seated

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PRICHAL_SCREENSHOTS", str(Path(__file__).resolve().parents[3] / "var" / "screenshots"))
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
SEAT_NAME = {"ru": "Место «Стандарт»", "en": "Standard seat", "zh-hans": "标准座位"}
BROWSER_LOCALE = {"ru": "ru-RU", "zh-hans": "zh-CN"}


def _setup():
    from django.urls import get_resolver

    assert get_resolver().url_patterns  # import every URL module here, where scopes are off
    organizer = factories.make_organizer()
    vessel, event, pier, products = make_seated(organizer, rows=4, seats=8, decks=2)
    child_ticket = event.items.get(default_price=Decimal("900.00"))
    child_ticket.active = True  # a child ticket of general admission: not offered on this seated date
    child_ticket.save()
    standard = products["Standard"]
    standard.name = SEAT_NAME
    standard.save()
    for position, (value, price) in enumerate([
            ({"ru": "Взрослый", "en": "Adult", "zh-hans": "成人"}, "1500.00"),
            ({"ru": "Детский", "en": "Child", "zh-hans": "儿童"}, "900.00"),
            ({"ru": "Льготный", "en": "Concession", "zh-hans": "优惠"}, "1100.00")]):
        standard.variations.create(value=value, default_price=Decimal(price), position=position)
    wine = Item.objects.create(event=event, name={"ru": "Глинтвейн", "en": "Mulled wine", "zh-hans": "热红酒"},
                               default_price=Decimal("350.00"), admission=False)
    tea = Item.objects.create(event=event, name={"ru": "Чай", "en": "Tea", "zh-hans": "茶"},
                              default_price=Decimal("150.00"), admission=False)
    sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(days=3))
    # two products by quantity, so pretix preselects none (with one it would put it in the cart too)
    event.quotas.create(name="Бар", subevent=sailing.subevent, size=None).items.add(wine, tea)
    return event, sailing, standard


def _shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"journey-seats-{name}.png"), full_page=True)


def _press(page, device, locator) -> None:
    locator.scroll_into_view_if_needed()
    locator.tap() if device == "phone" else locator.click()


@pytest.mark.parametrize("lang,device", [("ru", "desktop"), ("ru", "phone"), ("zh-hans", "desktop"),
                                         ("zh-hans", "phone")])
def test_seats_alone_go_into_the_cart_with_a_child_and_an_order_follows(live_server, monkeypatch, lang, device):
    from playwright.sync_api import expect, sync_playwright

    event, sailing, standard = _setup()
    with override(lang):
        add_seats = gettext("Add seats to cart")
        child_word = str(standard.variations.get(position=1).value)
        total_text = money_filter(Decimal("2400.00"), event.currency)  # one adult and one child, as pretix writes it
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    errors = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(locale=BROWSER_LOCALE[lang], **DEVICES[device]).new_page()
        page.set_default_timeout(20000)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{live_server.url}/{event.organizer.slug}/{event.slug}/{sailing.subevent_id}/")
        page.wait_for_selector("#ts-picker.ts-ready")
        assert page.locator("html").get_attribute("lang").lower().startswith(lang[:2])
        for guid in ("d1-r2-s3", "d1-r2-s4"):
            _press(page, device, page.locator(f'g.ts-seat[data-guid="{guid}"]'))
        second = page.locator(".ts-selection-list li").nth(1).locator("select")
        second.select_option(label=second.locator("option", has_text=child_word).inner_text())
        _shot(page, f"{lang}-{device}-picker")
        assert page.inner_text(".ts-total").endswith(total_text)  # the running total, like every other price
        button = page.get_by_role("button", name=add_seats)
        expect(button).to_be_visible()
        _press(page, device, button)
        page.wait_for_selector(".cart-row", timeout=30000)
        assert not page.locator("#dialog-nothing-to-add[open]").count(), "pretix's 'no ticket selected' dialog"
        cart = page.inner_text(".cart")
        assert "2" in cart and SEAT_NAME[lang] in cart and child_word in cart
        seat_icons = page.locator(".cart-icon-details svg.svg-icon")
        assert seat_icons.count() == 2 and not seat_icons.first.is_visible()  # no wheelchair-like pictogram
        if lang == "ru":
            assert "Место:" in cart
        _shot(page, f"{lang}-{device}-cart")
        browser.close()
    assert not errors, errors
    from pretix.base.models import CartPosition

    positions = {cp.seat.seat_guid: cp for cp in CartPosition.objects.filter(event=event)}
    assert set(positions) == {"d1-r2-s3", "d1-r2-s4"}
    assert positions["d1-r2-s4"].price == Decimal("900.00") and positions["d1-r2-s3"].price == Decimal("1500.00")


def test_order_page_in_russian_names_the_seats_of_adult_and_child(live_server, browser_page):
    """The whole journey once, to the placed order: seats on the boarding cards, no card for mulled wine."""
    from ticketing_website.testing import enable_accounts

    event, sailing, standard = _setup()
    enable_accounts(event.organizer, event)
    event.settings.ticket_download_pending = True
    page = browser_page
    page.goto(f"{live_server.url}/{event.organizer.slug}/{event.slug}/{sailing.subevent_id}/")
    page.wait_for_selector("#ts-picker.ts-ready")
    page.click('g.ts-seat[data-guid="d1-r3-s1"]')
    page.click('g.ts-seat[data-guid="d1-r3-s2"]')
    page.locator(".ts-selection-list li").nth(1).locator("select").select_option(label="Детский — 900,00\xa0₽")
    page.get_by_role("button", name="Добавить места в корзину").click()
    page.wait_for_selector(".cart-row")
    checkout_from_cart(page, "manual", email="family@example.org")
    page.wait_for_selector("#ticketing-tickets")
    panel = page.inner_text("#ticketing-tickets")
    assert "Место: Главная палуба, ряд 3, место 1" in panel and "Место: Главная палуба, ряд 3, место 2" in panel
    assert page.locator(".ticketing-qr-card").count() == 2
    _shot(page, "ru-desktop-order")
    order = Order.objects.get(email="family@example.org")
    with override("ru"):  # the variations' names in Russian, whatever language an earlier test left active
        assert sorted((p.seat.seat_guid, str(p.variation.value)) for p in order.positions.all()) == [
            ("d1-r3-s1", "Взрослый"), ("d1-r3-s2", "Детский")]
