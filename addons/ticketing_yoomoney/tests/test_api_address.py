"""
The YooKassa API address and the shop a payment is asked about are not up to the settings: the address comes
from the configuration only, and a payment is always re-fetched from the API and shop it was created at.
A "YooKassa" run by whoever edits the settings never sees the key and can never make an order paid.
"""
import json
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils.timezone import now

from pretix.base.models import Order, OrderPayment, Team, User

from ticketing_core.testing.fixtures import login
from ticketing_yoomoney.config import configured_api_url
from ticketing_yoomoney.models import YooKassaObject

from .conftest import API_URL_VARIABLE, SECRET, SHOP_ID, configure

pytestmark = pytest.mark.django_db


class FakeYooKassa:
    """An impostor's server: records every request and claims that every payment has succeeded."""

    def __init__(self):
        self.requests: list[tuple[str, str, str]] = []  # (method, path, Authorization header)
        self.amount = "0.00"
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                fake.requests.append(("GET", self.path, self.headers.get("Authorization", "")))
                if self.path.endswith("/me"):
                    body = {"account_id": "666", "test": True, "status": "enabled", "fiscalization_enabled": False}
                else:
                    body = {"id": self.path.rsplit("/", 1)[-1], "status": "succeeded", "paid": True, "test": True,
                            "amount": {"value": fake.amount, "currency": "RUB"}, "created_at": now().isoformat(),
                            "refundable": True, "payment_method": {"type": "bank_card", "id": "x", "saved": False}}
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_POST = do_GET  # noqa: N815

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v3"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def impostor():
    fake = FakeYooKassa()
    yield fake
    fake.stop()


def payment_staff(organizer) -> User:
    """A team member who may change the events' payment settings and nothing else."""
    user = User.objects.create_user("payments@example.org", "admin-password-123")
    team = Team.objects.create(organizer=organizer, name="Payments", all_events=True,
                               limit_event_permissions={"event.settings.payment:write": True})
    team.members.add(user)
    return user


def event_form(series, **fields) -> dict:
    return {"payment_yookassa__enabled": "on", "payment_yookassa__restrict_to_sales_channels": "web",
            "payment_yookassa_shop_id": SHOP_ID,
            "payment_yookassa_secret_key": "*****", "payment_yookassa_test_mode": "on",
            "payment_yookassa_vat_code": "auto", "payment_yookassa_payment_subject": "service",
            "payment_yookassa_reconcile_minutes": "10", "payment_yookassa_restrict_networks": "on", **fields}


def event_url(series) -> str:
    return f"/control/event/{series.organizer.slug}/{series.slug}/settings/payment/yookassa"


def org_url(organizer) -> str:
    return f"/control/organizer/{organizer.slug}/yookassa/"


def test_the_address_comes_from_the_configuration(emulator, monkeypatch):
    assert configured_api_url() == emulator.api_url
    monkeypatch.delenv(API_URL_VARIABLE)
    assert configured_api_url() == "http://127.0.0.1:9/v3"  # the test configuration file (pretix-test.cfg)


def test_payment_settings_staff_cannot_set_the_api_address(client, organizer, shop, emulator, impostor):
    login(client, payment_staff(organizer))
    page = client.get(event_url(shop))
    assert page.status_code == 200 and "payment_yookassa_shop_id" in page.content.decode()
    assert "api_url" not in page.content.decode()
    r = client.post(event_url(shop), event_form(shop, payment_yookassa_api_url=impostor.url))
    assert r.status_code == 302
    shop.settings.flush()
    assert not shop.settings.get("payment_yookassa_api_url")
    provider = shop.get_payment_providers()["yookassa"]
    assert provider.credentials.api_url == emulator.api_url
    # a value stored before (or by other means) is ignored as well
    shop.settings.set("payment_yookassa_api_url", impostor.url)
    organizer.settings.set("payment_yookassa_api_url", impostor.url)
    assert shop.get_payment_providers()["yookassa"].credentials.api_url == emulator.api_url


