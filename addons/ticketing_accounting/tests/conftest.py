"""Fixtures of the accounting tests: orders awaiting a bank transfer."""
from decimal import Decimal

import pytest

from pretix.base.models import Order, OrderPayment

from ticketing_core.testing import factories

# YooKassa's emulator, from ticketing_yoomoney's tests (card payments, refunds and receipts in the registers)
from ticketing_yoomoney.tests.conftest import (  # noqa: E402,F401
    _emulator_server,
    emulator,
    rf_request,
    shop,
)

# Before the bank-invoice provider (``accounting_invoice``) lands, the pending payments of these tests are
# pretix's own ``banktransfer`` provider: the import books both the same way (``services.BANK_PROVIDERS``).
BANK_PLUGIN = "pretix.plugins.banktransfer"


@pytest.fixture
def bank_event(series):
    series.plugins = series.plugins + "," + BANK_PLUGIN
    series.save()
    series.settings.payment_banktransfer__enabled = True
    return series


def pending_order(event, subevent, items, email: str = "school@example.org", provider: str = "banktransfer",
                  company: str = "ГБОУ ШКОЛА № 123", inn: str = "7701234560") -> Order:
    order = factories.make_order(event, subevent, items, status=Order.STATUS_PENDING, email=email)
    order.payments.create(provider=provider, amount=order.total, state=OrderPayment.PAYMENT_STATE_CREATED)
    if company:
        from pretix.base.models import InvoiceAddress

        InvoiceAddress.objects.create(order=order, is_business=True, company=company, vat_id=inn)
    return order


@pytest.fixture
def school_order(bank_event, sailing):
    items = list(bank_event.items.order_by("pk"))
    return pending_order(bank_event, sailing.subevent, [items[0], items[1], items[1]])  # 1500 + 900 + 900


def amount_of(order) -> Decimal:
    return order.total
