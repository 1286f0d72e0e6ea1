"""
A family buys seats on a seated sailing as a person does (marker ``journey``, in ``make test``): from the shop's
front page to the date, three seats clicked on the map, for each the passenger type chosen in the picker (adult,
child, concession: variations of the seat category's product, priced as the demo prices them), the prices read in
the picker, the cart and the confirmation step, each passenger's name typed, paid on YooKassa's page (the
emulator), and the three seats on the order page's boarding cards. Russian on a desktop, Chinese on a 390 px phone.
"""
# ruff: noqa: F811 - the fixtures imported from other modules are arguments
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils.timezone import now
from django.utils.translation import override
from i18nfield.strings import LazyI18nString

from pretix.base.models import Order
from pretix.base.templatetags.money import money_filter

from ticketing_core.demo import MANUAL_PAYMENT
from ticketing_core.hooks import describe_seat
from ticketing_core.models import Pier, Vessel
from ticketing_core.testing import factories
from ticketing_core.testing.journeys import CYRILLIC, Person, journey_browser, styled  # noqa: F401 - fixtures
from ticketing_seating.testing import make_seated
from ticketing_website.testing import enable_accounts

pytestmark = [pytest.mark.e2e, pytest.mark.journey, pytest.mark.django_db(transaction=True)]
SEAT = {"ru": "Место «Стандарт»", "en": "Standard seat", "zh-hans": "标准座位"}
# passenger type -> (its name in three languages, its price on a standard seat)
PASSENGERS = {
    "adult": ({"ru": "Взрослый", "en": "Adult", "zh-hans": "成人"}, Decimal("1500.00")),
    "child": ({"ru": "Детский", "en": "Child", "zh-hans": "儿童"}, Decimal("900.00")),
    "concession": ({"ru": "Льготный", "en": "Concession", "zh-hans": "优惠"}, Decimal("1100.00")),
}
# the three seats the family clicks (deck 1, row 2: standard seats) and who sits on each
FAMILY = [("d1-r2-s1", "adult"), ("d1-r2-s2", "child"), ("d1-r2-s3", "concession")]
NAMES = {"ru": ["Анна Смирнова", "Миша Смирнов", "Зоя Смирнова"], "zh-hans": ["王芳", "李明", "李娜"]}
CATEGORIES = {"Window": {"ru": "У окна", "en": "Window", "zh-hans": "靠窗"},
              "Standard": {"ru": "Стандарт", "en": "Standard", "zh-hans": "标准"}}
ENGLISH = ("Standard", "Window", "Adult", "Child", "Concession", "Main deck", "Upper deck", "Seat:", "Status")


def _seated_shop(live_server, settings, emulator, configure_yookassa):
    """One seated sailing in three days; its standard seats sell adult, child and concession places (variations)."""
    from django.urls import get_resolver

    assert get_resolver().url_patterns  # import every URL module here, where scopes are off
    settings.SITE_URL = live_server.url  # YooKassa's return address, as in production
    organizer = factories.make_organizer()
    vessel, event, pier, products = make_seated(organizer, rows=4, seats=8, decks=2, category_labels=CATEGORIES)
    enable_accounts(organizer, event)
    Pier.objects.filter(pk=pier.pk).update(
        name=LazyI18nString({"ru": "Дворцовая пристань", "en": "Palace Pier", "zh-hans": "宫殿码头"}).data,
        address=LazyI18nString({"ru": "Дворцовая наб., 2", "en": "2 Palace Embankment",
                                "zh-hans": "宫殿堤岸2号"}).data)
    Vessel.objects.filter(pk=vessel.pk).update(
        name=LazyI18nString({"ru": "Москва-7", "en": "Moskva-7", "zh-hans": "莫斯科7号"}).data)
    for key, value in MANUAL_PAYMENT.items():
        event.settings.set(key, value)
    configure_yookassa(organizer, emulator)
    event.settings.payment_yookassa__enabled = True
    emulator.webhook_url(live_server.url + "/_yookassa/webhook/")
    standard = products["Standard"]
    standard.name = SEAT
    standard.save()
    for position, (names, price) in enumerate(PASSENGERS.values()):  # as the seating demo makes them
        standard.variations.create(value=names, default_price=price, position=position)
    sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(days=3))
    return organizer, event, sailing


def _money(amount: Decimal, event, lang: str) -> str:
    with override(lang):
        return money_filter(amount, event.currency)


def _in_her_language(person: Person, lang: str, step: str) -> None:
    """No English words of the shop's data or pretix on the page; on a Chinese page no Russian either."""
    text = person.page.evaluate("""() => { const body = document.body.cloneNode(true);
        body.querySelectorAll('[lang]').forEach(e => e.remove());  // the language switcher's own names
        document.documentElement.appendChild(body); body.style.display = 'block';
        const text = body.innerText; body.remove(); return text; }""")
    assert not [w for w in ENGLISH if w in text], (step, [w for w in ENGLISH if w in text])
    if lang != "ru":  # the Russian names of Russian documents glossed in brackets, "发票（Счёт）", are meant
        text = re.sub(r"（[^）]*）", "", text)
        assert not sorted({line.strip() for line in text.splitlines() if CYRILLIC.search(line)}), step
    person.shot(step)


