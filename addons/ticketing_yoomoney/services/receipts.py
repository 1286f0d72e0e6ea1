"""
54-FZ receipt data sent with every payment, refund and settlement (YooKassa forwards it to the
operator's online cash register or to "Чеки от ЮKassa"). The items must add up to exactly the
amount charged or refunded, so every scaling and rounding step below keeps the sum to the kopeck.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from pretix.base.models import Order, OrderFee, OrderPosition

KOPECK = Decimal("0.01")
MAX_DESCRIPTION = 128
MAX_ITEMS = 100

PAYMENT_MODE_PREPAYMENT = "full_prepayment"
PAYMENT_MODE_FULL = "full_payment"

# YooKassa's vat_code values (API reference, "Коды ставок НДС"), the full list in force since 1 January 2026.
VAT_CODES = (
    ("1", _("No VAT (not a VAT payer)")),
    ("2", _("VAT 0 %")),
    ("3", _("VAT 10 %")),
    ("4", _("VAT 20 %")),
    ("5", _("VAT 10/110 (calculated)")),
    ("6", _("VAT 20/120 (calculated)")),
    ("7", _("VAT 5 %")),
    ("8", _("VAT 7 %")),
    ("9", _("VAT 5/105 (calculated)")),
    ("10", _("VAT 7/107 (calculated)")),
    ("11", _("VAT 22 %")),
    ("12", _("VAT 22/122 (calculated)")),
)
VAT_AUTO = "auto"
# A rate of a pretix tax rule → (code at settlement, code on a prepayment or its refund). The tax code
# (art. 164 §4) wants the calculated rate (22/122) on advance payments and the plain one (22 %) once
# the service is rendered.
RATE_CODES = {
    Decimal("0"): (1, 1),
    Decimal("5"): (7, 9),
    Decimal("7"): (8, 10),
    Decimal("10"): (3, 5),
    Decimal("20"): (4, 6),
    Decimal("22"): (11, 12),
}
# The same pairs for a fixed code chosen in the settings, in either direction.
_PLAIN_OF_CALCULATED = {5: 3, 6: 4, 9: 7, 10: 8, 12: 11}
_CALCULATED_OF_PLAIN = {v: k for k, v in _PLAIN_OF_CALCULATED.items()}

TAX_SYSTEMS = (
    ("", _("Not sent (the cash register knows it)")),
    ("1", _("General (OSN)")),
    ("2", _("Simplified, income (USN)")),
    ("3", _("Simplified, income minus expenses")),
    ("4", _("Unified tax on imputed income (ENVD)")),
    ("5", _("Unified agricultural tax")),
    ("6", _("Patent")),
)
PAYMENT_SUBJECTS = (
    ("service", _("Service")),
    ("commodity", _("Commodity")),
    ("another", _("Other")),
)


class ReceiptError(ValueError):
    """The order cannot be described as a valid receipt (e.g. a tax rate YooKassa has no code for)."""


@dataclass
class Line:
    description: str
    amount: Decimal  # total of the line
    vat_code: int


def vat_code_for(rate: Decimal | None, settings, payment_mode: str) -> int:
    """The receipt's vat_code for a product taxed at ``rate``, as the settings ask."""
    prepayment = payment_mode != PAYMENT_MODE_FULL
    chosen = str(settings.get("vat_code", VAT_AUTO) or VAT_AUTO)
    if chosen != VAT_AUTO:
        code = int(chosen)
        if prepayment:
            return _CALCULATED_OF_PLAIN.get(code, code)
        return _PLAIN_OF_CALCULATED.get(code, code)
    if rate is None:
        return 1
    rate = Decimal(rate or 0)
    if rate not in RATE_CODES:
        raise ReceiptError(_("YooKassa has no VAT code for a tax rate of {rate} %.").format(rate=f"{rate:g}"))
    plain, calculated = RATE_CODES[rate]
    return calculated if prepayment else plain


def _russian(value) -> str:
    """Receipts are fiscal documents in Russian, whatever language the customer shopped in."""
    with translation.override("ru"):
        return str(value.localize("ru") if hasattr(value, "localize") else value)


def _position_name(p: OrderPosition, order: Order) -> str:
    name = _russian(p.item.name)
    if p.variation_id:
        name += f" – {_russian(p.variation.value)}"
    date = p.subevent.date_from if p.subevent_id else order.event.date_from
    return f"{name}, {date.astimezone(order.event.timezone):%d.%m.%Y %H:%M}"


def _fee_name(f: OrderFee) -> str:
    with translation.override("ru"):
        return str(f.get_fee_type_display())


def order_lines(order: Order, settings, payment_mode: str, positions: Iterable[OrderPosition] | None = None,
                fees: Iterable[OrderFee] | None = None) -> list[Line]:
    """One line per position and fee with a price; negative fees (discounts) stay negative here."""
    positions = order.positions.all() if positions is None else positions
    fees = order.fees.all() if fees is None else fees
    lines = []
    for p in positions:
        if p.price:
            lines.append(Line(_position_name(p, order), p.price, vat_code_for(p.tax_rate, settings, payment_mode)))
    for f in fees:
        if f.value:
            lines.append(Line(_fee_name(f), f.value, vat_code_for(f.tax_rate, settings, payment_mode)))
    return lines


