"""
A customer books a charter as a person does (marker ``journey``, in ``make test``): from the shop's front page, by
clicking and typing only, a yacht for 18:00–21:00 Moscow time on a day that is not the rental event's own date,
with a photographer; then checks the charter's date and time wherever she meets it: the booking form's price, the
cart line, the confirmation step, the order page and its boarding card, every e-mail she gets (Django's outbox is
her mailbox) and the ticket PDF she downloads from the order page. Russian desktop paid on YooKassa's page (the
emulator); the same booking on a 390 px phone paid at the pier, up to the order page.
"""
# ruff: noqa: F811 - the fixtures imported from other modules are arguments
import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.utils.formats import date_format
from django.utils.timezone import now
from django.utils.translation import override
from i18nfield.strings import LazyI18nString
from pypdf import PdfReader

from pretix.base.models import Item, Order

from ticketing_core.demo import MANUAL_PAYMENT
from ticketing_core.models import Pier, Vessel
from ticketing_core.testing import factories
from ticketing_core.testing.factories import MSK
from ticketing_core.testing.journeys import Person, journey_browser, styled  # noqa: F401 - fixtures
from ticketing_rentals import testing as rental_testing
from ticketing_rentals.models import VesselOccupancy
from ticketing_rentals.questions import ensure_charter_questions
from ticketing_rentals.testing import RATES
from ticketing_website.testing import enable_accounts, give_contact

pytestmark = [pytest.mark.e2e, pytest.mark.journey, pytest.mark.django_db(transaction=True)]
EMAIL = "olga@example.org"
PHOTOGRAPHER = {"ru": "Фотограф на всё время аренды", "en": "Photographer for the whole charter",
                "zh-hans": "全程摄影师"}


def _charter_shop(live_server, settings):
    """The yacht «Аврора» for charter from the Palace pier; the rental event's own (pretix) date is tomorrow."""
    from django.urls import get_resolver

    assert get_resolver().url_patterns  # import every URL module here, where scopes are off
    settings.SITE_URL = live_server.url  # e-mail links and YooKassa's return address, as in production
    organizer = factories.make_organizer()
    pier = factories.make_pier(organizer)
    Pier.objects.filter(pk=pier.pk).update(name=LazyI18nString(
        {"ru": "Дворцовая пристань", "en": "Palace Pier", "zh-hans": "宫殿码头"}).data)
    pier.refresh_from_db()
    yacht = factories.make_vessel(organizer, {"ru": "Аврора", "en": "Aurora", "zh-hans": "曙光号"}, capacity=12,
                                  reg="ЯХТ-1", vessel_type=Vessel.TYPE_YACHT)
    event = rental_testing.make_rental_event(organizer)
    for key, value in MANUAL_PAYMENT.items():  # "pay at the pier" named and described as in the demo
        event.settings.set(key, value)
    enable_accounts(organizer, event)
    offer = rental_testing.make_rental_offer(event, {yacht: 10}, rates=RATES, pier=pier, notice_minutes=180)
    photographer = Item.objects.create(event=event, name=PHOTOGRAPHER, default_price=Decimal("9000.00"),
                                       admission=False, max_per_order=1)
    event.quotas.get().items.add(photographer)
    ensure_charter_questions(event, offer.item)
    return organizer, event, offer, yacht


def _charter_day():
    """Four days ahead: not today, not the rental event's own date (tomorrow), nothing's first anything."""
    return now().astimezone(MSK).date() + timedelta(days=4)


def _book_on_the_form(person: Person, organizer, day, expected_total: str) -> None:
    """The shop's front page, the charter's link, then the form: date, three hours, 18:00, six guests, photographer."""
    page = person.page
    page.goto(f"{person.base}/{organizer.slug}/")
    person.shot("shop")
    person.press(page.locator(".tw-results a, .event-list a").filter(has_text=re.compile("Аренда|租|charter", re.I)))
    page.wait_for_selector(".charter-form")

    def rerender(action):
        """Each choice re-renders the form on the server (free start times, the price); wait until it is back."""
        with page.expect_response(lambda r: "fragment=1" in r.url):
            action()
        page.wait_for_timeout(100)

    rerender(lambda: person.type(page.locator("#id_date"), day.isoformat()))
    duration = page.locator("#id_duration")
    assert duration.is_visible()
    rerender(lambda: duration.select_option("180"))
    rerender(lambda: person.press(page.locator(".charter-slot").filter(has_text="18:00")))
    rerender(lambda: (person.type(page.locator("#id_guests"), "6"), page.locator("#id_guests").press("Tab")))
    extra = page.get_by_label(re.compile(PHOTOGRAPHER[person.lang][:6]))
    rerender(lambda: (person.type(extra, "1"), extra.press("Tab")))
    quote = _text(page.inner_text(".charter-quote"))
    assert "18:00–21:00" in quote and expected_total in quote, quote
    assert "Europe/Moscow" not in page.inner_text("body")  # the time zone as people say it
    person.shot("form")
    person.press(page.locator(".charter-form button[name=action][value=book]"))
    page.wait_for_selector("#id_email, input[name=customer_mode][value=guest]")


