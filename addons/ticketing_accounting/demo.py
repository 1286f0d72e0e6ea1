"""
The accounting part of the demo operator: a month of payments and refunds (cards through YooKassa, SBP, payment at
the pier, a group paying by bank transfer, partial and full refunds), two sailings that have taken place (revenue)
and later ones (advances), so every register has figures; and the school group's order **SHKL7** awaiting its
bank transfer, which ``bankimport/samples/statement_demo.txt`` pays when imported.

Tolerant by design: it runs after core's events exist, uses the first event with dates, skips what is missing
(no event, no products), and never creates anything twice (the orders carry a marker in their comment). When
the bank-invoice provider (``accounting_invoice``) is there, SHKL7's pending payment is one of it; if an order
SHKL7 exists already (the B2B demo's), it is left as it is.
"""
import json
import secrets
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils.timezone import now

from pretix.base.models import (
    Event,
    InvoiceAddress,
    Order,
    OrderPayment,
    OrderPosition,
    OrderRefund,
    Quota,
    SubEvent,
)

from ticketing_core.demo import BAR_QUOTA_NAME, FLEET_POSITION, DemoLoader
from ticketing_core.errors import TicketingError
from ticketing_core.fleet.models import Sailing
from ticketing_core.fleet.sailings import save_sailing

from .b2b.services import record_buyer
from .documents.services import DocumentError, issue_invoice

MARKER = "prichal-demo-accounting"
SCHOOL_CODE = "SHKL7"
SCHOOL_TOTAL = Decimal("18000.00")
COMMISSION = Decimal("0.035")

# (days ago paid, method, tickets (adult, child), sailing: "past1" | "past2" | "future", refund: None | "part" | "all")
ACTIVITY = (
    (27, "bank_card", (2, 1), "past1", None),
    (25, "sbp", (1, 0), "past1", None),
    (22, "bank_card", (2, 2), "past1", "part"),
    (20, "pier", (2, 0), "past1", None),
    (18, "bank_card", (1, 1), "past2", None),
    (15, "bank", (10, 15), "past2", None),
    (13, "bank_card", (3, 0), "past2", "all"),
    (11, "sbp", (2, 1), "past2", None),
    (9, "bank_card", (1, 0), "future", None),
    (7, "pier", (1, 1), "past2", None),
    (5, "bank_card", (2, 0), "future", "part"),
    (3, "sbp", (4, 2), "future", None),
    (1, "bank_card", (2, 1), "future", None),
)


def _event(context) -> Event | None:
    for event in context.events:
        if event.has_subevents and event.items.filter(admission=True).exists():
            return event
    return None


def _sailing(event: Event, start: datetime) -> SubEvent:
    """A date of ``event`` at ``start``: a sailing like the event's others (same vessel and piers) where possible."""
    se = event.subevents.filter(date_from=start).first()
    if se is not None:
        return se
    model = Sailing.objects.filter(event=event).select_related("vessel").first()
    duration = model.duration if model else timedelta(hours=1)
    se = SubEvent.objects.create(event=event, name=event.name, date_from=start, date_to=start + duration,
                                 active=True, is_public=False)
    if model is not None:
        try:
            with transaction.atomic():
                save_sailing(event, se, vessel=model.vessel, departure_pier=model.departure_pier,
                             arrival_pier=model.arrival_pier, duration=duration)
        except TicketingError:  # the vessel was busy then: a date without a vessel still carries the figures
            pass
    extras = list(event.items.filter(admission=False))
    if extras:  # drinks are sold from a quota of their own on every date, as on core's dates
        quota = Quota.objects.create(event=event, subevent=se, name=BAR_QUOTA_NAME, size=None)
        quota.items.set(extras)
    return se


def _order(event: Event, subevent: SubEvent, items: list, created: datetime, status: str, code: str | None = None):
    total = sum((i.default_price for i in items), Decimal("0.00"))
    kwargs = {"code": code} if code else {}
    order = Order.objects.create(
        event=event, email="demo.buyer@example.org", status=status, locale="ru", total=total, datetime=created,
        expires=created + timedelta(days=5), sales_channel=event.organizer.sales_channels.get(identifier="web"),
        comment=MARKER, **kwargs)
    for item in items:
        OrderPosition.objects.create(order=order, item=item, subevent=subevent, price=item.default_price,
                                     tax_rate=Decimal("0"), tax_value=Decimal("0"),
                                     attendee_name_parts={"full_name": "Пассажир"})
    return order


