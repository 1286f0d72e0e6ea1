"""pytest plugin loaded for every addon's tests (see ``addopts`` in pyproject.toml)."""
from datetime import timedelta

import pytest
from django.utils import translation
from django.utils.timezone import now
from django_scopes import scopes_disabled
from playwright.sync_api import expect

from . import factories


@pytest.fixture(autouse=True)
def _no_scopes():
    """Tests see every organizer's data; scoping is tested where it matters, explicitly."""
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True)
def _language_fresh():
    """A language a test (or pretix's middleware in the test client) left active does not leak into the next test."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _flags_fresh():
    """Feature flags switched in a test do not leak into the next one (ticketing_core.flags.store)."""
    from ticketing_core.flags import store

    yield
    store.reset_after_test()


@pytest.fixture
def organizer(db):
    return factories.make_organizer()


@pytest.fixture
def admin(organizer):
    return factories.make_admin(organizer)


@pytest.fixture
def pier(organizer):
    return factories.make_pier(organizer)


@pytest.fixture
def boat(organizer):
    return factories.make_vessel(organizer, "Нева-1", capacity=60)


@pytest.fixture
def series(organizer):
    return factories.make_series(organizer)


@pytest.fixture
def sailing(series, boat, pier):
    return factories.make_sailing(series, boat, pier, now() + timedelta(days=3))


def login(client, user, password: str = "admin-password-123"):  # noqa: S107 - the factories' test password
    """A back-office session for ``user`` (pretix wants a recent login time for sensitive pages)."""
    client.login(email=user.email, password=password)
    session = client.session
    session["pretix_auth_login_time"] = int(now().timestamp())
    session.save()
    return client


@pytest.fixture
def admin_client(client, admin):
    return login(client, admin)


CHROMIUM = "/usr/bin/chromium"  # Debian's package, installed by `make browser`; downloads are impossible here
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
# Playwright's assertions wait 5 s by default; the pages' own actions wait 20 s (set per page below). On the busy
# 2-core CI machine a request can take longer than 5 s, so assertions wait as long as actions do.
# Every test module's browser (these fixtures, the journeys, the seat picker's own) shares this setting.
expect.set_options(timeout=20000)


@pytest.fixture
def browser_page(monkeypatch):
    """A page in headless Chromium, Russian locale, for the end-to-end tests (mark them ``e2e``)."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the ORM calls in the test are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_context(locale="ru-RU", viewport={"width": 1200, "height": 900}).new_page()
        page.set_default_timeout(20000)
        yield page
        browser.close()


def checkout_as_guest(page, base_url: str, sailing, item, quantity: int, payment: str,
                      email: str = "anna@example.org", name: str = "Анна Смирнова") -> None:
    """pretix's checkout in the shop, as a guest, in Russian: from the date's page to "Создать заказ"."""
    event = sailing.event
    page.goto(f"{base_url}/{event.organizer.slug}/{event.slug}/{sailing.subevent_id}/")
    page.fill(f"#item_{item.pk}", str(quantity))
    page.click("#btn-add-to-cart")
    checkout_from_cart(page, payment, email, name)


def checkout_from_cart(page, payment: str, email: str = "anna@example.org", name: str = "Анна Смирнова") -> None:
    """From the cart (items added, Russian) through pretix's checkout as a guest to "Создать заказ"."""
    page.get_by_role("button", name="Приступить к оформлению заказа").click()
    page.wait_for_selector("#id_email, input[name=customer_mode][value=guest]")
    if page.locator("input[name=customer_mode][value=guest]").count():  # the account step, where accounts are on
        page.check("input[name=customer_mode][value=guest]")
        page.get_by_role("button", name="Продолжить").click()
        page.wait_for_selector("#id_email")
    page.fill("#id_email", email)
    consent = page.locator("#id_ticketing_privacy_consent")  # ticketing_website's 152-FZ consent, if active
    if consent.count():
        consent.check()
    for field in page.locator("input[name$=attendee_name_parts_0]:visible").all():
        field.fill(name)
    page.get_by_role("button", name="Продолжить").click()
    page.check(f"input[name=payment][value={payment}]")
    page.get_by_role("button", name="Продолжить").click()
    page.get_by_role("button", name="Создать заказ").wait_for()
    # the confirmation lists the contact data; the version of the 152-FZ policy (a hash) is no business of a buyer
    assert "Версия политики" not in page.inner_text("body")
    page.get_by_role("button", name="Создать заказ").click()


@pytest.fixture
def demo_instance(monkeypatch):
    """The test plays the demo instance: ``load_demo`` runs only where PRICHAL_DEMO=1 (`make run` sets it)."""
    monkeypatch.setenv("PRICHAL_DEMO", "1")
