"""
The lines every register is built from: one per payment and one per refund of a period (split per VAT rate where
an order has services taxed at different rates), and per order the revenue recognised on its sailing date.

Queries are bounded: the payments and refunds of the period with their orders (one query each), the VAT
composition and the sailings of those orders (SQL aggregates grouped by order), and for revenue the orders whose
last sailing falls in the period (SQL ``Max``) with their net received (SQL ``Sum``). Money is ``Decimal``.
"""
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db.models import DecimalField, Max, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.timezone import now as utcnow
from django.utils.translation import gettext as _
from i18nfield.strings import LazyI18nString

from pretix.base.models import Order, OrderFee, OrderPayment, OrderPosition, OrderRefund, Organizer

from ticketing_core.dateranges import day_bounds

KOPECK = Decimal("0.01")
ZERO = Decimal("0.00")
RECEIVED = (OrderPayment.PAYMENT_STATE_CONFIRMED, OrderPayment.PAYMENT_STATE_REFUNDED)
BANK_PROVIDERS = ("accounting_invoice", "banktransfer")
NO_VAT = None  # a rate of None: "Без НДС"


@dataclass
class Line:
    """A payment (``kind`` "payment") or refund ("refund") or its share at one VAT rate; amounts positive."""

    kind: str
    when: datetime
    order: str
    event: str
    buyer: str
    inn: str
    sailings: str
    service_date: date | None
    method: str
    method_group: str
    amount: Decimal
    vat_rate: Decimal | None
    vat: Decimal
    yookassa_id: str
    commission: Decimal | None
    receipt: str
    reference: str

    @property
    def signed(self) -> Decimal:
        return self.amount if self.kind == "payment" else -self.amount


def vat_of(amount: Decimal, rate: Decimal | None) -> Decimal:
    """The VAT included in a gross ``amount`` at ``rate`` percent (Russian prices include VAT)."""
    if not rate:
        return ZERO
    return (amount * rate / (Decimal(100) + rate)).quantize(KOPECK, ROUND_HALF_UP)


def split(amount: Decimal, shares: dict) -> list[tuple]:
    """
    ``amount`` spread over the VAT rates in proportion to ``shares`` (rate → gross of the order at that rate;
    discounts are negative and reduce their rate); the largest share takes what rounding leaves, so the parts add
    up to the kopeck. An order without a positive share keeps the whole amount without VAT.
    """
    positive = {r: s for r, s in shares.items() if s > 0}
    base = sum(positive.values(), ZERO)
    if base <= 0:
        return [(NO_VAT, amount)]
    parts = {r: (amount * s / base).quantize(KOPECK, ROUND_HALF_UP) for r, s in positive.items()}
    largest = max(parts, key=lambda r: (positive[r], str(r)))
    parts[largest] += amount - sum(parts.values(), ZERO)
    return sorted(((r, a) for r, a in parts.items() if a), key=lambda ra: (ra[0] is None, ra[0] or 0))


def _rate(value) -> Decimal | None:
    return None if value is None or Decimal(value) == 0 else Decimal(value).normalize()


def compositions(order_ids: set) -> dict:
    """order id → {VAT rate → gross}: every position and fee the order ever had (cancelled ones too)."""
    out: dict = defaultdict(lambda: defaultdict(lambda: ZERO))
    for row in OrderPosition.all.filter(order_id__in=order_ids).values("order_id", "tax_rate").annotate(
            s=Sum("price")):
        out[row["order_id"]][_rate(row["tax_rate"])] += row["s"] or ZERO
    for row in OrderFee.all.filter(order_id__in=order_ids).values("order_id", "tax_rate").annotate(s=Sum("value")):
        out[row["order_id"]][_rate(row["tax_rate"])] += row["s"] or ZERO
    return out


def sailings(order_ids: set, tz: ZoneInfo) -> dict:
    """order id → (text "Name dd.mm.yyyy hh:mm; …", the date of the last sailing)."""
    rows = OrderPosition.all.filter(order_id__in=order_ids).annotate(
        start=Coalesce("subevent__date_from", "order__event__date_from")).values(
        "order_id", "start", "subevent__name", "order__event__name").distinct()
    found: dict = defaultdict(dict)
    for r in rows:
        name = LazyI18nString(r["subevent__name"] or r["order__event__name"])
        found[r["order_id"]][r["start"]] = str(name)
    out = {}
    for oid, starts in found.items():
        ordered = sorted(starts)
        text = "; ".join(f"{starts[s]} {s.astimezone(tz):%d.%m.%Y %H:%M}" for s in ordered)
        out[oid] = (text, ordered[-1].astimezone(tz).date())
    return out


def buyer_of(order: Order) -> tuple[str, str]:
    """("ООО Ромашка", ИНН) for an organisation; a private person is not named (no customer data here)."""
    address = getattr(order, "invoice_address", None) if hasattr(order, "invoice_address") else None
    if address is not None and address.is_business and address.company:
        return address.company, address.vat_id or ""
    return _("Private person"), ""