def _pay(order: Order, method: str, when: datetime) -> OrderPayment:
    info: dict = {}
    provider = {"pier": "manual", "bank": "banktransfer"}.get(method, "yookassa")
    if provider == "yookassa":
        income = (order.total * (1 - COMMISSION)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        info = {"id": f"demo-{secrets.token_hex(8)}", "status": "succeeded", "test": True,
                "payment_method": {"type": method, **({"card_last4": "4477"} if method == "bank_card" else {})},
                "income_amount": str(income), "receipt_status": "succeeded"}
    elif provider == "banktransfer":
        info = {"bank_document": {"number": "318", "date": when.date().isoformat(), "payer": "ООО «Турагентство Север»",
                                  "inn": "7802123458"}}
    return order.payments.create(provider=provider, amount=order.total, state=OrderPayment.PAYMENT_STATE_CONFIRMED,
                                 payment_date=when, info=json.dumps(info))


def load_registers(context) -> None:
    organizer = context.organizer
    if "ticketing_accounting" not in (organizer.plugins or "").split(","):
        organizer.enable_plugin("ticketing_accounting", allow_restricted=["ticketing_accounting"])
        organizer.save(update_fields=["plugins"])  # the Accounting section of the back office
        context.tally.add("accounting switched on")
    event = _event(context)
    if event is None:
        context.tally.skipped.append("accounting demo: no event with dates and tickets")
        return
    adult, child = (list(event.items.filter(admission=True).order_by("default_price").reverse()) * 2)[:2]
    today = now().astimezone(event.timezone).replace(hour=12, minute=0, second=0, microsecond=0)
    sailings = {"past1": _sailing(event, today - timedelta(days=16, hours=-7)),
                "past2": _sailing(event, today - timedelta(days=4, hours=-7)),
                "future": event.subevents.filter(date_from__gt=now()).order_by("date_from").first()}
    if sailings["future"] is None:
        sailings["future"] = _sailing(event, today + timedelta(days=5, hours=7))
    if not Order.objects.filter(event__organizer=context.organizer, comment=MARKER).exists():
        for days, method, (adults, children), key, refund in ACTIVITY:
            when = today - timedelta(days=days, hours=-(days % 5))
            order = _order(event, sailings[key], [adult] * adults + [child] * children, when, Order.STATUS_PAID)
            if method == "bank":
                InvoiceAddress.objects.create(order=order, is_business=True, company="ООО «Турагентство Север»",
                                              vat_id="7802123458")
            payment = _pay(order, method, when)
            if refund:
                amount = order.total if refund == "all" else adult.default_price
                order.refunds.create(payment=payment, provider=payment.provider, amount=amount,
                                     state=OrderRefund.REFUND_STATE_DONE, source=OrderRefund.REFUND_SOURCE_ADMIN,
                                     execution_date=when + timedelta(days=2))
                if refund == "all":
                    order.status = Order.STATUS_CANCELED
                    order.save(update_fields=["status"])
                    order.positions.update(canceled=True)
            order.create_transactions()  # pretix's transaction log (its reports read it; DEBUG checks it)
            context.tally.add("accounting demo order")
    _school_order(context, event, child, sailings["future"])


def _school_order(context, event: Event, child, subevent: SubEvent) -> None:
    """The school group's order the sample statement pays (20 children × 900 ₽ = 18 000 ₽)."""
    if Order.objects.filter(event__organizer=context.organizer, code=SCHOOL_CODE).exists():
        return
    order = Order.objects.create(
        event=event, code=SCHOOL_CODE, email="school123@example.org", status=Order.STATUS_PENDING, locale="ru",
        total=SCHOOL_TOTAL, expires=now() + timedelta(days=5), comment=MARKER,
        sales_channel=event.organizer.sales_channels.get(identifier="web"))
    for _ in range(20):
        OrderPosition.objects.create(order=order, item=child, subevent=subevent, price=SCHOOL_TOTAL / 20,
                                     tax_rate=Decimal("0"), tax_value=Decimal("0"),
                                     attendee_name_parts={"full_name": "Ученик 3 «А» класса"})
    order.create_transactions()
    # the buyer as the B2B checkout stores it (ИНН in pretix's invoice address, КПП and the rest with the order)
    record_buyer(order, {"name": "ГБОУ Школа № 123", "inn": "7701234560", "kpp": "770101001",
                         "legal_address": "101000, Москва, ул. Мясницкая, д. 1",
                         "documents_email": "school123@example.org", "contact_person": "Кузнецова О. П."})
    if "accounting_invoice" in event.get_payment_providers():
        order.payments.create(provider="accounting_invoice", amount=SCHOOL_TOTAL,
                              state=OrderPayment.PAYMENT_STATE_CREATED)
    try:  # its Счёт, which the sample statement (bankimport/samples/statement_demo.txt) pays when imported
        issue_invoice(order)
    except DocumentError as e:
        context.tally.skipped.append(f"Счёт {order.code}: {e}")
    context.tally.add("school group order awaiting a bank transfer")


def loaders() -> list[DemoLoader]:
    return [DemoLoader(FLEET_POSITION + 60, load_registers)]
