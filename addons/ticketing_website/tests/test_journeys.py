"""
Customer journeys as a person walks them (marker ``journey``, in ``make test``): from the shop's front page, only by
clicking or tapping visible buttons and links and typing into visible fields, reading what the page says in the
person's language, with no browser console errors.

- buying within 24 hours of departure: the date page and, before payment, the confirmation step say the
  ticket is non-refundable, and ordering needs the buyer's tick (Russian desktop, Chinese 390 px phone);
- a registered customer logs in and downloads her personal data (152-FZ) from the account menu;
- a purchase in English on a 390 px phone, paid at the pier, with no Cyrillic anywhere on the shop's pages.
"""
# ruff: noqa: F811 - the journey_browser fixture imported from ticketing_core.testing.journeys is an argument
import json
import re
from datetime import timedelta

import pytest
from django.utils.timezone import now
from django.utils.translation import override
from i18nfield.strings import LazyI18nString

from pretix.base.models import Customer, Order

from ticketing_core.models import Pier
from ticketing_core.policy.rules import NON_REFUNDABLE_CONFIRMATION, NON_REFUNDABLE_NOTICE
from ticketing_core.testing import factories
from ticketing_core.testing.journeys import CYRILLIC, Person, journey_browser, styled  # noqa: F401 - fixtures
from ticketing_website.public_name import SETTING as PUBLIC_NAME
from ticketing_website.testing import PASSWORD, adult, enable_accounts, give_contact

pytestmark = [pytest.mark.e2e, pytest.mark.journey, pytest.mark.django_db(transaction=True)]


def _shop(hours_to_departure: float):
    """One operator in three languages, one excursion with one date."""
    from django.urls import get_resolver

    assert get_resolver().url_patterns  # import every URL module here, where scopes are off
    organizer = factories.make_organizer()
    organizer.settings.set(PUBLIC_NAME, LazyI18nString(
        {"ru": "Нева Круиз", "en": "Neva Cruise", "zh-hans": "涅瓦游船"}))
    pier = factories.make_pier(organizer)
    Pier.objects.filter(pk=pier.pk).update(
        name=LazyI18nString({"ru": "Дворцовая пристань", "en": "Palace Pier", "zh-hans": "宫殿码头"}).data,
        address=LazyI18nString({"ru": "Дворцовая наб., 2", "en": "2 Palace Embankment",
                                "zh-hans": "宫殿堤岸2号"}).data)
    pier.refresh_from_db()
    vessel = factories.make_vessel(organizer, name={"ru": "Фонтанка", "en": "Fontanka", "zh-hans": "丰坦卡号"},
                                   reg="RV-0001")
    event = factories.make_series(organizer, with_addon=False)
    event.settings.payment_manual_public_name = LazyI18nString(
        {"ru": "Оплата на причале", "en": "Pay at the pier", "zh-hans": "码头付款"})
    child = event.items.exclude(pk=adult(event).pk).get()
    child.name = {"ru": "Детский", "en": "Child", "zh-hans": "儿童"}
    child.save()
    ticket = adult(event)
    ticket.name = {"ru": "Взрослый", "en": "Adult", "zh-hans": "成人"}
    ticket.save()
    sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(hours=hours_to_departure))
    return organizer, event, sailing


def _to_date_page(person: Person, base: str, organizer) -> None:
    """The shop's front page (the one address a person types), then the date's "buy" link."""
    person.page.goto(f"{base}/{organizer.slug}/")
    person.press(person.page.locator(".tw-results .tw-buy a"))
    person.page.wait_for_selector(".tw-event")


def _guest_checkout_to_confirm(person: Person, item, email: str, name: str) -> None:
    """From the date page: one ticket into the cart, pretix's checkout as a guest up to the confirmation step."""
    page = person.page
    person.type(page.locator(f"#item_{item.pk}"), "1")
    person.press(page.locator("#btn-add-to-cart"))
    person.press(page.locator("form.checkout-button-primary button[type=submit]"))
    page.wait_for_selector("#id_email")
    give_contact(person, email)
    for field in page.locator("input[name$=attendee_name_parts_0]:visible").all():
        person.type(field, name)
    person.press(page.locator("form button.btn-primary[type=submit]").last)
    person.press(page.locator("input[name=payment][value=manual]"))
    person.press(page.locator("form button.btn-primary[type=submit]").last)
    page.wait_for_selector(".tw-confirm")


