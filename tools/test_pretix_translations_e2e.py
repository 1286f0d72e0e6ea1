"""In a real browser, pretix's shop speaks the customer's language down to its JavaScript: the cart expiry timer
(pretixpresale/js/ui/cart.js), prices in the locale's money format, and no English left on the cart.
Screenshots go to test-results/ (not in git), one per language. (English is pretix's own language; its
money format is pinned in test_locale_formats.py.)

The shop's pages load a static JavaScript catalogue, static/jsi18n/<lang>/djangojs.js (django-statici18n),
which ``compilejsi18n`` builds from the djangojs catalogues on the locale path: the Docker build's ``pretix
rebuild`` (PRETIX_LANGUAGES_PATH=/app/i18n) and ``make jsi18n`` write it into pretix's static directory. pretix's
wheel ships one compiled without i18n/, so this test compiles its own, the same way, and serves it first.
"""
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils.timezone import now

from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import CHROMIUM, CHROMIUM_ARGS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parent.parent / "test-results"
NBSP = "\xa0"

# Browser language -> what the cart must show: the JavaScript timer's text (with the non-breaking space only
# the djangojs message has), the price of two adult tickets, and English texts that must not be left.
CASES = {
    "ru-RU": ("зарезервированы для вас ещё на", f"3{NBSP}000,00{NBSP}₽",
              ["The items in your cart", "Your cart", "Proceed with checkout", "Empty cart"]),
    "zh-CN": (f"{NBSP}分钟。", "RUB3,000.00", ["The items in your cart", "Your cart", "Proceed with checkout"]),
}


@pytest.fixture
def js_catalogues(settings, tmp_path):
    """static/jsi18n/<lang>/djangojs.js compiled from the locale path (i18n/ first), served before pretix's."""
    for lang in ("ru", "zh-hans"):
        call_command("compilejsi18n", locale=lang, outputdir=str(tmp_path / "jsi18n"), verbosity=0)
    settings.STATICFILES_DIRS = [str(tmp_path), *settings.STATICFILES_DIRS]


@pytest.fixture
def chromium(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.parametrize("browser_locale", list(CASES))
def test_cart_in_the_customers_language(live_server, js_catalogues, chromium, browser_locale):
    timer_text, price, english = CASES[browser_locale]
    organizer = factories.make_organizer()
    event = factories.make_series(organizer)
    sailing = factories.make_sailing(event, factories.make_vessel(organizer), factories.make_pier(organizer),
                                     now() + timedelta(days=3))
    adult = event.items.filter(admission=True).order_by("pk").first()
    # Load the URL configuration here, where the tests' scopes are off: some plugin's urls.py builds forms
    # that query the database on import, which django-scopes refuses in the live server's thread.
    Client().get("/")

    page = chromium.new_context(locale=browser_locale, viewport={"width": 1200, "height": 900}).new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_server.url}/{organizer.slug}/{event.slug}/{sailing.subevent_id}/")
    page.fill(f"#item_{adult.pk}", "2")
    page.click("#btn-add-to-cart")
    deadline = page.locator("#cart-deadline")
    deadline.wait_for()
    # The server renders a first text; cart.js replaces it with the catalogue's once /jsi18n/ has loaded.
    page.wait_for_function("t => document.querySelector('#cart-deadline').textContent.includes(t)", arg=timer_text)

    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"i18n-cart-{browser_locale}.png"), full_page=True)
    cart = page.inner_text(".cart")
    assert price in cart
    body = page.inner_text("body")
    left = [text for text in english if text in body]
    assert not left, f"English left on the {browser_locale} cart page: {left}"
