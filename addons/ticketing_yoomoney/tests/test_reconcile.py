"""Reconciliation of lost webhooks and answers, settlement receipts after the sailing, the mismatch report."""
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils.timezone import now

from pretix.base.models import Order, OrderPayment, OrderRefund
from pretix.base.payment import PaymentException

from ticketing_yoomoney.models import YooKassaObject
from ticketing_yoomoney.services.reconcile import find_mismatches, reconcile_open
from ticketing_yoomoney.services.settlements import send_due_settlements
from ticketing_yoomoney.signals import reconcile as periodic_reconcile

from .conftest import new_payment

pytestmark = pytest.mark.django_db


def test_a_lost_webhook_is_settled_by_the_reconciliation(paying, emulator):
    emulator.fault(kind="lose_webhook")
    emulator.succeed(paying.info_data["id"])
    assert reconcile_open(now())["checked"] == 0  # too young: webhooks and the return get their chance first
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_PENDING

    counts = reconcile_open(now() + timedelta(minutes=11))
    assert counts["checked"] == 1
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_CONFIRMED
    assert Order.objects.get(pk=paying.order_id).status == Order.STATUS_PAID
    ref = YooKassaObject.objects.get(payment=paying)
    assert ref.status == "succeeded" and ref.last_checked


def test_the_age_is_configurable(paying, emulator, organizer):
    organizer.settings.payment_yookassa_reconcile_minutes = 60
    emulator.succeed(paying.info_data["id"])
    assert reconcile_open(now() + timedelta(minutes=30))["checked"] == 0
    assert reconcile_open(now() + timedelta(minutes=61))["checked"] == 1


def test_an_abandoned_payment_fails_when_yookassa_expires_it(paying, emulator):
    emulator.decline(paying.info_data["id"], "expired_on_confirmation")
    reconcile_open(now() + timedelta(hours=2))
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_FAILED
    assert YooKassaObject.objects.get(payment=paying).final
    # final objects are never fetched again
    emulator.fault(kind="error_500", method="GET", count=10)
    assert reconcile_open(now() + timedelta(hours=3))["failed"] == 0


def test_a_lost_create_answer_is_replayed_with_the_same_key(pending_order, rf_request, emulator):
    payment = new_payment(pending_order)
    emulator.fault(kind="drop", after=True, method="POST", path="/payments", count=2)
    with pytest.raises(PaymentException):
        payment.payment_provider.execute_payment(rf_request, payment)
    emulator.succeed(emulator.payments()[0]["id"])  # the customer still paid (e.g. through another tab)
    counts = reconcile_open(now() + timedelta(minutes=11))
    assert counts["replayed"] == 1
    payment.refresh_from_db()
    assert payment.state == OrderPayment.PAYMENT_STATE_CONFIRMED
    assert len(emulator.payments()) == 1


def test_periodic_task_runs_the_reconciliation(paying, emulator, monkeypatch):
    calls = []
    monkeypatch.setattr("ticketing_yoomoney.services.reconcile.reconcile_open", lambda: calls.append(1) or {})
    periodic_reconcile(sender=None)
    assert calls == [1]


@pytest.fixture
def sailed(paying, emulator, sailing):
    """A paid order whose sailing has taken place."""
    from ticketing_yoomoney.services.sync import sync_payment

    emulator.succeed(paying.info_data["id"])
    sync_payment(paying)
    sub = sailing.subevent
    sub.date_from = now() - timedelta(hours=5)
    sub.save()
    paying.refresh_from_db()
    return paying


def settlements_at(emulator) -> list[dict]:
    """Receipts settled against a prepayment (YooKassa also lists each payment's own receipt)."""
    return [r for r in emulator.receipts() if any(s["type"] == "prepayment" for s in r.get("settlements", []))]


def test_settlement_receipt_after_the_sailing_once(sailed, emulator):
    assert send_due_settlements() == 1
    receipts = settlements_at(emulator)
    assert len(receipts) == 1
    r = receipts[0]
    assert r["type"] == "payment" and r["payment_id"] == sailed.info_data["id"]
    assert r["settlements"] == [{"type": "prepayment", "amount": {"value": "2400.00", "currency": "RUB"}}]
    assert {i["payment_mode"] for i in r["items"]} == {"full_payment"}
    assert send_due_settlements() == 0 and len(settlements_at(emulator)) == 1
    obj = YooKassaObject.objects.get(payment=sailed, kind=YooKassaObject.KIND_SETTLEMENT)
    assert sailed.order.all_logentries().filter(action_type="ticketing_yoomoney.settlement.sent").count() == 1
    reconcile_open(now() + timedelta(hours=1))  # the receipt's registration is followed until final
    obj.refresh_from_db()
    assert obj.status == "succeeded" and obj.final


def test_no_settlement_before_the_sailing_has_ended(sailed, sailing):
    sub = sailing.subevent
    sub.date_from = now() - timedelta(minutes=30)  # departed, still on the water (90 minutes)
    sub.save()
    assert send_due_settlements() == 0


def test_settlement_for_what_was_not_refunded(sailed, emulator):
    refund = sailed.order.refunds.create(payment=sailed, source=OrderRefund.REFUND_SOURCE_ADMIN,
                                         amount=Decimal("900.00"), state=OrderRefund.REFUND_STATE_CREATED,
                                         provider="yookassa")
    sailed.payment_provider.execute_refund(refund)
    assert send_due_settlements() == 1
    assert settlements_at(emulator)[0]["settlements"][0]["amount"]["value"] == "1500.00"


def test_no_settlement_for_a_refunded_order_or_when_switched_off(sailed, emulator, organizer):
    organizer.settings.payment_yookassa_settlement_receipts = False
    assert send_due_settlements() == 0
    organizer.settings.payment_yookassa_settlement_receipts = True
    refund = sailed.order.refunds.create(payment=sailed, source=OrderRefund.REFUND_SOURCE_ADMIN,
                                         amount=sailed.amount, state=OrderRefund.REFUND_STATE_CREATED,
                                         provider="yookassa")
    sailed.payment_provider.execute_refund(refund)
    assert send_due_settlements() == 0


def test_mismatch_report(paying, emulator, rf_request, pending_order):
    emulator.fault(kind="lose_webhook")
    emulator.succeed(paying.info_data["id"])
    found = find_mismatches(now() - timedelta(days=1))
    assert [(m.order, m.ours, m.theirs) for m in found] == [(pending_order.code, "pending", "succeeded")]

    out = StringIO()
    call_command("yookassa_reconcile", "--days", "1", stdout=out)
    assert pending_order.code in out.getvalue() and "state differs" in out.getvalue()

    out = StringIO()
    call_command("yookassa_reconcile", "--days", "1", "--fix", stdout=out)
    paying.refresh_from_db()
    assert paying.state == OrderPayment.PAYMENT_STATE_CONFIRMED
    out = StringIO()
    call_command("yookassa_reconcile", "--days", "1", stdout=out)
    assert "No differences" in out.getvalue()


def test_mismatch_report_lists_payments_we_never_recorded(paying, emulator):
    YooKassaObject.objects.filter(payment=paying).delete()
    found = find_mismatches(now() - timedelta(days=1))
    problems = {m.problem.split(" (")[0] for m in found}
    assert problems == {"no YooKassa payment recorded", "not recorded by us"}
