"""
A customer buys a ticket in a real browser and pays on the YooKassa emulator's page. The emulator sends the
browser back to the shop (the return view) and posts its webhook to the same live server; whichever of the
two comes first, the customer lands on the order page and sees the order paid.

Screenshots of every run are left in /tmp/e2e-yookassa-*.png.
"""
import re
import threading
import time
from datetime import timedelta

import pytest
from django.utils.timezone import now
from django_scopes import scopes_disabled

from pretix.base.models import Order, OrderPayment

from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import checkout_as_guest

from .conftest import configure

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOT = "/tmp/e2e-yookassa-{}.png"  # noqa: S108 - only looked at by people
PAID, PENDING = "Оплачено", "Ожидается платёж"  # pretix's order states on the order page
THANKS = "Мы получили вашу оплату"  # pretix's "We successfully received your payment" (only with ?paid=yes), in i18n/
DECLINED = re.compile(r"declined|отклон", re.IGNORECASE)


@pytest.fixture(scope="session")
def _compress_root(tmp_path_factory):
    return str(tmp_path_factory.mktemp("compress"))


@pytest.fixture
def page(browser_page):
    browser_page.set_default_timeout(15000)
    return browser_page


@pytest.fixture
def shop(live_server, settings, emulator, _compress_root):
    """A sailing on sale with YooKassa (the emulator); its redirect and its webhook both lead to the live server."""
    settings.SITE_URL = live_server.url  # the return_url sent to YooKassa is built from it
    # pretix's test settings skip compiling its SCSS; compiled (once, ~1 s) the screenshots show the real shop
    settings.COMPRESS_PRECOMPILERS = settings.COMPRESS_PRECOMPILERS_ORIGINAL
    settings.COMPRESS_ROOT = _compress_root
    organizer = factories.make_organizer()
    event = factories.make_series(organizer)
    sailing = factories.make_sailing(event, factories.make_vessel(organizer, capacity=12),
                                     factories.make_pier(organizer), now() + timedelta(days=3))
    configure(organizer, emulator)
    event.settings.payment_yookassa__enabled = True
    emulator.webhook_url(live_server.url + "/_yookassa/webhook/")
    yield event, sailing
    emulator.wait_webhooks()  # no webhook may still be writing when the database is flushed


def buy_one_adult_ticket(page, live_server, emulator, event, sailing) -> tuple[Order, str]:
    """pretix's checkout with YooKassa chosen; ends on the emulator's page. Returns the order and YooKassa's id."""
    adult = event.items.filter(admission=True).order_by("pk").first()
    checkout_as_guest(page, live_server.url, sailing, adult, 1, "yookassa")
    yk_id = wait_for_emulator_page(page, emulator)
    return Order.objects.get(email="anna@example.org"), yk_id


def wait_for_emulator_page(page, emulator) -> str:
    """The emulator's payment page is shown; returns the YooKassa payment id."""
    page.wait_for_url(f"{emulator.base_url}/checkout/*")
    page.get_by_role("button", name="Оплатить · Pay").wait_for()
    return page.url.rsplit("/", 1)[1]


def wait_for_order_page(page, live_server, order: Order) -> None:
    event = order.event
    page.wait_for_url(re.compile(re.escape(
        f"{live_server.url}/{event.organizer.slug}/{event.slug}/order/{order.code}/{order.secret}/")))
    page.wait_for_load_state()


def order_state_on_page(page) -> str:
    return page.inner_text(".order-details dd").strip()


def succeeded_webhooks(emulator, payment_id: str) -> list[dict]:
    return [w for w in emulator.webhook_log() if w["object_id"] == payment_id and w["event"] == "payment.succeeded"]


def hold_return(page, emulator, until) -> None:
    """
    The browser's return from YooKassa reaches the shop only once ``until()`` has returned. (Playwright does not
    route a redirect's target, so the emulator's answer to the payment form, a 303 to return_url, is held back.)
    """
    def handler(route):
        if route.request.method != "POST":
            return route.continue_()
        answer = route.fetch(max_redirects=0)  # the emulator takes the payment and queues its webhook
        until()
        route.fulfill(response=answer)
    page.route(f"{emulator.base_url}/checkout/*", handler)


