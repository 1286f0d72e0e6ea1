"""
In a browser, in Russian, English and Chinese, on a desktop and on a 390 px phone: a customer registers (with the
152-FZ consent), confirms the e-mail, chooses a password, finds the order in the account with its QR codes, refunds
it before the deadline, and sees no refund button (but the reason) on an order whose deadline has passed.
Screenshots go to $PRICHAL_SHOTS (default /tmp/prichal-shots/accounts), never into git.
"""
# ruff: noqa: F811 - the browser fixture imported from shop_fixtures is used as an argument
import os
import re
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils.timezone import now

from pretix.base.models import Customer, Order

from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import checkout_as_guest
from ticketing_website.privacy.models import Consent
from ticketing_website.testing import adult, enable_accounts, numbered

from .shop_fixtures import browser  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("PRICHAL_SHOTS") or Path(tempfile.gettempdir()) / "prichal-shots" / "accounts")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# what the customer reads on each step, per language
WORDS = {
    "ru": {"create": "Создать аккаунт", "boarding": "Ваши билеты для посадки", "confirm_cancel": "Отменить",
           "closed": "не подлежат возврату", "locale": "ru-RU"},
    "en": {"create": "Create account", "boarding": "Your tickets for boarding", "confirm_cancel": "Cancel",
           "closed": "non-refundable", "locale": "en-GB"},
    "zh-hans": {"create": "创建账户", "boarding": "您的登船票", "confirm_cancel": "取消",
                "closed": "不可退", "locale": "zh-CN"},
}


def _page(browser, lang: str, viewport: dict):
    context = browser.new_context(locale=WORDS[lang]["locale"], viewport=viewport,
                                  extra_http_headers={"Accept-Language": lang})
    page = context.new_page()
    page.set_default_timeout(20000)
    return page


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _world():
    organizer = factories.make_organizer()
    pier = factories.make_pier(organizer)
    vessel = factories.make_vessel(organizer, capacity=40)
    event = factories.make_series(organizer)
    enable_accounts(organizer, event)
    later = factories.make_sailing(event, vessel, pier, now() + timedelta(days=3))
    soon = factories.make_sailing(event, vessel, pier, now() + timedelta(hours=20))  # deadline passed 4 h ago
    return organizer, event, later, soon


def _register(page, base: str, organizer, email: str, lang: str, tag: str) -> Customer:
    page.goto(f"{base}/{organizer.slug}/account/register")
    page.fill("#id_name_parts_0", "Анна Смирнова")
    page.fill("#id_email", email)
    page.fill("#id_phone", "8 916 123-45-67")
    label = page.inner_text("label[for=id_response]")
    a, b = map(int, re.findall(r"\d+", label)[:2])
    page.fill("#id_response", str(a + b))
    page.check("#id_ticketing_privacy_consent")
    _shot(page, f"{tag}-1-register")
    page.get_by_role("button", name=WORDS[lang]["create"]).click()
    page.wait_for_url(re.compile(r".*/account/login.*"))
    customer = Customer.objects.get(email=email)
    assert Consent.objects.filter(customer=customer, purpose=Consent.REGISTRATION).exists()
    # the e-mail confirmation: pretix's activation link, where the password is chosen
    link = next(m for m in reversed(mail.outbox) if email in m.to).body
    path = re.search(r"/[^\s/]+/account/activate\?\S+", link).group(0)
    page.goto(base + path)
    page.fill("#id_password", "Nevsky-Prospekt-28")
    page.fill("#id_password_repeat", "Nevsky-Prospekt-28")
    page.locator("form button[type=submit].btn-primary").click()
    page.wait_for_url(re.compile(r".*/account/login.*"))
    page.fill("#id_email", email)
    page.fill("#id_password", "Nevsky-Prospekt-28")
    page.locator("form button[type=submit].btn-primary").click()
    page.wait_for_url(re.compile(rf".*/{organizer.slug}/account/$"))
    customer.refresh_from_db()
    assert customer.is_verified and str(customer.phone) == "+79161234567"
    return customer


