"""YooKassa's notifications: only a hint to re-fetch; duplicates, reordering, replays and forgeries change nothing."""
import json

import pytest

from pretix.base.models import Order, OrderPayment

from .conftest import configure

pytestmark = pytest.mark.django_db

URL = "/_yookassa/webhook/"


def notify(client, event: str, obj: dict, **extra):
    return client.post(URL, json.dumps({"type": "notification", "event": event, "object": obj}),
                       content_type="application/json", **extra)


def paid_log_count(order) -> int:
    return order.all_logentries().filter(action_type="pretix.event.order.paid").count()


def test_succeeded_notification_confirms_after_refetching(client, paying, emulator):
    emulator.succeed(paying.info_data["id"])
    r = notify(client, "payment.succeeded", {"id": paying.info_data["id"], "status": "succeeded"})
    assert r.status_code == 200 and r.json() == {"status": "succeeded"}
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_CONFIRMED


def test_duplicates_change_nothing_more(client, paying, emulator):
    emulator.succeed(paying.info_data["id"])
    for _ in range(3):
        assert notify(client, "payment.succeeded", {"id": paying.info_data["id"]}).status_code == 200
    assert paid_log_count(paying.order) == 1
    assert paying.order.payments.filter(state=OrderPayment.PAYMENT_STATE_CONFIRMED).count() == 1


def test_reordered_cancel_after_success_does_not_undo_it(client, paying, emulator):
    emulator.succeed(paying.info_data["id"])
    notify(client, "payment.succeeded", {"id": paying.info_data["id"]})
    r = notify(client, "payment.canceled", {"id": paying.info_data["id"], "status": "canceled"})
    assert r.json() == {"status": "succeeded"}  # what YooKassa says, not what the body says
    paying.order.refresh_from_db()
    assert paying.order.status == Order.STATUS_PAID


def test_a_forged_success_for_a_pending_payment_changes_nothing(client, paying, emulator):
    r = notify(client, "payment.succeeded", {"id": paying.info_data["id"], "status": "succeeded", "paid": True,
                                             "amount": {"value": "2400.00", "currency": "RUB"}})
    assert r.json() == {"status": "pending"}
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_PENDING


def test_unknown_or_other_shops_objects_are_acknowledged_and_ignored(client, paying, emulator):
    assert notify(client, "payment.succeeded", {"id": "2f0a7f0e-000f-5000-8000-1a2b3c4d5e6f"}).json() == {
        "status": "unknown"}
    # the id of our payment announced as a refund is not a refund of ours
    assert notify(client, "refund.succeeded", {"id": paying.info_data["id"]}).json() == {"status": "unknown"}
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_PENDING


def test_a_payment_of_another_shop_is_not_found_with_our_credentials(client, paying, emulator, organizer):
    emulator.call("POST", "/_emulator/shops", {"shop_id": "777", "secret": "test_other"})
    configure(organizer, emulator, shop_id="777", secret_key="test_other")  # our record, asked as another shop
    emulator.succeed(paying.info_data["id"])
    assert notify(client, "payment.succeeded", {"id": paying.info_data["id"]}).json() == {"status": "unknown"}
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_PENDING


@pytest.mark.parametrize("body,content_type", [
    ("not json", "application/json"),
    (json.dumps([1, 2]), "application/json"),
    (json.dumps({"type": "notification", "event": "payment.exploded", "object": {"id": "x"}}), "application/json"),
    (json.dumps({"type": "notification", "event": "payment.succeeded", "object": {}}), "application/json"),
    (json.dumps({"type": "notification", "event": "payment.succeeded", "object": {"id": "x"}}), "text/plain"),
    # found by the API fuzzing: a NUL in the id reached the database query (a 500)
    (json.dumps({"type": "notification", "event": "payment.succeeded", "object": {"id": "a\u0000b"}}),
     "application/json"),
    (json.dumps({"type": "notification", "event": "payment.succeeded", "object": {"id": "a b/../c"}}),
     "application/json"),
    (json.dumps({"type": "notification", "event": "payment.succeeded", "object": {"id": "9" * 65}}),
     "application/json"),
])
def test_what_is_not_a_notification_is_refused(client, body, content_type, emulator):
    assert client.post(URL, body, content_type=content_type).status_code == 400


def test_other_known_events_are_acknowledged(client, emulator):
    assert notify(client, "payout.succeeded", {"id": "po-1"}).json() == {"status": "ignored"}


def test_only_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405


def test_network_restriction(client, paying, emulator, organizer):
    organizer.settings.payment_yookassa_restrict_networks = True
    emulator.succeed(paying.info_data["id"])
    assert notify(client, "payment.succeeded", {"id": paying.info_data["id"]}).status_code == 403
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_PENDING
    r = notify(client, "payment.succeeded", {"id": paying.info_data["id"]}, REMOTE_ADDR="185.71.76.5")
    assert r.status_code == 200
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_CONFIRMED


def test_yookassa_unreachable_asks_for_a_retry(client, paying, emulator):
    emulator.fault(kind="error_500", method="GET", count=5)
    assert notify(client, "payment.succeeded", {"id": paying.info_data["id"]}).status_code == 503


@pytest.mark.django_db(transaction=True)
def test_real_webhooks_from_the_emulator_with_duplicates_and_delays(live_server, paying, emulator):
    """The emulator posts to a live server: a duplicated and a delayed notification, both harmless."""
    emulator.webhook_url(live_server.url + URL)
    emulator.fault(kind="duplicate_webhook", event="payment.succeeded")
    emulator.succeed(paying.info_data["id"])
    emulator.wait_webhooks()
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_CONFIRMED
    delivered = [d for d in emulator.webhook_log() if d["event"] == "payment.succeeded"]
    assert len(delivered) == 2 and all(d["state"] == "delivered" for d in delivered), delivered
    assert paid_log_count(paying.order) == 1