@pytest.mark.parametrize("arrival", ["webhook-first", "return-first", "webhook-during-return"])
def test_customer_pays_on_yookassa_page_and_returns_to_a_paid_order(live_server, shop, emulator, page, arrival,
                                                                   monkeypatch):
    event, sailing = shop
    state_at_return = []  # the pretix payment's state when the browser was let back to the shop

    def payment_state() -> None:
        with scopes_disabled():  # Playwright runs route handlers in their own greenlet: the test's scope is not on
            state_at_return.append(OrderPayment.objects.get(provider="yookassa").state)

    if arrival == "webhook-first":  # the customer's browser is slow: the webhook has settled everything
        hold_return(page, emulator, lambda: (emulator.wait_webhooks(), payment_state()))
    elif arrival == "return-first":  # the webhook is late: the return alone must confirm the payment
        emulator.fault(kind="delay_webhook", delay=3, event="payment.succeeded")
    else:  # the customer returns while the webhook is confirming the payment, before it has committed
        confirming = threading.Event()
        confirm = OrderPayment.confirm

        def slow_confirm(self, *args, **kwargs):
            confirming.set()
            time.sleep(1)
            return confirm(self, *args, **kwargs)

        monkeypatch.setattr(OrderPayment, "confirm", slow_confirm)
        hold_return(page, emulator, lambda: (confirming.wait(10), payment_state()))

    order, yk_id = buy_one_adult_ticket(page, live_server, emulator, event, sailing)
    [created] = emulator.payments()
    assert (created["id"], created["status"], created["amount"]) == (
        yk_id, "pending", {"value": "1500.00", "currency": "RUB"})
    assert created["metadata"]["order"] == order.code
    assert page.inner_text(".amount") == "1\u202f500,00\u00a0₽"
    assert order.code in page.locator(".muted").first.inner_text()  # the payment's description
    page.screenshot(path=SCREENSHOT.format(f"checkout-{arrival}"), full_page=True)

    page.select_option("#method", "bank_card")
    page.get_by_role("button", name="Оплатить · Pay").click()
    wait_for_order_page(page, live_server, order)
    page.screenshot(path=SCREENSHOT.format(f"paid-{arrival}"), full_page=True)  # before any assert: also on failure
    assert state_at_return == {"webhook-first": [OrderPayment.PAYMENT_STATE_CONFIRMED], "return-first": [],
                               "webhook-during-return": [OrderPayment.PAYMENT_STATE_PENDING]}[arrival]
    if arrival == "return-first":
        assert [w["state"] for w in succeeded_webhooks(emulator, yk_id)] == ["queued"]
    # the return view itself knew the payment confirmed: pretix's "thank you, payment received"
    assert page.url.endswith("?paid=yes"), "the customer is told the payment is still being confirmed"
    assert THANKS in page.inner_text(".thank-you")
    assert order_state_on_page(page) == PAID

    emulator.wait_webhooks()  # a webhook after the return (a second sync) must change nothing
    [webhook] = succeeded_webhooks(emulator, yk_id)
    assert webhook["state"] == "delivered" and [a.get("status") for a in webhook["attempts"]] == [200]
    order.refresh_from_db()
    assert order.status == Order.STATUS_PAID
    [payment] = order.payments.all()
    assert (payment.provider, payment.state) == ("yookassa", OrderPayment.PAYMENT_STATE_CONFIRMED)
    assert payment.info_data["id"] == yk_id and payment.info_data["payment_method"]["card_last4"] == "4477"
    assert not order.refunds.exists()
    [at_yookassa] = emulator.payments()
    assert (at_yookassa["id"], at_yookassa["status"]) == (yk_id, "succeeded")


def test_declined_payment_keeps_the_order_pending_and_can_be_retried(live_server, shop, emulator, page):
    event, sailing = shop
    order, declined_id = buy_one_adult_ticket(page, live_server, emulator, event, sailing)

    page.select_option("#reason", "insufficient_funds")
    page.get_by_role("button", name="Отказаться · Decline").click()
    wait_for_order_page(page, live_server, order)
    assert not page.url.endswith("?paid=yes")
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    emulator.wait_webhooks()
    page.wait_for_timeout(3000)  # longer than the pending page's first poll: a failed payment is not "pending"
    assert navigations == [], "the order page keeps reloading itself for a declined payment"
    assert DECLINED.search(page.inner_text("#error-message"))  # the return view's message
    assert order_state_on_page(page) == PENDING
    page.screenshot(path=SCREENSHOT.format("declined"), full_page=True)
    order.refresh_from_db()
    assert order.status == Order.STATUS_PENDING
    [failed] = order.payments.all()
    assert failed.state == OrderPayment.PAYMENT_STATE_FAILED
    assert failed.info_data["cancellation"] == {"party": "payment_network", "reason": "insufficient_funds"}

    # pretix's "Re-try payment or choose another payment method", then its confirmation of the new payment
    page.click(f"a[href$='/order/{order.code}/{order.secret}/pay/change']")
    page.check("input[name=payment][value=yookassa]")
    page.get_by_role("button", name="Продолжить").click()
    page.get_by_role("button", name="Заплатить сейчас").click()
    paid_id = wait_for_emulator_page(page, emulator)
    assert paid_id != declined_id
    page.get_by_role("button", name="Оплатить · Pay").click()
    wait_for_order_page(page, live_server, order)
    assert page.url.endswith("?paid=yes")
    assert THANKS in page.inner_text(".thank-you")
    assert order_state_on_page(page) == PAID
    page.screenshot(path=SCREENSHOT.format("retried"), full_page=True)

    emulator.wait_webhooks()
    order.refresh_from_db()
    assert order.status == Order.STATUS_PAID
    states = {p.info_data["id"]: p.state for p in order.payments.all()}
    assert states == {declined_id: OrderPayment.PAYMENT_STATE_FAILED, paid_id: OrderPayment.PAYMENT_STATE_CONFIRMED}
    assert {p["id"]: p["status"] for p in emulator.payments()} == {declined_id: "canceled", paid_id: "succeeded"}