@pytest.mark.parametrize("lang", ["ru", "en", "zh-hans"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_register_see_the_qr_code_refund_and_no_refund_after_the_deadline(live_server, browser, lang, device):
    organizer, event, later, soon = _world()
    page = _page(browser, lang, DESKTOP if device == "desktop" else PHONE)
    tag = f"{lang}-{device}"
    email = f"anna-{lang}-{device}@example.org"
    customer = _register(page, live_server.url, organizer, email, lang, tag)

    order = numbered(factories.make_order(event, later.subevent, [adult(event), adult(event)], email=email))
    late = factories.make_order(event, soon.subevent, [adult(event)], email=email)
    Order.objects.filter(pk__in=[order.pk, late.pk]).update(customer=customer)

    # the order in the account's history, its page with one QR code per ticket, shown large
    page.goto(f"{live_server.url}/{organizer.slug}/account/")
    _shot(page, f"{tag}-2-account")
    href = page.locator(f"a:has-text('{order.code}')").first.get_attribute("href")
    assert href.endswith(f"/{organizer.slug}/{event.slug}/order/{order.code}/{order.secret}/")
    page.goto(live_server.url + href[href.index(f"/{organizer.slug}/"):])  # pretix links it absolute, new tab
    page.wait_for_selector("#ticketing-tickets")
    assert WORDS[lang]["boarding"] in page.inner_text("#ticketing-tickets")
    qr_codes = page.locator(".ticketing-qr-svg")
    assert qr_codes.count() == 2
    box = qr_codes.first.bounding_box()
    assert box["width"] >= (250 if device == "desktop" else 300), box
    assert page.locator(".ticketing-qr-card").first.get_attribute("data-secret") == order.positions.get(
        positionid=1).secret
    _shot(page, f"{tag}-3-order")
    # one way to each PDF: the card's button; pretix's download block and per-line buttons are not shown
    assert page.locator("form.download-btn-form button:visible").count() == 2
    page.locator(".ticketing-qr-actions a").first.click()
    page.wait_for_selector(".ticketing-qr-large")
    assert page.locator(".ticketing-qr-large svg").bounding_box()["width"] >= min(PHONE["width"], 390) - 40
    _shot(page, f"{tag}-4-boarding")
    page.go_back()

    # refund before the deadline: one deadline statement, one visible way to cancel, pretix's confirmation
    assert page.locator('a[href$="/cancel"]:visible').count() == 1
    page.click("#ticketing-refund-button")
    page.wait_for_url(re.compile(r".*/cancel$"))
    _shot(page, f"{tag}-5-cancel-confirm")
    page.locator("form button[type=submit].btn-danger").click()
    page.wait_for_url(re.compile(rf".*/order/{order.code}/{order.secret}/(\?.*)?$"))
    order.refresh_from_db()
    assert order.status == Order.STATUS_CANCELED
    _shot(page, f"{tag}-6-cancelled")

    # after the deadline: the QR code still boards, no refund button, the reason instead
    page.goto(f"{live_server.url}/{organizer.slug}/{event.slug}/order/{late.code}/{late.secret}/")
    page.wait_for_selector("#ticketing-refund-policy")
    assert page.locator("#ticketing-refund-button").count() == 0
    assert page.locator('a[href$="/cancel"]:visible').count() == 0
    assert WORDS[lang]["closed"] in page.inner_text("#ticketing-refund-policy")
    assert page.locator(".ticketing-qr-svg").count() == 1
    _shot(page, f"{tag}-7-after-deadline")
    late.refresh_from_db()
    assert late.status == Order.STATUS_PAID


def test_guest_checkout_records_the_consent_and_the_email_link_shows_the_tickets(live_server, browser_page):
    organizer, event, later, _soon = _world()
    page = browser_page
    checkout_as_guest(page, live_server.url, later, adult(event), 1, "manual")
    page.wait_for_selector("#ticketing-tickets")  # the order page, once pretix has placed the order
    assert "как только заказ будет оплачен" in page.inner_text("#ticketing-tickets")
    order = Order.objects.get(email="anna@example.org")
    consent = Consent.objects.get(order=order)
    assert consent.purpose == Consent.CHECKOUT and consent.customer is None
    # the version the buyer was shown is recorded although the confirmation page no longer lists it
    from ticketing_website.privacy.policy import current_version

    assert consent.policy == current_version(organizer)
    order.payments.get().confirm()
    page.goto(f"{live_server.url}/{organizer.slug}/{event.slug}/order/{order.code}/{order.secret}/")
    page.wait_for_selector(".ticketing-qr-svg")
    assert page.locator("#ticketing-refund-button").count() == 1
    _shot(page, "ru-guest-order")
