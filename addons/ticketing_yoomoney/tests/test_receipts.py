"""54-FZ receipts: lines add up to exactly what is charged or refunded; VAT codes follow the tax rules."""
from decimal import Decimal

import pytest

from pretix.base.models import OrderFee, TaxRule

from ticketing_core.testing import factories
from ticketing_yoomoney.services.receipts import (
    PAYMENT_MODE_FULL,
    Line,
    ReceiptError,
    build_receipt,
    fit,
    vat_code_for,
)

pytestmark = pytest.mark.django_db


def _sum(receipt) -> Decimal:
    return sum((Decimal(i["amount"]["value"]) * Decimal(i["quantity"]) for i in receipt["items"]), Decimal("0"))


@pytest.fixture
def order(series, sailing):
    adult, child = series.items.filter(admission=True).order_by("pk")[:2]
    o = factories.make_order(series, sailing.subevent, [adult, child, child], status="n")
    o.fees.create(fee_type=OrderFee.FEE_TYPE_SERVICE, value=Decimal("99.99"))
    o.total = Decimal("3399.99")
    o.save()
    return o


def test_full_receipt_lists_every_position_and_fee(order):
    r = build_receipt(order, order.total, {"vat_code": "1"})
    # two identical child tickets are one item with quantity 2
    assert [(i["quantity"], i["amount"]["value"]) for i in r["items"]] == [
        ("1.00", "1500.00"), ("2.00", "900.00"), ("1.00", "99.99")]
    assert _sum(r) == Decimal("3399.99")
    assert r["customer"] == {"email": "buyer@example.org"}
    assert {i["vat_code"] for i in r["items"]} == {1}
    assert all(i["payment_mode"] == "full_prepayment" and i["payment_subject"] == "service" for i in r["items"])
    assert all(len(i["description"]) <= 128 for i in r["items"])
    assert "tax_system_code" not in r


def test_names_are_russian_whatever_the_customers_language(order):
    order.locale = "zh-hans"
    order.save()
    r = build_receipt(order, order.total, {})
    assert r["items"][0]["description"].startswith("Взрослый")
    assert r["items"][2]["description"] == "Плата за обслуживание"


@pytest.mark.parametrize("amount", ["0.01", "1000.00", "1500.00", "3399.98", "333.33", "2.99"])
def test_partial_receipt_sums_exactly(order, amount):
    r = build_receipt(order, Decimal(amount), {"vat_code": "11"})
    assert _sum(r) == Decimal(amount)
    assert {i["vat_code"] for i in r["items"]} == {12}  # 22 % chosen, prepayment → 22/122


def test_discounts_and_negative_fees_are_spread_over_the_lines(order):
    p = order.positions.first()
    p.price = Decimal("1234.56")  # an automatic discount or a voucher lowered this ticket
    p.save()
    order.fees.create(fee_type=OrderFee.FEE_TYPE_OTHER, value=Decimal("-100.00"))  # a negative fee
    total = Decimal("1234.56") + Decimal("1800.00") + Decimal("99.99") - Decimal("100.00")
    r = build_receipt(order, total, {})
    assert _sum(r) == total
    assert all(Decimal(i["amount"]["value"]) > 0 for i in r["items"])


def test_vat_codes_follow_the_tax_rule_22_percent(order):
    rule = TaxRule.objects.create(event=order.event, name={"ru": "НДС"}, rate=Decimal("22.00"), price_includes_tax=True)
    for p in order.positions.all():
        p.tax_rule, p.tax_rate = rule, rule.rate
        p.save()
    prepay = build_receipt(order, order.total, {"vat_code": "auto", "tax_system_code": "1"})
    assert [i["vat_code"] for i in prepay["items"]] == [12, 12, 1]  # 22/122 on prepayment; the fee has no VAT
    assert prepay["tax_system_code"] == 1
    settle = build_receipt(order, order.total, {"vat_code": "auto"}, PAYMENT_MODE_FULL)
    assert [i["vat_code"] for i in settle["items"]] == [11, 11, 1]  # 22 % once the service is rendered
    assert {i["payment_mode"] for i in settle["items"]} == {"full_payment"}


@pytest.mark.parametrize("rate,prepay,full", [("0", 1, 1), ("5", 9, 7), ("7", 10, 8), ("10", 5, 3), ("20", 6, 4),
                                               ("22", 12, 11)])
def test_every_rate_has_its_codes(rate, prepay, full):
    assert vat_code_for(Decimal(rate), {}, "full_prepayment") == prepay
    assert vat_code_for(Decimal(rate), {}, PAYMENT_MODE_FULL) == full


@pytest.mark.parametrize("code", [str(c) for c in range(1, 13)])
def test_any_fixed_code_of_the_list_can_be_chosen(code):
    prepay = vat_code_for(Decimal("22"), {"vat_code": code}, "full_prepayment")
    full = vat_code_for(Decimal("22"), {"vat_code": code}, PAYMENT_MODE_FULL)
    assert 1 <= prepay <= 12 and 1 <= full <= 12
    if code == "11":
        assert (prepay, full) == (12, 11)
    if code == "1":
        assert (prepay, full) == (1, 1)


def test_a_rate_without_a_yookassa_code_is_refused_with_a_message():
    with pytest.raises(ReceiptError, match="18"):
        vat_code_for(Decimal("18"), {}, "full_prepayment")


def test_phone_when_there_is_no_email(order):
    order.email, order.phone = "", "+79161234567"
    order.save()
    assert build_receipt(order, order.total, {})["customer"] == {"phone": "79161234567"}


def test_fit_keeps_the_sum_with_many_lines():
    lines = [Line(f"Билет {i}", Decimal("333.33"), 1) for i in range(7)]
    for amount in ("0.07", "1.00", "999.99", "2333.30"):
        assert sum(ln.amount for ln in fit(lines, Decimal(amount))) == Decimal(amount)


def test_line_mentions_the_sailing_time_in_the_events_time_zone(order, sailing):
    r = build_receipt(order, order.total, {})
    local = sailing.start.astimezone(factories.MSK)
    assert local.strftime("%d.%m.%Y %H:%M") in r["items"][0]["description"]
