"""
What a document says, built once from the order when it is issued and stored with it (``Document.data``), so a
reprint years later shows what was sent even if the product names or the requisites have changed since.
Everything here is Russian: accounting documents are, whatever the buyer's language.
"""
from collections import OrderedDict
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils import translation
from django.utils.formats import date_format

from pretix.base.models import Order, OrderPayment, OrderRefund

from ticketing_core.hooks import departure_of_position

from ..requisites.settings import USN_TEXT, supplier
from .words import amount_in_words

ZERO = Decimal("0.00")


def money(value) -> str:
    """"1 500,00" with a non-breaking space between thousands, as Russian documents print amounts."""
    text = f"{Decimal(value):,.2f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def ru_date(day: date) -> str:
    """"7 декабря 2026 г." in Russian, whatever the active language."""
    with translation.override("ru"):
        return f"{date_format(day, 'j E Y')} г."


def _rate_text(rate: Decimal, vat_payer: bool) -> str:
    if rate and rate > 0:
        return f"в т. ч. НДС {rate.normalize():f} %"
    return USN_TEXT if not vat_payer else "Без НДС"


def _local(dt, event):
    return dt.astimezone(ZoneInfo(str(event.settings.timezone)))


def order_lines(order: Order, vat_payer: bool) -> list[dict]:
    """One line per sailing, product and price (a group of 30 pupils is one line of 30), then each fee."""
    lines: OrderedDict = OrderedDict()
    with translation.override("ru"):
        for p in order.positions.select_related("item", "variation", "subevent").order_by("subevent__date_from", "pk"):
            departure = departure_of_position(p, order.event)
            when = _local(departure.start, order.event)
            sailing = str(p.subevent.name) if p.subevent_id else str(order.event.name)
            product = str(p.item.name) + (f" – {p.variation.value}" if p.variation_id else "")
            key = (p.subevent_id, p.item_id, p.variation_id, p.price, p.tax_rate)
            line = lines.setdefault(key, {
                "name": f"{product}: «{sailing}», отправление {date_format(when, 'd.m.Y H:i')}",
                "unit": "шт", "quantity": 0, "price": p.price, "total": ZERO, "tax_rate": p.tax_rate,
                "tax": ZERO, "sailing_date": when.date().isoformat()})
            line["quantity"] += 1
            line["total"] += p.price
            line["tax"] += p.tax_value
        for f in order.fees.all():
            key = ("fee", f.pk)
            lines[key] = {"name": str(f.description or f.get_fee_type_display()), "unit": "усл", "quantity": 1,
                          "price": f.value, "total": f.value, "tax_rate": f.tax_rate, "tax": f.tax_value,
                          "sailing_date": None}
    result = []
    for line in lines.values():
        line["vat_text"] = _rate_text(line["tax_rate"], vat_payer)
        result.append({k: (str(v) if isinstance(v, Decimal) else v) for k, v in line.items()})
    return result


def vat_summary(lines: list[dict], vat_payer: bool) -> list[dict]:
    """"В том числе НДС 22 %: 270,49" per rate, or one "Без НДС (УСН)" line when no line carries VAT."""
    rates: OrderedDict = OrderedDict()
    for line in lines:
        rate = Decimal(line["tax_rate"])
        rates.setdefault(rate, ZERO)
        rates[rate] += Decimal(line["tax"])
    summary = []
    for rate, tax in rates.items():
        if rate > 0:
            summary.append({"text": f"В том числе НДС {rate.normalize():f} %", "amount": str(tax)})
    if not summary:
        summary.append({"text": USN_TEXT if not vat_payer else "Без НДС", "amount": None})
    return summary


def parties(order: Order) -> dict:
    s = supplier(order.event.organizer)
    buyer = getattr(order, "ticketing_b2b_buyer", None)
    supplier_line = ", ".join(x for x in [s.name, f"ИНН {s.inn}" if s.inn else "", f"КПП {s.kpp}" if s.kpp else "",
                                          s.address] if x)
    if buyer is not None:
        buyer_line = buyer.requisites_line()
    else:
        address = getattr(order, "invoice_address", None)
        buyer_line = (address.company or address.name) if address else order.email or ""
    return {
        "supplier": {"name": s.name, "inn": s.inn, "kpp": s.kpp, "ogrn": s.ogrn, "address": s.address,
                     "bank_name": s.bank_name, "bik": s.bik, "account": s.account, "corr_account": s.corr_account,
                     "director": s.director, "chief_accountant": s.chief_accountant, "line": supplier_line,
                     "vat_payer": s.vat_payer},
        "buyer": {"line": buyer_line, "name": buyer.name if buyer else buyer_line,
                  "inn": buyer.inn if buyer else "", "kpp": buyer.kpp if buyer else ""},
    }


def paid_and_refunded(order: Order) -> tuple[Decimal, Decimal]:
    paid = order.payments.filter(state__in=(OrderPayment.PAYMENT_STATE_CONFIRMED, OrderPayment.PAYMENT_STATE_REFUNDED)
                                 ).aggregate(s=Sum("amount"))["s"] or ZERO
    refunded = order.refunds.filter(state__in=(OrderRefund.REFUND_STATE_DONE, OrderRefund.REFUND_STATE_TRANSIT)
                                    ).aggregate(s=Sum("amount"))["s"] or ZERO
    return paid, refunded


def build(order: Order, kind: str, number: int, day: date, due: date | None = None) -> dict:
    """Everything the PDF of a document prints, with the total and its words."""
    p = parties(order)
    vat_payer = p["supplier"]["vat_payer"]
    lines = order_lines(order, vat_payer)
    total = sum((Decimal(line["total"]) for line in lines), ZERO)
    data = {**p, "number": number, "date": day.isoformat(), "date_text": ru_date(day), "order_code": order.code,
            "lines": lines, "vat": vat_summary(lines, vat_payer), "total": str(total), "refunds": []}
    if kind != "invoice":
        _paid, refunded = paid_and_refunded(order)
        if refunded:
            data["refunds"] = [{"text": "Возвращено заказчику", "amount": str(refunded)}]
            total = max(ZERO, total - refunded)
            data["total"] = str(total)
    data["words"] = amount_in_words(total)
    vat_words = "; ".join(f"{v['text']} {money(v['amount'])} руб." if v["amount"] else v["text"] for v in data["vat"])
    data["purpose"] = f"Оплата по счёту № {number} от {day.strftime('%d.%m.%Y')}, заказ {order.code}. {vat_words}"
    if due:
        data["due"] = due.isoformat()
        data["due_text"] = ru_date(due)
    return data
