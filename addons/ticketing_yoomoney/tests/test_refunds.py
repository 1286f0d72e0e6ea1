"""Refunds through POST /v3/refunds with their own receipts, from every refund flow, tracked until final."""
from decimal import Decimal

import pytest

from pretix.base.models import Order, OrderPayment, OrderRefund
from pretix.base.payment import PaymentException
from pretix.base.services.orders import cancel_order

from ticketing_core.fleet.forms import default_cancel_message, default_cancel_subject
from ticketing_core.fleet.tasks import cancel_sailing
from ticketing_yoomoney.models import YooKassaObject
from ticketing_yoomoney.services.sync import sync_refund

pytestmark = pytest.mark.django_db


def staff_refund(payment: OrderPayment, amount: Decimal) -> OrderRefund:
    """What pretix's back office does on "refund": a refund record, then the provider."""
    refund = payment.order.refunds.create(payment=payment, source=OrderRefund.REFUND_SOURCE_ADMIN, amount=amount,
                                          state=OrderRefund.REFUND_STATE_CREATED, provider="yookassa")
    payment.payment_provider.execute_refund(refund)
    refund.refresh_from_db()
    return refund


def _receipt_sum(receipt: dict) -> Decimal:
    return sum((Decimal(i["amount"]["value"]) * Decimal(i["quantity"]) for i in receipt["items"]), Decimal("0"))


def test_full_refund_by_staff(paid, emulator):
    refund = staff_refund(paid, paid.amount)
    assert refund.state == OrderRefund.REFUND_STATE_DONE
    theirs = emulator.refunds()
    assert len(theirs) == 1 and theirs[0]["amount"] == {"value": "2400.00", "currency": "RUB"}
    assert refund.info_data["id"] == theirs[0]["id"]
    sent = refund.info_data["request"]["receipt"]
    assert _receipt_sum(sent) == Decimal("2400.00")
    assert YooKassaObject.objects.get(refund=refund).status == "succeeded"


def test_partial_refund_has_its_own_receipt_for_that_amount(paid, emulator):
    refund = staff_refund(paid, Decimal("900.00"))
    assert refund.state == OrderRefund.REFUND_STATE_DONE
    assert _receipt_sum(refund.info_data["request"]["receipt"]) == Decimal("900.00")
    second = staff_refund(paid, Decimal("1500.00"))
    assert second.state == OrderRefund.REFUND_STATE_DONE
    assert [r["amount"]["value"] for r in emulator.refunds()] == ["900.00", "1500.00"]


def test_refund_of_more_than_is_left_is_refused_and_recorded(paid, emulator):
    staff_refund(paid, Decimal("2000.00"))
    refund = paid.order.refunds.create(payment=paid, source=OrderRefund.REFUND_SOURCE_ADMIN, amount=Decimal("500"),
                                       state=OrderRefund.REFUND_STATE_CREATED, provider="yookassa")
    with pytest.raises(PaymentException):
        paid.payment_provider.execute_refund(refund)
    refund.refresh_from_db()
    assert refund.state == OrderRefund.REFUND_STATE_FAILED and refund.info_data["error"]


def test_pending_refund_is_tracked_until_yookassa_finishes_it(paid, emulator, client):
    emulator.fault(kind="refund_pending")
    refund = staff_refund(paid, paid.amount)
    assert refund.state == OrderRefund.REFUND_STATE_TRANSIT
    ref = YooKassaObject.objects.get(refund=refund)
    assert not ref.final
    emulator.call("POST", f"/_emulator/refunds/{ref.reference}/succeed", {})
    import json

    r = client.post("/_yookassa/webhook/", json.dumps({"type": "notification", "event": "refund.succeeded",
                                                       "object": {"id": ref.reference}}),
                    content_type="application/json")
    assert r.json() == {"status": "succeeded"}
    refund.refresh_from_db()
    assert refund.state == OrderRefund.REFUND_STATE_DONE


def test_refund_cancelled_by_yookassa_fails(paid, emulator):
    emulator.fault(kind="refund_pending")
    refund = staff_refund(paid, paid.amount)
    ref = YooKassaObject.objects.get(refund=refund)
    emulator.call("POST", f"/_emulator/refunds/{ref.reference}/cancel", {})
    assert sync_refund(refund) == "canceled"
    refund.refresh_from_db()
    assert refund.state == OrderRefund.REFUND_STATE_FAILED


def test_customer_cancellation_within_the_policy_refunds_automatically(paid, emulator):
    """pretix's self-service cancellation (allowed by ticketing_core's policy) refunds through YooKassa."""
    cancel_order(paid.order.pk, cancellation_fee=Decimal("0.00"), try_auto_refund=True)
    order = Order.objects.get(pk=paid.order_id)
    assert order.status == Order.STATUS_CANCELED
    refund = order.refunds.get()
    assert refund.provider == "yookassa" and refund.state == OrderRefund.REFUND_STATE_DONE
    assert emulator.refunds()[0]["amount"]["value"] == "2400.00"
    # the refund receipt lists the cancelled positions
    assert len(refund.info_data["request"]["receipt"]["items"]) == 2


def test_operator_cancelling_the_sailing_refunds_in_full_through_yookassa(paid, emulator, sailing):
    result = cancel_sailing(paid.order.event.pk, sailing=sailing.pk, reason="Шторм",
                            send_subject=default_cancel_subject().data, send_message=default_cancel_message().data)
    assert result
    order = Order.objects.get(pk=paid.order_id)
    assert order.status == Order.STATUS_CANCELED
    refund = order.refunds.get()
    assert refund.state == OrderRefund.REFUND_STATE_DONE and refund.amount == Decimal("2400.00")
    assert len(emulator.refunds()) == 1


def test_refund_when_yookassa_is_unreachable_is_kept_and_replayed(paid, emulator):
    from datetime import timedelta

    from django.utils.timezone import now

    from ticketing_yoomoney.services.reconcile import reconcile_open

    emulator.fault(kind="drop", after=True, method="POST", path="/refunds", count=2)
    refund = paid.order.refunds.create(payment=paid, source=OrderRefund.REFUND_SOURCE_ADMIN, amount=paid.amount,
                                       state=OrderRefund.REFUND_STATE_CREATED, provider="yookassa")
    with pytest.raises(PaymentException):
        paid.payment_provider.execute_refund(refund)
    refund.refresh_from_db()
    assert refund.state == OrderRefund.REFUND_STATE_CREATED and "request" in refund.info_data
    assert len(emulator.refunds()) == 1  # it went through at YooKassa; we never heard back

    counts = reconcile_open(now() + timedelta(minutes=20))
    assert counts["replayed"] == 1
    refund.refresh_from_db()
    assert refund.state == OrderRefund.REFUND_STATE_DONE
    assert len(emulator.refunds()) == 1  # the replay found the same refund, nothing refunded twice