def method_of(obj, provider: str) -> tuple[str, str]:
    """A readable payment method and its group (card/sbp/… for YooKassa, bank, pier, other)."""
    if provider == "yookassa":
        from ticketing_yoomoney.services.display import payment_details

        details = payment_details(obj)
        kind = details.get("method") or "yookassa"
        return f"{_('YooKassa')}: {details['method_label'] or kind}", f"yookassa_{kind}"
    if provider in BANK_PROVIDERS:
        return _("Bank transfer"), "bank"
    if provider == "manual":
        return _("At the pier"), "pier"
    return provider, provider


def _kopecks(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(KOPECK)
    except Exception:  # noqa: BLE001 - a missing or odd value is simply unknown
        return None


def _yookassa_facts(obj, provider: str, is_payment: bool) -> tuple[str, Decimal | None, str]:
    if provider != "yookassa":
        return "", None, ""
    info = obj.info_data or {}
    commission = None
    if is_payment and info.get("income_amount") not in (None, ""):
        income = _kopecks(info["income_amount"])
        commission = obj.amount - income if income is not None else None
    receipt = info.get("receipt_status") or ""
    settlement = (info.get("settlement") or {}).get("status") if is_payment else None
    if settlement:
        receipt = f"{receipt or '—'} / {_('settlement')}: {settlement}"
    return info.get("id") or "", commission, receipt


def register_lines(organizer: Organizer, start: date, end: date, tz: ZoneInfo) -> list[Line]:
    """Every payment received and refund made in ``[start, end]`` (the operator's days), oldest first."""
    first, after = day_bounds(start, end, tz)
    org_q = Q(order__event__organizer=organizer)
    payments = list(OrderPayment.objects.filter(org_q, state__in=RECEIVED, payment_date__gte=first,
                                                payment_date__lt=after)
                    .select_related("order", "order__event", "order__invoice_address"))
    refunds = list(OrderRefund.objects.filter(org_q, state=OrderRefund.REFUND_STATE_DONE)
                   .annotate(when=Coalesce("execution_date", "created"))
                   .filter(when__gte=first, when__lt=after)
                   .select_related("order", "order__event", "order__invoice_address", "payment"))
    ids = {p.order_id for p in payments} | {r.order_id for r in refunds}
    shares, trips = compositions(ids), sailings(ids, tz)
    lines: list[Line] = []
    for obj, is_payment in [(p, True) for p in payments] + [(r, False) for r in refunds]:
        order = obj.order
        buyer, inn = buyer_of(order)
        text, service = trips.get(order.pk, ("", None))
        # a refund is made the way its payment was (YooKassa keeps the method on the payment only)
        method, group = method_of(obj.payment if not is_payment and obj.payment_id else obj, obj.provider)
        yk_id, commission, receipt = _yookassa_facts(obj, obj.provider, is_payment)
        when = (obj.payment_date if is_payment else obj.when).astimezone(tz)
        if is_payment:
            doc = (obj.info_data or {}).get("bank_document") or {}
            reference = obj.full_id + (f" / п/п № {doc['number']} от {doc['date']}" if doc else "")
        else:
            reference = obj.full_id + (f" ({obj.payment.full_id})" if obj.payment_id else "")
        for i, (rate, part) in enumerate(split(obj.amount, shares.get(order.pk, {}))):
            lines.append(Line(
                "payment" if is_payment else "refund", when, order.code, order.event.slug, buyer, inn, text,
                service, method, group, part, rate, vat_of(part, rate), yk_id,
                commission if i == 0 else None, receipt, reference))
    lines.sort(key=lambda ln: (ln.when, ln.order, ln.kind, ln.vat_rate or 0))
    return lines


def revenue_lines(organizer: Organizer, start: date, end: date, tz: ZoneInfo) -> list[tuple]:
    """
    (sailing date, VAT rate, amount) of the revenue recognised in ``[start, end]``: for each order whose last
    sailing has taken place on one of those days, what was received for it less what was refunded, the amount
    YooKassa's settlement receipt (``full_payment`` against the prepayment) is sent for.
    """
    first, after = day_bounds(start, end, tz)
    after = min(after, utcnow())
    money = DecimalField(max_digits=13, decimal_places=2)
    paid = OrderPayment.objects.filter(order=OuterRef("pk"), state__in=RECEIVED).order_by().values(
        "order").annotate(s=Sum("amount")).values("s")
    refunded = OrderRefund.objects.filter(order=OuterRef("pk"), state=OrderRefund.REFUND_STATE_DONE).order_by(
    ).values("order").annotate(s=Sum("amount")).values("s")
    orders = (Order.objects.filter(event__organizer=organizer)
              .annotate(last_start=Max(Coalesce("all_positions__subevent__date_from", "event__date_from"),
                                       filter=Q(all_positions__canceled=False)))
              .filter(last_start__gte=first, last_start__lt=after)
              .annotate(net=Coalesce(Subquery(paid, output_field=money), Value(ZERO), output_field=money)
                        - Coalesce(Subquery(refunded, output_field=money), Value(ZERO), output_field=money))
              .filter(net__gt=0).values("pk", "last_start", "net"))
    orders = list(orders)
    shares = compositions({o["pk"] for o in orders})
    out = []
    for o in orders:
        day = o["last_start"].astimezone(tz).date()
        for rate, part in split(o["net"], shares.get(o["pk"], {})):
            out.append((day, rate, part, o["pk"]))
    return out

