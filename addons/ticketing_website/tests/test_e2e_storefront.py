"""
A visitor finds an excursion by filter, buys general admission tickets with a promo code and sees each line,
the service fee, the tax statement and the refund deadline before ordering; in ru, en and zh-hans, on a
desktop and on a 390 px phone. Screenshots go to var/screenshots/storefront/ (git-ignored), to be looked at.
"""
# ruff: noqa: F811 - pytest fixtures imported from shop_fixtures are used as arguments
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from pretix.base.models import Order, Voucher

from ticketing_website.catalogue.pricing import SERVICE_FEE_KEY

from .shop_fixtures import browser, catalogue, fleet, msk  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("PRICHAL_SCREENSHOTS", Path(__file__).resolve().parents[3] / "var" / "screenshots")) \
    / "storefront"
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
EXPECT = {  # what the visitor must read in each language
    "ru": {"fee": "Плата за обслуживание", "tax": "НДС не облагается", "promo": "Промокод NEVA10", "refund": "24 часа"},
    "en": {"fee": "Service fee", "tax": "VAT exempt", "promo": "Promo code NEVA10", "refund": "24 hours"},
    "zh-hans": {"fee": "服务费", "tax": "免征增值税", "promo": "优惠码 NEVA10", "refund": "24小时"},
}


def fits(page, device: str) -> None:
    """Nothing wider than the screen: no sideways scrolling on a phone."""
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[device]["width"]


@pytest.fixture
def styled(settings):
    """pretix's stylesheets compiled as in production (the test settings skip SCSS), so screenshots show the shop."""
    settings.COMPRESS_ENABLED = True
    settings.COMPRESS_PRECOMPILERS = settings.COMPRESS_PRECOMPILERS_ORIGINAL
    settings.COMPRESS_CACHE_BACKEND = "default"


def _guest_details_to_confirm(page, email: str) -> None:
    """pretix's guest steps in any language (buttons found by their place, not their words): the e-mail, the
    152-FZ consent, each passenger's name, payment at the pier, up to the confirmation step."""
    page.wait_for_selector("#id_email")
    page.fill("#id_email", email)
    repeat = page.locator("#id_email_repeat")
    if repeat.count():
        repeat.fill(email)
    consent = page.locator("#id_ticketing_privacy_consent")
    if consent.count():
        consent.check()
    for field in page.locator("input[name$=attendee_name_parts_0]:visible").all():
        field.fill("Anna Smirnova")
    page.locator("form button.btn-primary[type=submit]").last.click()
    page.check("input[name=payment][value=manual]")
    page.locator("form button.btn-primary[type=submit]").last.click()


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("lang", ["ru", "en", "zh-hans"])
def test_find_by_filter_and_buy_with_a_promo_code(live_server, styled, browser, organizer, catalogue, fleet, lang,
                                                  device):
    organizer.settings.set(SERVICE_FEE_KEY, "50.00")
    series = catalogue["evening"][0].event
    Voucher.objects.create(event=series, code="NEVA10", price_mode="percent", value=Decimal("10.00"), max_usages=100)
    adult = series.items.filter(admission=True).order_by("pk").first()  # "Взрослый", 1500 ₽
    shots = SHOTS / f"{lang}-{device}"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS[device], locale={"ru": "ru-RU", "en": "en-GB",
                                                                      "zh-hans": "zh-CN"}[lang])
    context.add_cookies([{"name": "pretix_language", "value": lang, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20000)
    words = EXPECT[lang]

    # 1. the catalogue: filter by kind, pier and time of day (a GET form: the filters land in the URL)
    page.goto(f"{live_server.url}/{organizer.slug}/")
    toggle = page.locator("summary.tw-filter-summary")
    if device == "phone":
        # folded behind "Filters": the first departure is on the first screen, not 1.5 screens down
        assert not page.is_visible("#id_kind") and toggle.is_visible()
        assert page.locator(".tw-results > li").first.bounding_box()["y"] < VIEWPORTS["phone"]["height"]
        page.screenshot(path=str(shots / "0-catalogue-folded.png"))
        toggle.click()
    else:
        assert page.is_visible("#id_kind") and not toggle.is_visible()
    page.select_option("#id_kind", "excursion")
    page.select_option("#id_pier", str(fleet["palace"].pk))
    page.select_option("#id_time", "evening")
    # keyboard only: from the search field, Tab reaches the "find" button, Enter submits
    page.focus("#id_q")
    for _ in range(30):  # date fields take three stops each (day, month, year)
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.tw-filter-actions button[type=submit]')"):
            break
    else:
        pytest.fail("the find button cannot be reached with the keyboard")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"kind=excursion"))
    assert "time=evening" in page.url and f"pier={fleet['palace'].pk}" in page.url
    assert page.locator(".tw-results > li").count() == 2
    page.screenshot(path=str(shots / "1-catalogue.png"), full_page=True)
    fits(page, device)
    page.go_back()
    page.wait_for_url(re.compile(rf"/{organizer.slug}/$"))
    page.go_forward()
    page.wait_for_url(re.compile(r"kind=excursion"))
    page.locator(".tw-views a").nth(1).click()  # the same filters as a calendar
    page.wait_for_url(re.compile(r"view=calendar"))
    assert "kind=excursion" in page.url and page.locator(".tw-calendar td.tw-has").count() >= 1
    page.screenshot(path=str(shots / "1b-calendar.png"), full_page=True)
    fits(page, device)
    page.go_back()
    page.wait_for_url(re.compile(r"kind=excursion"))

    # 2. the date's page: facts, price from with its tax; then the promo code
    page.locator(".tw-results .tw-buy a").first.click()
    page.wait_for_selector(".tw-event")
    assert words["tax"] in page.inner_text(".tw-event")
    page.screenshot(path=str(shots / "2-event.png"), full_page=True)
    fits(page, device)
    page.fill("#voucher", "NEVA10")
    page.locator("#voucher").press("Enter")
    page.wait_for_selector(f"#item_{adult.pk}")
    page.fill(f"#item_{adult.pk}", "2")
    page.click("#btn-add-to-cart")

    # 3. checkout as a guest
    page.locator("form.checkout-button-primary button[type=submit]").click()
    _guest_details_to_confirm(page, "anna@example.org")

    # 4. before ordering: each line, the promo code, the service fee, the tax statement and the refund deadline
    page.wait_for_selector(".tw-confirm")
    summary = page.inner_text(".tw-confirm")
    for key in ("fee", "tax", "promo", "refund"):
        assert words[key] in summary, (key, summary)
    assert re.search(r"2\s*×", summary) and "UTC+03" in summary
    page.screenshot(path=str(shots / "3-confirm.png"), full_page=True)
    fits(page, device)
    page.locator("form button.btn-primary[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/order/"))
    page.screenshot(path=str(shots / "4-order.png"), full_page=True)

    order = Order.objects.get(email="anna@example.org")
    assert order.positions.count() == 2
    assert order.total == Decimal("2800.00")  # 2 × (1500 − 10 %) + 2 × 50 service fee
    assert [(f.fee_type, f.value) for f in order.fees.all()] == [("service", Decimal("100.00"))]
    context.close()