def test_check_connection_never_contacts_an_address_from_the_settings(admin_client, organizer, shop, emulator,
                                                                      impostor):
    organizer.settings.set("payment_yookassa_api_url", impostor.url)  # e.g. left over from an older version
    shop.settings.set("payment_yookassa_api_url", impostor.url)
    page = admin_client.get(org_url(organizer)).content.decode()
    assert "payment_yookassa_api_url" not in page
    r = admin_client.post(org_url(organizer), {
        "payment_yookassa_shop_id": SHOP_ID, "payment_yookassa_secret_key": "*****", "payment_yookassa_test_mode": "on",
        "payment_yookassa_api_url": impostor.url, "payment_yookassa_vat_code": "auto", "check": "1"}, follow=True)
    assert SHOP_ID in r.content.decode()  # the emulator (the configured API) answered
    r = admin_client.post(f"/control/event/{organizer.slug}/{shop.slug}/yookassa/check/", follow=True)
    assert SHOP_ID in r.content.decode()
    assert impostor.requests == []


def notify(client, payment_id: str):
    return client.post("/_yookassa/webhook/", json.dumps({
        "type": "notification", "event": "payment.succeeded", "object": {"id": payment_id, "status": "succeeded"}}),
        content_type="application/json")


def test_a_forged_webhook_is_checked_at_the_api_the_payment_was_created_at(client, paying, emulator, impostor,
                                                                           monkeypatch, organizer):
    impostor.amount = f"{paying.amount:.2f}"
    ref = YooKassaObject.objects.get(payment=paying, kind=YooKassaObject.KIND_PAYMENT)
    assert (ref.shop_id, ref.api_url) == (SHOP_ID, emulator.api_url)
    # whatever names another API now (a stored setting, even the configuration), the payment is asked where it was
    organizer.settings.set("payment_yookassa_api_url", impostor.url)
    monkeypatch.setenv(API_URL_VARIABLE, impostor.url)
    r = notify(client, paying.info_data["id"])
    assert r.status_code == 200 and r.json() == {"status": "pending"}  # the emulator's answer
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_PENDING and paying.order.status == Order.STATUS_PENDING
    assert impostor.requests == []


def test_a_forged_webhook_cannot_pay_after_the_shop_id_was_changed(client, paying, emulator, impostor, organizer):
    from ticketing_yoomoney.services.reconcile import reconcile_open

    impostor.amount = f"{paying.amount:.2f}"
    # someone changed the shop (and, in older versions, the address) to their own
    configure(organizer, emulator, shop_id="666", secret_key="test_impostor")
    organizer.settings.set("payment_yookassa_api_url", impostor.url)
    emulator.succeed(paying.info_data["id"])  # even a real success is not asked with a foreign shop's key
    assert notify(client, paying.info_data["id"]).json() == {"status": "unknown"}
    counts = reconcile_open(now() + timedelta(hours=1))
    assert counts["failed"] >= 1
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_PENDING and paying.order.status == Order.STATUS_PENDING
    assert impostor.requests == []
    assert not any("test_impostor" in str(p) for p in emulator.payments())
    # with the shop's own key back, the same webhook settles it where it was made
    configure(organizer, emulator)
    assert notify(client, paying.info_data["id"]).json() == {"status": "succeeded"}


def test_changing_the_shop_id_needs_the_secret_again(admin_client, organizer, shop, emulator):
    from django.test import Client

    client = Client()
    configure(organizer, emulator)
    data = {"payment_yookassa_shop_id": "200300", "payment_yookassa_secret_key": "*****",
            "payment_yookassa_test_mode": "on", "payment_yookassa_vat_code": "auto"}
    r = admin_client.post(org_url(organizer), data, HTTP_ACCEPT_LANGUAGE="ru")
    assert r.status_code == 200
    assert "введите и секретный ключ магазина 200300" in r.content.decode()
    organizer.settings.flush()
    assert organizer.settings.payment_yookassa_shop_id == SHOP_ID
    # the same on the event's payment settings, for staff with only that permission
    login(client, payment_staff(organizer))
    r = client.post(event_url(shop), event_form(shop, payment_yookassa_shop_id="200300"))
    assert r.status_code == 200 and "200300" in r.content.decode()
    shop.settings.flush()
    assert shop.get_payment_providers()["yookassa"].credentials.shop_id == SHOP_ID
    # with the new shop's key typed in, the change is saved
    r = admin_client.post(org_url(organizer), {**data, "payment_yookassa_secret_key": "test_new_shop_key"})
    assert r.status_code == 302
    organizer.settings.flush()
    assert (organizer.settings.payment_yookassa_shop_id, organizer.settings.payment_yookassa_secret_key) == (
        "200300", "test_new_shop_key")
    assert SECRET != "test_new_shop_key"
