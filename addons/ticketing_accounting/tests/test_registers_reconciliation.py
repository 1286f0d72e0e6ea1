"""
A month of mixed activity, and the registers proved against pretix and YooKassa to the kopeck:

* Σ payments − Σ refunds of the register = Σ of pretix's confirmed payments − done refunds of the period;
* advances received − returned − revenue recognised = what is still held for sailings to come, and the revenue of
  every YooKassa order equals the settlement receipt ticketing_yoomoney sent for it;
* the VAT of the lines adds up to the VAT per day (daily totals and the advances register);
* YooKassa's commission is its amount less the income_amount YooKassa reported.

Card payments go through the YooKassa emulator (ticketing_yoomoney's test fixtures); the bank transfer through a
statement import (pending payment of pretix's ``banktransfer`` provider); payment at the pier is pretix's manual one.
"""
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Sum
from django.utils.timezone import now

from pretix.base.models import Order, OrderFee, OrderPayment, OrderRefund, TaxRule

from ticketing_core.fleet.forms import default_cancel_message, default_cancel_subject
from ticketing_core.fleet.tasks import cancel_sailing
from ticketing_core.testing import factories
from ticketing_yoomoney.services.settlements import send_due_settlements
from ticketing_yoomoney.services.sync import sync_payment

from ..bankimport import services
from ..registers.lines import register_lines, revenue_lines
from ..registers.registers import REGISTERS
from .conftest import BANK_PLUGIN, pending_order
from .statements import document, statement

pytestmark = pytest.mark.django_db
D = Decimal


def card_pay(order, rf_request, emulator) -> OrderPayment:
    payment = order.payments.create(provider="yookassa", amount=order.total, state=OrderPayment.PAYMENT_STATE_CREATED)
    payment.payment_provider.execute_payment(rf_request, payment)
    payment.refresh_from_db()
    emulator.succeed(payment.info_data["id"])
    sync_payment(payment)
    payment.refresh_from_db()
    assert payment.state == OrderPayment.PAYMENT_STATE_CONFIRMED
    return payment


def refund(payment, amount: Decimal) -> OrderRefund:
    r = payment.order.refunds.create(payment=payment, source=OrderRefund.REFUND_SOURCE_ADMIN, amount=amount,
                                     state=OrderRefund.REFUND_STATE_CREATED, provider="yookassa")
    payment.payment_provider.execute_refund(r)
    r.refresh_from_db()
    assert r.state == OrderRefund.REFUND_STATE_DONE
    return r


def backdate(obj, when):
    if isinstance(obj, OrderPayment):
        OrderPayment.objects.filter(pk=obj.pk).update(payment_date=when)
    else:
        OrderRefund.objects.filter(pk=obj.pk).update(execution_date=when)


