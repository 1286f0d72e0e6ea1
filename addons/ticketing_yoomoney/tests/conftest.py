"""The YooKassa emulator as a real HTTP server, and a shop configured to pay through it with the real SDK."""
import json
import urllib.request
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils.timezone import now

from pretix.base.models import Order, OrderPayment

from ticketing_core.testing import factories
from tools.yookassa_emulator import start_server, stop_server

SHOP_ID, SECRET = "100500", "test_prichal_secret"


class Emulator:
    """Drives the emulator's control API (what a payer, YooKassa's delays or faults would do)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.api_url = base_url + "/v3"

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read().decode()
        return json.loads(text) if text else {}

    def state(self) -> dict:
        return self.call("GET", "/_emulator/state")

    def payments(self) -> list[dict]:
        return self.state()["payments"]

    def refunds(self) -> list[dict]:
        return self.state()["refunds"]

    def receipts(self) -> list[dict]:
        return self.state()["receipts"]

    def succeed(self, payment_id: str, method: str = "bank_card") -> dict:
        return self.call("POST", f"/_emulator/payments/{payment_id}/succeed", {"payment_method": method})

    def decline(self, payment_id: str, reason: str = "insufficient_funds") -> dict:
        return self.call("POST", f"/_emulator/payments/{payment_id}/cancel", {"reason": reason})

    def fault(self, **kwargs) -> dict:
        return self.call("POST", "/_emulator/faults", kwargs)

    def webhook_url(self, url: str | None) -> dict:
        return self.call("POST", "/_emulator/webhook-url", {"url": url})

    def wait_webhooks(self) -> dict:
        return self.call("GET", "/_emulator/webhooks/wait?timeout=10")

    def webhook_log(self) -> list:
        return self.call("GET", "/_emulator/webhooks")

    def reset(self) -> None:
        self.call("POST", "/_emulator/reset", {})
        self.call("DELETE", "/_emulator/faults")


@pytest.fixture(scope="session")
def _emulator_server():
    server, thread, base_url = start_server(port=0, shops={SHOP_ID: SECRET}, webhook_retry_delays=(0.2, 0.5))
    yield Emulator(base_url)
    stop_server(server)


API_URL_VARIABLE = "PRETIX_TICKETING_YOOMONEY_API_URL"  # pretix's environment form of [ticketing_yoomoney] api_url


@pytest.fixture
def emulator(_emulator_server, settings, monkeypatch):
    settings.ALLOW_HTTP_TO_PRIVATE_NETWORKS = True
    # The API address comes from the configuration only; the emulator's port is known only now.
    monkeypatch.setenv(API_URL_VARIABLE, _emulator_server.api_url)
    _emulator_server.reset()
    _emulator_server.webhook_url(None)
    yield _emulator_server
    _emulator_server.reset()


def configure(obj, emulator: Emulator, **overrides) -> None:
    """YooKassa settings on an organizer or event, for the emulator's shop (its address is configured)."""
    values = {"shop_id": SHOP_ID, "secret_key": SECRET, "test_mode": True, "restrict_networks": False, **overrides}
    for key, value in values.items():
        obj.settings.set(f"payment_yookassa_{key}", value)


@pytest.fixture
def shop(organizer, series, emulator):
    configure(organizer, emulator)
    series.settings.payment_yookassa__enabled = True
    return series


@pytest.fixture
def pending_order(shop, sailing):
    adult, child = shop.items.filter(admission=True).order_by("pk")[:2]
    order = factories.make_order(shop, sailing.subevent, [adult, child], status=Order.STATUS_PENDING)
    order.expires = now() + timedelta(minutes=30)
    order.save(update_fields=["expires"])
    return order


def new_payment(order: Order) -> OrderPayment:
    return order.payments.create(provider="yookassa", amount=order.total, state=OrderPayment.PAYMENT_STATE_CREATED)


@pytest.fixture
def rf_request(shop):
    request = RequestFactory().get("/")
    request.event = shop
    request.organizer = shop.organizer
    request.session = SessionStore()
    request.session.create()
    return request


@pytest.fixture
def paying(pending_order, rf_request, emulator) -> OrderPayment:
    """A YooKassa payment started at checkout; the customer is on YooKassa's page."""
    payment = new_payment(pending_order)
    payment.payment_provider.execute_payment(rf_request, payment)
    payment.refresh_from_db()
    return payment


@pytest.fixture
def paid(paying, emulator) -> OrderPayment:
    """The same payment, paid and confirmed."""
    from ticketing_yoomoney.services.sync import sync_payment

    emulator.succeed(paying.info_data["id"])
    sync_payment(paying)
    paying.refresh_from_db()
    assert paying.order.status == Order.STATUS_PAID
    return paying
