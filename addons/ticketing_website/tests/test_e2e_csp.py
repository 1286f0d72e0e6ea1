"""
No storefront page breaks pretix's Content-Security-Policy: a visitor's browser logged "Refused to apply inline
style…" on every page (the theme's primary colour came as an inline ``<style>``). A real Chromium walks the
catalogue, the series page, a date page, the cart and every checkout step to the order, collecting its console.
"""
# ruff: noqa: F811 - pytest fixtures imported from shop_fixtures are used as arguments
import re

import pytest

from ticketing_core.testing.fixtures import checkout_from_cart

from .shop_fixtures import browser, catalogue, fleet, msk  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
CSP = re.compile(r"Content[ -]Security[ -]Policy", re.IGNORECASE)


def test_no_page_of_a_purchase_violates_the_content_security_policy(live_server, browser, organizer, catalogue):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    context.add_cookies([{"name": "pretix_language", "value": "ru", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(20000)
    messages: list[tuple[str, str]] = []
    policies: list[tuple[str, str | None]] = []  # every page the visitor opened, with its policy
    page.on("console", lambda m: messages.append((page.url, m.text)))
    page.on("pageerror", lambda e: messages.append((page.url, str(e))))
    page.on("response", lambda r: policies.append((r.url, r.headers.get("content-security-policy")))
            if r.request.resource_type == "document" else None)

    series = catalogue["evening"][0].event
    page.goto(f"{live_server.url}/{organizer.slug}/")  # the catalogue
    page.goto(f"{live_server.url}/{organizer.slug}/{series.slug}/")  # the series' page
    page.goto(f"{live_server.url}/{organizer.slug}/")
    page.locator(".tw-results .tw-buy a").first.click()  # a date's page, as a visitor reaches it
    page.wait_for_selector(".tw-event")
    adult = series.items.filter(admission=True).order_by("pk").first()
    page.fill(f"#item_{adult.pk}", "1")
    page.click("#btn-add-to-cart")  # the cart, then each checkout step (contact, payment, confirmation)
    checkout_from_cart(page, "manual")
    page.wait_for_url(re.compile(r"/order/"))
    page.wait_for_load_state("load")
    context.close()

    opened = {url.split("?")[0] for url, _ in policies}
    assert any("/checkout/confirm/" in u for u in opened) and any("/order/" in u for u in opened), opened
    # the pages were served under pretix's policy (else this test would prove nothing)
    for url, policy in policies:
        assert policy and "style-src" in policy and "'unsafe-inline'" not in policy, (url, policy)
    violations = [(url, text) for url, text in messages if CSP.search(text)]
    assert not violations, "\n".join(f"{url}: {text}" for url, text in violations)
