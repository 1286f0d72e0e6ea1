"""
No storefront page breaks pretix's Content-Security-Policy: a visitor's browser logged "Refused to apply inline
style…" on every page (the theme's primary colour came as an inline ``<style>``). A real Chromium walks the
catalogue, the series page, a date page, the cart and every checkout step to the order, collecting its console.
"""
# ruff: noqa: F811 - pytest fixtures imported from shop_fixtures are used as arguments
import re

import pytest

from ticketing_core.testing.fixtures import CHROMIUM, CHROMIUM_ARGS

from .shop_fixtures import catalogue, fleet, msk  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CSP = re.compile(r"Content[ -]Security[ -]Policy", re.IGNORECASE)


@pytest.fixture
def browser(monkeypatch):
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.mark.parametrize("lang", ["ru", "zh-hans"])
def test_no_page_of_a_purchase_violates_the_content_security_policy(live_server, browser, organizer, catalogue,
                                                                    lang):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "pretix_language", "value": lang, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20000)
    messages: list[tuple[str, str]] = []
    headers: dict[str, str] = {}
    page.on("console", lambda m: messages.append((page.url, m.text)))
    page.on("pageerror", lambda e: messages.append((page.url, str(e))))

    def visited(what: str):
        response_policy = headers.get(page.url.split("?")[0])
        return what, response_policy

    page.on("response", lambda r: headers.__setitem__(r.url.split("?")[0], r.headers.get("content-security-policy"))
            if r.request.resource_type == "document" else None)
    pages = []

    page.goto(f"{live_server.url}/{organizer.slug}/")  # the catalogue
    pages.append(visited("catalogue"))
    series = catalogue["evening"][0].event
    page.goto(f"{live_server.url}/{organizer.slug}/{series.slug}/")  # the series' page
    pages.append(visited("event"))
    page.goto(f"{live_server.url}/{organizer.slug}/")
    page.locator(".tw-results .tw-buy a").first.click()  # a date's page, as a visitor reaches it
    page.wait_for_selector(".tw-event")
    pages.append(visited("date"))
    adult = series.items.filter(admission=True).order_by("pk").first()
    page.fill(f"#item_{adult.pk}", "1")
    page.click("#btn-add-to-cart")
    page.wait_for_selector("form.checkout-button-primary button[type=submit]")
    pages.append(visited("cart"))
    page.locator("form.checkout-button-primary button[type=submit]").click()
    page.wait_for_selector("#id_email")
    pages.append(visited("checkout: contact"))
    page.fill("#id_email", "anna@example.org")
    repeat = page.locator("#id_email_repeat")
    if repeat.count():
        repeat.fill("anna@example.org")
    consent = page.locator("#id_ticketing_privacy_consent")
    if consent.count():
        consent.check()
    for field in page.locator("input[name$=attendee_name_parts_0]:visible").all():
        field.fill("Anna Smirnova")
    page.locator("form button.btn-primary[type=submit]").last.click()
    page.wait_for_selector("input[name=payment][value=manual]")
    pages.append(visited("checkout: payment"))
    page.check("input[name=payment][value=manual]")
    page.locator("form button.btn-primary[type=submit]").last.click()
    page.wait_for_selector(".tw-confirm")
    pages.append(visited("checkout: confirm"))
    page.locator("form button.btn-primary[type=submit]").last.click()
    page.wait_for_url(re.compile(r"/order/"))
    page.wait_for_load_state("load")
    pages.append(visited("order"))
    context.close()

    # the pages were served under pretix's policy (else this test would prove nothing)
    for what, policy in pages:
        assert policy and "style-src" in policy and "'unsafe-inline'" not in policy, (what, policy)
    violations = [(url, text) for url, text in messages if CSP.search(text)]
    assert not violations, "\n".join(f"{url}: {text}" for url, text in violations)