def _open_pdf(person: Person, button) -> bytes:
    """
    Press a ticket's PDF button; pretix answers "inline", so Chromium shows the ticket in its PDF viewer as it does
    for a person. The file the browser received is kept on its way (nothing is requested that the click did not).
    """
    received = []

    def keep(route):
        answer = route.fetch()
        if answer.headers.get("content-type") == "application/pdf":
            received.append(answer.body())
        route.fulfill(response=answer)

    person.page.route(re.compile(r"/download/\d+/pdf"), keep)
    person.press(button)
    person.page.wait_for_url(re.compile(r"/download/\d+/pdf"))
    person.page.wait_for_load_state()
    person.page.unroute(re.compile(r"/download/\d+/pdf"))
    assert received, "no PDF reached the browser"
    return received[-1]


def _text(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def _checkout(person: Person, payment: str) -> None:
    """pretix's checkout as a guest: contact, the charter's questions, the payment method; ends on the confirm step."""
    page = person.page
    if page.locator("input[name=customer_mode][value=guest]").count():
        person.press(page.locator("input[name=customer_mode][value=guest]"))
        person.press(page.locator("form button.btn-primary[type=submit]").last)
        page.wait_for_selector("#id_email")
    give_contact(person, EMAIL)
    person.type(page.get_by_label(re.compile("Контактное лицо на борту|船上联系人")), "Ольга Иванова")
    phone = page.locator(".form-group", has_text=re.compile("Телефон контактного лица|联系人电话"))
    person.type(phone.locator("input[autocomplete$=tel-national]"), "921 555-12-34")
    person.shot("questions")
    person.press(page.locator("form button.btn-primary[type=submit]").last)
    person.press(page.locator(f"input[name=payment][value={payment}]"))
    person.press(page.locator("form button.btn-primary[type=submit]").last)
    page.wait_for_selector(".charter-summary")


class Charter:
    """The charter the customer books: four days ahead, 18:00–21:00 Moscow time, with a photographer."""

    def __init__(self, event):
        self.day = _charter_day()
        self.start = datetime.combine(self.day, time(18, 0), tzinfo=MSK)
        hourly = 7000 if self.day.weekday() < 5 else 9000  # testing.RATES: weekday evening, weekend
        self.amount = Decimal(3 * hourly + 9000)
        self.total = f"{3 * hourly + 9000:,}".replace(",", " ") + ",00 ₽"
        with override("ru"):
            self.long_date = date_format(self.start, "DATE_FORMAT")  # «11 декабря 2026 г.»
            self.weekday = date_format(self.start, "l").lower()  # «пятница», as inside a sentence
        self.short_date = f"{self.day:%d.%m.%Y}"
        self.wrong_date = f"{event.date_from.astimezone(MSK):%d.%m.%Y}"  # the rental event's own date in pretix


def _to_the_confirm_step(person: Person, organizer, charter: Charter, payment: str) -> None:
    """The form, the cart line, pretix's checkout; on the confirm step the charter's date, time and price."""
    page = person.page
    _book_on_the_form(person, organizer, charter.day, charter.total)
    cart_line = _text(page.inner_text(".charter-cart-period"))
    assert f"{charter.long_date} ({charter.weekday}), 18:00–21:00, Аврора" in cart_line, cart_line
    person.shot("cart")
    _checkout(person, payment)
    confirm = _text(page.inner_text("body"))
    assert charter.long_date in confirm and "18:00–21:00" in confirm and charter.total in confirm
    assert charter.long_date in _text(page.inner_text(".charter-cart-period"))
    assert charter.wrong_date not in confirm and "None" not in confirm
    person.shot("confirm")


def _letters_name_the_charter(charter: Charter) -> list:
    """Her mailbox: every letter about the order gives the charter's date and 18:00, none the event's own date."""
    letters = [m for m in mail.outbox if EMAIL in m.to]
    assert letters
    for letter in letters:
        body = _text(letter.body)
        assert (charter.short_date in body or charter.long_date in body) and "18:00" in body, (letter.subject, body)
        assert charter.wrong_date not in body and charter.wrong_date not in letter.subject, (letter.subject, body)
    return letters


def test_charter_booked_and_paid_on_a_desktop_shows_its_date_everywhere(live_server, settings, styled,
                                                                         journey_browser, emulator, configure_yookassa):
    organizer, event, offer, yacht = _charter_shop(live_server, settings)
    configure_yookassa(organizer, emulator)
    event.settings.payment_yookassa__enabled = True
    emulator.webhook_url(live_server.url + "/_yookassa/webhook/")
    charter = Charter(event)
    mail.outbox = []

    person = Person(journey_browser, "ru", "desktop", "charter-ru-desktop")
    person.base, person.lang = live_server.url, "ru"
    page = person.page
    _to_the_confirm_step(person, organizer, charter, "yookassa")
    person.press(page.locator("form button.btn-primary[type=submit]").last)
    page.wait_for_url(f"{emulator.base_url}/checkout/*")
    assert _text(page.inner_text(".amount")) == charter.total
    person.shot("yookassa")
    person.press(page.get_by_role("button", name="Оплатить · Pay"))
    page.wait_for_url(re.compile(r"/order/.+\?paid=yes"))
    page.wait_for_selector("#ticketing-tickets .ticketing-qr-card")
    order = Order.objects.get(email=EMAIL)
    assert order.status == Order.STATUS_PAID and order.total == charter.amount
    summary = _text(page.inner_text(".charter-summary"))
    assert f"{charter.long_date} ({charter.weekday}), 18:00–21:00" in summary, summary
    cards = page.locator(".ticketing-qr-card")
    assert cards.count() == 1, page.inner_text("#ticketing-tickets")  # the charter's; the photographer boards none
    card = _text(cards.first.inner_text())
    assert f"{charter.short_date} 18:00–21:00" in card and charter.wrong_date not in card, card
    assert PHOTOGRAPHER["ru"] not in page.inner_text("#ticketing-tickets")
    person.shot("order")

    reader = PdfReader(BytesIO(_open_pdf(person, cards.first.get_by_role("button", name="Билет в PDF"))))
    assert len(reader.pages) == 1  # the charter's ticket; the photographer gets none
    text = _text("\n".join(p.extract_text() for p in reader.pages))
    # where pretix's ticket layout prints the start (event_begin): the charter's booked range and the vessel
    assert f"{charter.short_date} 18:00–21:00, Аврора" in text and charter.wrong_date not in text, text
    assert "₽" in text and PHOTOGRAPHER["ru"] not in text, text
    person.close()

    booked = VesselOccupancy.objects.get(order_position__order=order)
    assert (booked.starts_at, booked.ends_at, booked.vessel) == (charter.start, charter.start + timedelta(hours=3),
                                                                 yacht)
    emulator.wait_webhooks()
    [letter] = _letters_name_the_charter(charter)  # paid at once: one letter, "payment received"
    assert order.code in letter.subject


def test_charter_booked_on_a_phone_and_paid_at_the_pier_shows_its_date(live_server, settings, styled,
                                                                        journey_browser):
    organizer, event, offer, yacht = _charter_shop(live_server, settings)
    charter = Charter(event)
    mail.outbox = []
    person = Person(journey_browser, "ru", "phone", "charter-ru-phone")
    person.base, person.lang = live_server.url, "ru"
    page = person.page
    _to_the_confirm_step(person, organizer, charter, "manual")
    person.press(page.locator("form button.btn-primary[type=submit]").last)
    page.wait_for_url(re.compile(r"/order/"))
    page.wait_for_selector(".charter-summary")
    summary = _text(page.inner_text(".charter-summary"))
    assert charter.long_date in summary and "18:00–21:00" in summary
    assert charter.wrong_date not in _text(page.inner_text("main, body"))
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    person.shot("order")
    person.close()
    order = Order.objects.get(email=EMAIL)
    assert order.status == Order.STATUS_PENDING and order.total == charter.amount
    _letters_name_the_charter(charter)