def fit(lines: list[Line], amount: Decimal) -> list[Line]:
    """
    Scale the lines to ``amount`` (a partial payment or refund, or negative fees spread over the
    rest); the largest line takes what rounding leaves over, so the sum is exact.
    """
    amount = Decimal(amount).quantize(KOPECK)
    positive = [ln for ln in lines if ln.amount > 0]
    total = sum((ln.amount for ln in lines), Decimal("0.00"))
    if total == amount and len(positive) == len(lines):
        return lines
    base = sum((ln.amount for ln in positive), Decimal("0.00"))
    if base <= 0 or amount <= 0:
        raise ReceiptError(_("There is nothing in this order a receipt could list."))
    scaled = [Line(ln.description, (ln.amount * amount / base).quantize(KOPECK, ROUND_HALF_UP), ln.vat_code)
              for ln in positive]
    largest = max(range(len(scaled)), key=lambda i: scaled[i].amount)
    scaled[largest].amount += amount - sum((ln.amount for ln in scaled), Decimal("0.00"))
    return [ln for ln in scaled if ln.amount > 0]


def _items(lines: list[Line], settings, payment_mode: str) -> list[dict]:
    """Identical lines become one item with a quantity (a receipt holds at most 100 items)."""
    grouped: dict[tuple, int] = {}
    for ln in lines:
        key = (ln.description[:MAX_DESCRIPTION], ln.amount, ln.vat_code)
        grouped[key] = grouped.get(key, 0) + 1
    if len(grouped) > MAX_ITEMS:
        raise ReceiptError(_("A receipt can hold at most {n} different items.").format(n=MAX_ITEMS))
    return [{
        "description": description,
        "quantity": f"{quantity}.00",
        "amount": {"value": f"{unit:.2f}", "currency": "RUB"},
        "vat_code": vat_code,
        "payment_subject": settings.get("payment_subject", "service") or "service",
        "payment_mode": payment_mode,
    } for (description, unit, vat_code), quantity in grouped.items()]


def customer_of(order: Order) -> dict:
    """Where the cash register sends the receipt: e-mail, else phone (E.164 digits without "+")."""
    if order.email:
        return {"email": order.email}
    if order.phone:
        return {"phone": str(order.phone).lstrip("+")}
    raise ReceiptError(_("A receipt needs the customer's e-mail address or phone number."))


def build_receipt(order: Order, amount: Decimal, settings, payment_mode: str = PAYMENT_MODE_PREPAYMENT,
                  lines: list[Line] | None = None) -> dict:
    """The ``receipt`` object of a payment or refund of ``amount`` for ``order``."""
    if lines is None:
        lines = order_lines(order, settings, payment_mode)
    if not lines:
        lines = [Line(f"Заказ {order.code}", Decimal(amount), vat_code_for(None, settings, payment_mode))]
    receipt = {"customer": customer_of(order), "items": _items(fit(lines, amount), settings, payment_mode)}
    if settings.get("tax_system_code"):
        receipt["tax_system_code"] = int(settings.get("tax_system_code"))
    return receipt


def build_refund_receipt(refund, settings) -> dict:
    """
    A refund's receipt lists what was given back: when the refund is exactly the cancelled positions
    and fees of the order, those; otherwise the whole order scaled to the refunded amount.
    """
    order = refund.order
    canceled_positions = [p for p in order.all_positions.all() if p.canceled]
    canceled_fees = [f for f in order.all_fees.all() if f.canceled]
    lines = order_lines(order, settings, PAYMENT_MODE_PREPAYMENT, canceled_positions, canceled_fees)
    if sum((ln.amount for ln in lines), Decimal("0.00")) != refund.amount:
        lines = order_lines(order, settings, PAYMENT_MODE_PREPAYMENT, order.all_positions.all(),
                            order.all_fees.all())
    return build_receipt(order, refund.amount, settings, PAYMENT_MODE_PREPAYMENT, lines)


def build_settlement_receipt(payment, amount: Decimal, settings) -> dict:
    """
    After the sailing: a ``full_payment`` receipt for what was prepaid, settled against that
    prepayment (54-FZ wants both: the advance when the money came, the service when rendered).
    """
    order = payment.order
    lines = order_lines(order, settings, PAYMENT_MODE_FULL)
    receipt = build_receipt(order, amount, settings, PAYMENT_MODE_FULL, lines)
    receipt.update({
        "type": "payment",
        "payment_id": payment.info_data.get("id"),
        "send": True,
        "settlements": [{"type": "prepayment", "amount": {"value": f"{amount:.2f}", "currency": "RUB"}}],
    })
    return receipt