def test_buying_within_24_hours_warns_and_asks_to_accept_a_non_refundable_ticket(live_server, styled, browser,
                                                                                organizer, catalogue, fleet):
    """Desktop, Russian: the date page and the confirmation step say "non-refundable"; ordering needs the tick."""
    from datetime import timedelta

    from django.utils.timezone import now

    from ticketing_core.testing import factories

    first = catalogue["evening"][0]
    soon = factories.make_sailing(first.event, first.vessel, first.departure_pier, now() + timedelta(hours=6))
    adult = first.event.items.filter(admission=True).order_by("pk").first()
    shots = SHOTS / "ru-desktop-late"
    shots.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=VIEWPORTS["desktop"], locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/{organizer.slug}/{first.event.slug}/{soon.subevent_id}/")
    assert "Билет невозвратный: до отправления меньше 24 часов" in page.inner_text(".tw-event")
    page.fill(f"#item_{adult.pk}", "1")
    page.click("#btn-add-to-cart")
    page.locator("form.checkout-button-primary button[type=submit]").click()
    _guest_details_to_confirm(page, "late@example.org")
    page.wait_for_selector(".tw-nonrefundable")
    warning = page.inner_text(".tw-nonrefundable")
    assert "Билет невозвратный" in warning and "возврат до" not in page.inner_text(".tw-confirm")
    page.screenshot(path=str(shots / "confirm-non-refundable.png"), full_page=True)
    page.locator("form button.btn-primary[type=submit]").last.click()  # not ticked: the browser keeps the page
    assert not Order.objects.filter(email="late@example.org").exists()
    page.check("#input_ticketing_nonrefundable")
    page.locator("form button.btn-primary[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/order/"))
    order = Order.objects.get(email="late@example.org")
    assert order.meta_info_data.get("ticketing_non_refundable_accepted") is True