@pytest.mark.parametrize("lang,device", [("ru", "desktop"), ("zh-hans", "phone")])
def test_family_chooses_seats_for_adult_child_and_concession_and_sees_them_on_the_boarding_cards(
        live_server, settings, styled, journey_browser, emulator, configure_yookassa, lang, device):
    organizer, event, sailing = _seated_shop(live_server, settings, emulator, configure_yookassa)
    prices = {kind: _money(price, event, lang) for kind, (_names, price) in PASSENGERS.items()}
    total = _money(sum(price for _names, price in PASSENGERS.values()), event, lang)
    person = Person(journey_browser, lang, device, f"seats-family-{lang}-{device}")
    page = person.page

    page.goto(f"{live_server.url}/{organizer.slug}/")
    person.press(page.locator(".tw-results .tw-buy a"))
    page.wait_for_selector("#ts-picker.ts-ready")
    assert page.locator("html").get_attribute("lang").lower().startswith(lang[:2])
    names = NAMES[lang]
    for guid, _kind in FAMILY:
        person.press(page.locator(f'g.ts-seat[data-guid="{guid}"]'))
    chosen = page.locator(".ts-selection-list li")
    assert chosen.count() == 3
    for index, (_guid, kind) in enumerate(FAMILY):
        picker = chosen.nth(index).locator("select")
        assert picker.is_visible()
        label = PASSENGERS[kind][0][lang]
        picker.select_option(label=picker.locator("option", has_text=label).inner_text())
        assert chosen.nth(index).inner_text().strip().startswith(("Главная палуба", "主甲板"))
        assert prices[kind] in chosen.nth(index).inner_text()
        assert CATEGORIES["Standard"][lang] in chosen.nth(index).inner_text()
    assert page.inner_text(".ts-total").endswith(total)
    _in_her_language(person, lang, "picker")
    person.press(page.locator("#ts-picker button.ts-add"))
    page.wait_for_selector(".cart-row")
    cart = page.inner_text(".cart")
    for _guid, kind in FAMILY:
        assert PASSENGERS[kind][0][lang] in cart and prices[kind] in cart, (kind, cart)
    assert total in cart
    _in_her_language(person, lang, "cart")

    person.press(page.locator("form.checkout-button-primary button[type=submit]"))
    page.wait_for_selector("#id_email, input[name=customer_mode][value=guest]")
    if page.locator("input[name=customer_mode][value=guest]").count():
        person.press(page.locator("input[name=customer_mode][value=guest]"))
        person.press(page.locator("form button.btn-primary[type=submit]").last)
        page.wait_for_selector("#id_email")
    person.type(page.locator("#id_email"), "family@example.org")
    if page.locator("#id_ticketing_privacy_consent").count():
        person.press(page.locator("#id_ticketing_privacy_consent"))
    fields = page.locator("input[name$=attendee_name_parts_0]:visible")
    assert fields.count() == 3  # each passenger's name
    for index, name in enumerate(names):
        person.type(fields.nth(index), name)
    _in_her_language(person, lang, "names")
    person.press(page.locator("form button.btn-primary[type=submit]").last)
    person.press(page.locator("input[name=payment][value=yookassa]"))
    person.press(page.locator("form button.btn-primary[type=submit]").last)
    page.wait_for_selector(".cart-row")
    confirm = page.inner_text("body")
    for (_guid, kind), name in zip(FAMILY, names, strict=True):
        assert PASSENGERS[kind][0][lang] in confirm and prices[kind] in confirm and name in confirm, kind
    assert total in confirm
    _in_her_language(person, lang, "confirm")
    person.press(page.locator("form button.btn-primary[type=submit]").last)
    page.wait_for_url(f"{emulator.base_url}/checkout/*")
    person.press(page.get_by_role("button", name="Оплатить · Pay"))
    page.wait_for_url(re.compile(r"/order/.+\?paid=yes"))
    page.wait_for_selector("#ticketing-tickets .ticketing-qr-card")

    order = Order.objects.get(email="family@example.org")
    positions = {p.seat.seat_guid: p for p in order.positions.select_related("seat", "variation")}
    bought = {guid: (positions[guid].variation.value.data["ru"], positions[guid].price) for guid, _kind in FAMILY}
    assert bought == {guid: (PASSENGERS[kind][0]["ru"], PASSENGERS[kind][1]) for guid, kind in FAMILY}
    cards = page.locator(".ticketing-qr-card")
    assert cards.count() == 3
    with override(lang):
        seats = {guid: describe_seat(positions[guid].seat) for guid in positions}
    for index, ((guid, kind), name) in enumerate(zip(FAMILY, names, strict=True)):
        card = cards.nth(index).inner_text()
        assert seats[guid] in card and name in card and PASSENGERS[kind][0][lang] in card, card
    assert page.evaluate("document.documentElement.scrollWidth") <= (390 if device == "phone" else 1280)
    _in_her_language(person, lang, "order")
    person.close()
    emulator.wait_webhooks()
