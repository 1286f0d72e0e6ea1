"""Fixtures of the accounting tests: a supplier with checked requisites, a school's bank-invoice order (B2B and
documents), and orders awaiting a bank transfer (bank import and registers)."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils.timezone import now

from pretix.base.models import InvoiceAddress, Order, OrderPayment, TaxRule

from ticketing_core.testing import factories

# YooKassa's emulator, from ticketing_yoomoney's tests (card payments, refunds and receipts in the registers)
from ticketing_yoomoney.tests.conftest import (  # noqa: E402,F401
    rf_request,
    shop,
)

from ..b2b.services import PROVIDER, record_buyer

SUPPLIER = {
    "supplier_name": "ООО «Нева Круиз»", "supplier_inn": "7707083893", "supplier_kpp": "773601001",
    "supplier_ogrn": "1027700132195", "supplier_address": "191186, Санкт-Петербург, Дворцовая наб., д. 2",
    "bank_name": "ПАО Сбербанк, г. Москва", "bank_bik": "044525225", "bank_account": "40702810438000034726",
    "bank_corr_account": "30101810400000000225", "director": "Петров И. И.", "chief_accountant": "Иванова А. А.",
}
SCHOOL = {"name": "ГБОУ «Школа № 239»", "inn": "7841000026", "kpp": "784101001",
          "legal_address": "191028, Санкт-Петербург, Кирочная ул., д. 8", "documents_email": "buh@school239.example",
          "contact_person": "Смирнова Е. В."}


def configure_supplier(organizer, vat_payer: bool = True) -> None:
    for key, value in SUPPLIER.items():
        organizer.settings.set(f"ticketing_accounting_{key}", value)
    organizer.settings.set("ticketing_accounting_vat_payer", vat_payer)


def mark_paid(order, **info) -> None:
    """The bank transfer arrived (what the statement import confirms), without pretix's paid e-mails and hooks."""
    payment = order.payments.get(state="created")
    payment.state = "confirmed"
    payment.payment_date = now()
    if info:
        payment.info_data = info
    payment.save()
    order.status = Order.STATUS_PAID
    order.save(update_fields=["status"])
    order.create_transactions()


@pytest.fixture
def supplier_organizer(organizer):
    configure_supplier(organizer)
    return organizer


def b2b_order(event, subevent, items, status=Order.STATUS_PENDING, provider=PROVIDER, requisites=None):
    order = factories.make_order(event, subevent, items, status=status, provider=provider)
    if status == Order.STATUS_PENDING:
        order.payments.create(provider=provider, amount=order.total, state="created")
    record_buyer(order, dict(requisites or SCHOOL))
    return order


# The import books pending payments of the bank-invoice provider (``accounting_invoice``) and of pretix's own
# ``banktransfer`` the same way (``services.BANK_PROVIDERS``); these tests use pretix's.
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
        InvoiceAddress.objects.create(order=order, is_business=True, company=company, vat_id=inn)
    return order


@pytest.fixture
def vat_series(supplier_organizer, boat, pier):
    """The evening cruise with VAT 22 % included in the prices, a sailing in ten days."""
    event = factories.make_series(supplier_organizer)
    rule = TaxRule.objects.create(event=event, name={"ru": "НДС"}, rate=Decimal("22.00"), price_includes_tax=True)
    event.items.update(tax_rule=rule)
    sailing = factories.make_sailing(event, boat, pier, now() + timedelta(days=10))
    return event, sailing


@pytest.fixture
def school_order(vat_series):
    event, sailing = vat_series
    adult = event.items.get(default_price=Decimal("1500.00"))
    child = event.items.get(default_price=Decimal("900.00"))
    items = [adult] * 2 + [child] * 3
    order = b2b_order(event, sailing.subevent, items)
    for p in order.positions.all():  # the tax of each line as pretix computes it at checkout
        p._calculate_tax()
        p.save()
    return order


@pytest.fixture
def transfer_order(bank_event, sailing):
    items = list(bank_event.items.order_by("pk"))
    return pending_order(bank_event, sailing.subevent, [items[0], items[1], items[1]])  # 1500 + 900 + 900


def amount_of(order) -> Decimal:
    return order.total
