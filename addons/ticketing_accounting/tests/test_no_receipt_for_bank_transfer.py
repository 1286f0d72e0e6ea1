"""54-FZ: a bank transfer between organisations needs no cash receipt, so none goes to YooKassa; a company
that pays by card through YooKassa still gets its receipt as everyone does."""
from datetime import timedelta

import pytest
from django.utils.timezone import now

from pretix.base.models import OrderPayment

from ticketing_yoomoney.services.receipts import build_receipt
from ticketing_yoomoney.services.settlements import due_payments

from .conftest import b2b_order, mark_paid

pytestmark = pytest.mark.django_db


def test_bank_transfer_gets_no_settlement_receipt_a_card_payment_of_a_company_does(vat_series, school_order):
    event, sailing = vat_series
    mark_paid(school_order)  # paid by bank transfer (accounting_invoice)
    by_card = b2b_order(event, sailing.subevent, list(event.items.all()[:1]), status="p", provider="yookassa")
    card_payment = by_card.payments.get(provider="yookassa")
    card_payment.info_data = {"id": "2d6e5f1a-000f-5000-9000-1b68e7b15f3f"}
    card_payment.save()
    due = list(due_payments(now() + timedelta(days=11)))
    assert card_payment in due
    assert not [p for p in due if p.order_id == school_order.pk]
    assert school_order.payments.get().state == OrderPayment.PAYMENT_STATE_CONFIRMED
    receipt = build_receipt(by_card, by_card.total, {"vat_code": "auto"})
    assert receipt["customer"] == {"email": by_card.email} and receipt["items"]
