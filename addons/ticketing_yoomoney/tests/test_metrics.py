"""
YooKassa's metrics move exactly when the state changes: created once per payment, succeeded once however many
webhooks repeat it, webhooks counted by event and result, refunds and 54-FZ receipts by result; labels carry no
order code, shop id or personal data.
"""
import json

import pytest

from pretix.base.models import OrderPayment

from ticketing_core.observability.testing import metrics  # noqa: F401 - the fixture
from ticketing_yoomoney.services.sync import sync_payment

from .conftest import configure
from .test_refunds import staff_refund

pytestmark = pytest.mark.django_db

URL = "/_yookassa/webhook/"


def notify(client, event: str, obj: dict):
    return client.post(URL, json.dumps({"type": "notification", "event": event, "object": obj}),
                       content_type="application/json")


def test_payment_created_then_succeeded_once_despite_duplicate_webhooks(metrics, client, paying, emulator):  # noqa: F811
    assert metrics.value("prichal_yookassa_payments_total", method="any", result="created") == 1
    emulator.succeed(paying.info_data["id"], method="sbp")
    for _ in range(3):
        assert notify(client, "payment.succeeded", {"id": paying.info_data["id"]}).status_code == 200
    assert metrics.value("prichal_yookassa_payments_total", method="sbp", result="succeeded") == 1
    assert metrics.value("prichal_yookassa_webhooks_total", event="payment.succeeded", result="accepted") == 3
    assert metrics.value("prichal_yookassa_paid_latency_seconds_count") == 1
    assert metrics.value("prichal_yookassa_webhook_last_received_timestamp_seconds") > 1.7e9
    assert metrics.value("prichal_yookassa_receipts_total", kind="payment", result="succeeded") == 1
    assert metrics.value("prichal_orders_total", state="paid") == 1
    assert metrics.value("prichal_revenue_rub_total") == float(paying.order.total)


def test_declined_payment_counts_canceled(metrics, paying, emulator):  # noqa: F811
    emulator.decline(paying.info_data["id"])
    sync_payment(paying)
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_FAILED
    assert metrics.value("prichal_yookassa_payments_total", result="canceled") == 1
    assert metrics.value("prichal_yookassa_payments_total", result="succeeded") == 0


def test_webhook_results_forged_unknown_invalid(metrics, client, paying, emulator, organizer):  # noqa: F811
    configure(organizer, emulator, restrict_networks=True)
    assert notify(client, "payment.succeeded", {"id": paying.info_data["id"]}).status_code == 403
    assert notify(client, "payment.succeeded", {"id": "2f0a7f0e-000f-5000-8000-1a2b3c4d5e6f"}).status_code == 200
    assert client.post(URL, "{", content_type="application/json").status_code == 400
    assert metrics.value("prichal_yookassa_webhooks_total", event="payment.succeeded", result="forged") == 1
    assert metrics.value("prichal_yookassa_webhooks_total", event="payment.succeeded", result="unknown") == 1
    assert metrics.value("prichal_yookassa_webhooks_total", event="other", result="invalid") == 1


def test_refund_and_its_receipt_are_counted(metrics, paid, emulator):  # noqa: F811
    refund = staff_refund(paid, paid.amount)
    assert refund.state == "done"
    assert metrics.value("prichal_yookassa_refunds_total", result="succeeded") == 1
    assert metrics.value("prichal_yookassa_receipts_total", kind="refund", result="succeeded") == 1


def test_no_personal_data_or_codes_in_any_label(metrics, client, paying, emulator):  # noqa: F811
    emulator.succeed(paying.info_data["id"])
    notify(client, "payment.succeeded", {"id": paying.info_data["id"]})
    keys = " ".join(metrics.all())
    assert keys and "prichal_yookassa" in keys
    order = paying.order
    for secret in (order.code, order.email or "@", paying.info_data["id"], "100500", order.event.slug):
        assert secret not in keys