def test_a_month_reconciles_to_the_kopeck(organizer, shop, sailing, boat, pier, rf_request, emulator):
    shop.plugins += "," + BANK_PLUGIN
    shop.save()
    today = now()
    vat22 = TaxRule.objects.create(event=shop, name={"ru": "НДС 22 %"}, rate=D("22.00"), price_includes_tax=True)
    adult, child = shop.items.filter(admission=True).order_by("pk")[:2]
    wine = shop.items.get(admission=False)
    wine.tax_rule = vat22
    wine.save()
    past = factories.make_sailing(shop, boat, pier, today - timedelta(days=4))
    storm = factories.make_sailing(shop, boat, pier, today + timedelta(days=6))

    # 1. card, sailed (settlement receipt), with a discounted ticket, a 22 % product and a service fee
    o1 = factories.make_order(shop, past.subevent, [adult, child, wine], status=Order.STATUS_PENDING)
    p = o1.positions.get(item=child)
    p.price = D("810.00")  # a 10 % discount
    p.save()
    for fee_type, value in ((OrderFee.FEE_TYPE_SERVICE, D("99.90")), (OrderFee.FEE_TYPE_OTHER, D("-50.00"))):
        OrderFee.objects.create(order=o1, fee_type=fee_type, value=value, tax_rate=D("0"), tax_value=D("0"))
    for pos in o1.positions.filter(item=wine):
        pos.tax_rate, pos.tax_value, pos.tax_rule = D("22.00"), D("63.11"), vat22
        pos.save()
    o1.total = D("1500.00") + D("810.00") + D("350.00") + D("99.90") - D("50.00")
    o1.save()
    p1 = card_pay(o1, rf_request, emulator)
    backdate(p1, today - timedelta(days=20))

    # 2. card, sailed, partially refunded before the sailing
    o2 = factories.make_order(shop, past.subevent, [adult, adult], status=Order.STATUS_PENDING)
    p2 = card_pay(o2, rf_request, emulator)
    backdate(p2, today - timedelta(days=15))
    r2 = refund(p2, D("1500.00"))
    backdate(r2, today - timedelta(days=9))

    # 3. card, sailing still to come (an advance held)
    o3 = factories.make_order(shop, sailing.subevent, [adult, wine], status=Order.STATUS_PENDING)
    p3 = card_pay(o3, rf_request, emulator)
    backdate(p3, today - timedelta(days=2))

    # 4. card on the sailing the operator cancels: refunded in full
    o4 = factories.make_order(shop, storm.subevent, [child, child], status=Order.STATUS_PENDING)
    p4 = card_pay(o4, rf_request, emulator)
    backdate(p4, today - timedelta(days=12))
    cancel_sailing(shop.pk, sailing=storm.pk, reason="Шторм", send_subject=default_cancel_subject().data,
                   send_message=default_cancel_message().data)
    assert Order.objects.get(pk=o4.pk).status == Order.STATUS_CANCELED

    # 5. a school pays its Счёт by bank transfer (statement import), for the past sailing
    o5 = pending_order(shop, past.subevent, [child] * 5)
    assert services.import_statement(organizer, statement(document("412", o5.total, f"Заказ {o5.code}")),
                                     "s.txt").counts["matched"] == 1
    p5 = o5.payments.get(state=OrderPayment.PAYMENT_STATE_CONFIRMED)
    backdate(p5, today - timedelta(days=7))

    # 6. payment at the pier, on the day of the past sailing
    o6 = factories.make_order(shop, past.subevent, [adult], provider="manual")
    backdate(o6.payments.get(), today - timedelta(days=4, hours=-1))

    # the settlement receipts ticketing_yoomoney sends after the sailings
    past.subevent.date_from = today - timedelta(days=4)
    past.subevent.save()
    assert send_due_settlements() == 2  # o1 and o2; o3 sails later, o4 was cancelled
    settlements = {r["payment_id"]: D(r["settlements"][0]["amount"]["value"]) for r in emulator.receipts()
                   if any(s["type"] == "prepayment" for s in r.get("settlements", []))}
    assert settlements == {p1.info_data["id"]: o1.total, p2.info_data["id"]: D("1500.00")}

    tz = ZoneInfo(organizer.settings.timezone)
    start, end = (today - timedelta(days=30)).astimezone(tz).date(), today.astimezone(tz).date()
    lines = register_lines(organizer, start, end, tz)

    # Σ payments − Σ refunds = pretix's confirmed payments − done refunds of the period
    received = OrderPayment.objects.filter(order__event__organizer=organizer, state__in=(
        OrderPayment.PAYMENT_STATE_CONFIRMED, OrderPayment.PAYMENT_STATE_REFUNDED)).aggregate(s=Sum("amount"))["s"]
    returned = OrderRefund.objects.filter(order__event__organizer=organizer,
                                          state=OrderRefund.REFUND_STATE_DONE).aggregate(s=Sum("amount"))["s"]
    assert sum((ln.signed for ln in lines), D(0)) == received - returned
    assert sum((ln.amount for ln in lines if ln.kind == "payment"), D(0)) == received
    rows = REGISTERS["payments"].build(organizer, start, end, tz)
    totals = REGISTERS["payments"].totals(rows)
    assert totals["payment"] - totals["refund"] == received - returned
    assert {ln.order for ln in lines} == {o.code for o in (o1, o2, o3, o4, o5, o6)}
    # every order: its lines add up to what pretix says it holds
    by_order = defaultdict(lambda: D(0))
    for ln in lines:
        by_order[ln.order] += ln.signed
    for o in (o1, o2, o3, o4, o5, o6):
        o.refresh_from_db()
        assert by_order[o.code] == o.payment_refund_sum, o.code
    # o1 mixes 0 % and 22 %: split into two lines whose VAT is the 22 % share's
    o1_lines = [ln for ln in lines if ln.order == o1.code and ln.kind == "payment"]
    assert sorted(str(ln.vat_rate) for ln in o1_lines) == ["22", "None"]
    assert sum((ln.amount for ln in o1_lines), D(0)) == o1.total

    # revenue recognised = the settlement receipts (YooKassa orders) and the bank and pier orders' net
    revenue = defaultdict(lambda: D(0))
    for _day, _rate, amount, order_pk in revenue_lines(organizer, start, end, tz):
        revenue[order_pk] += amount
    assert revenue[o1.pk] == settlements[p1.info_data["id"]]
    assert revenue[o2.pk] == settlements[p2.info_data["id"]]
    assert set(revenue) == {o1.pk, o2.pk, o5.pk, o6.pk}
    assert revenue[o5.pk] == o5.total and revenue[o6.pk] == o6.total
    advances = REGISTERS["advances"].build(organizer, start, end, tz)
    adv = REGISTERS["advances"].totals(advances)
    assert adv["received"] - adv["returned"] == received - returned
    assert adv["revenue"] == sum(revenue.values(), D(0))
    # what is still held as an advance is exactly the order whose sailing is to come
    assert adv["change"] == o3.total

    # VAT of the lines = VAT per day (daily totals) = VAT per day and rate (advances register)
    line_vat = defaultdict(lambda: D(0))
    for ln in lines:
        line_vat[ln.when.date()] += ln.vat if ln.kind == "payment" else -ln.vat
    daily_vat = defaultdict(lambda: D(0))
    for row in REGISTERS["daily"].build(organizer, start, end, tz):
        daily_vat[row["day"]] += row["vat"]
    assert daily_vat == line_vat and any(line_vat.values())
    adv_vat = defaultdict(lambda: D(0))
    for row in advances:
        adv_vat[row["day"]] += row["vat_received"] - row["vat_returned"]
    assert {d: v for d, v in adv_vat.items() if v} == {d: v for d, v in line_vat.items() if v}

    # YooKassa: commission = amount − income_amount as YooKassa reported it
    theirs = {p["id"]: D(p["amount"]["value"]) - D(p["income_amount"]["value"]) for p in emulator.payments()
              if p.get("income_amount")}
    yk = REGISTERS["yookassa"].totals(REGISTERS["yookassa"].build(organizer, start, end, tz))
    assert yk["commission"] == sum(theirs.values(), D(0)) > 0
    assert yk["gross"] == sum((p.amount for p in (p1, p2, p3, p4)), D(0))
    assert yk["refunds"] == D("1500.00") + o4.total
    assert yk["count"] == 4