@pytest.mark.parametrize("lang,device", [("ru", "desktop"), ("zh-hans", "phone")])
def test_buying_within_24_hours_says_non_refundable_before_payment_and_needs_the_tick(live_server, styled,
                                                                                    journey_browser,
                                                                                    lang, device):
    organizer, event, sailing = _shop(hours_to_departure=6)
    with override(lang):
        notice, accept = str(NON_REFUNDABLE_NOTICE), str(NON_REFUNDABLE_CONFIRMATION)
    person = Person(journey_browser, lang, device, f"late-{lang}-{device}")
    page = person.page
    email = f"late-{device}@example.org"
    _to_date_page(person, live_server.url, organizer)
    assert page.locator("html").get_attribute("lang").lower().startswith(lang[:2])
    assert notice in page.inner_text(".tw-event")
    person.shot("date-page")
    _guest_checkout_to_confirm(person, adult(event), email, "Анна Смирнова")
    warning = page.locator(".tw-nonrefundable")
    assert warning.is_visible() and notice in warning.inner_text()
    assert accept in page.inner_text("body") and not page.locator(".tw-refund").count()
    person.shot("confirm-warning")
    person.press(page.locator("form button.btn-primary[type=submit]").last)  # not ticked: refused
    page.wait_for_load_state("networkidle")  # the browser holds the page, or the server sends it back
    page.wait_for_selector("#input_ticketing_nonrefundable")
    assert "/checkout/confirm" in page.url and not Order.objects.filter(email=email).exists()
    person.press(page.locator("#input_ticketing_nonrefundable"))
    person.press(page.locator("form button.btn-primary[type=submit]").last)
    page.wait_for_url(re.compile(r"/order/"))
    person.shot("order")
    order = Order.objects.get(email=email)
    assert order.meta_info_data.get("ticketing_non_refundable_accepted") is True
    person.close()


def test_registered_customer_downloads_her_personal_data_from_the_account(live_server, styled, journey_browser,
                                                                         settings):
    settings.SITE_URL = live_server.url  # pretix links the login and account absolutely, as in production
    organizer, event, sailing = _shop(hours_to_departure=72)
    enable_accounts(organizer, event)
    customer = Customer.objects.create(organizer=organizer, email="anna@example.org", is_active=True,
                                       is_verified=True, name_parts={"_legacy": "Анна Смирнова"}, locale="ru")
    customer.set_password(PASSWORD)
    customer.save()
    order = factories.make_order(event, sailing.subevent, [adult(event)], email=customer.email)
    Order.objects.filter(pk=order.pk).update(customer=customer)
    person = Person(journey_browser, "ru", "desktop", "export-ru-desktop")
    page = person.page
    page.goto(f"{live_server.url}/{organizer.slug}/")
    person.press(page.locator("nav.loginstatus").get_by_role("button", name="Войти"))
    person.type(page.locator("#id_email"), customer.email)
    person.type(page.locator("#id_password"), PASSWORD)
    person.press(page.locator("form button[type=submit].btn-primary"))
    person.press(page.locator("nav.loginstatus a").first)  # her name or e-mail: the account
    page.wait_for_url(re.compile(rf"/{organizer.slug}/account/$"))
    person.shot("account")
    person.press(page.get_by_role("link", name="Персональные данные"))
    page.wait_for_selector("#ticketing-export")
    assert "Скачать мои данные" in page.inner_text("#ticketing-export")
    person.shot("privacy")
    with page.expect_download() as download_info:
        person.press(page.get_by_role("link", name="Скачать мои данные"))
    download = download_info.value
    assert re.fullmatch(r"personal-data-.+-\d{4}-\d{2}-\d{2}\.json", download.suggested_filename)
    with open(download.path(), encoding="utf-8") as f:
        data = json.load(f)
    text = json.dumps(data, ensure_ascii=False)
    assert customer.email in text and order.code in text
    person.close()


def test_purchase_in_english_on_a_phone_shows_no_cyrillic(live_server, styled, journey_browser):
    organizer, event, sailing = _shop(hours_to_departure=72)
    person = Person(journey_browser, "en", "phone", "buy-en-phone")
    page = person.page

    def english_only(step: str) -> None:
        # every word of the page but the language switcher's names ("Русский" links to the Russian shop)
        text = page.evaluate("""() => { const body = document.body.cloneNode(true);
            body.querySelectorAll('[lang]:not([lang^=en])').forEach(e => e.remove());
            document.documentElement.appendChild(body); body.style.display = 'block';
            const text = body.innerText; body.remove(); return text; }""")
        found = sorted({line.strip() for line in text.splitlines() if CYRILLIC.search(line)})
        assert not found, (step, found)
        person.shot(step)

    _to_date_page(person, live_server.url, organizer)
    assert page.locator("html").get_attribute("lang").lower().startswith("en")
    english_only("date-page")
    _guest_checkout_to_confirm(person, adult(event), "anna@example.org", "Anna Smirnova")
    english_only("confirm")
    assert "Pay at the pier" in page.inner_text("body") and "Adult" in page.inner_text("body")
    person.press(page.locator("form button.btn-primary[type=submit]").last)
    page.wait_for_url(re.compile(r"/order/"))
    english_only("order")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    order = Order.objects.get(email="anna@example.org")
    assert order.locale == "en" and order.positions.count() == 1
    person.close()
