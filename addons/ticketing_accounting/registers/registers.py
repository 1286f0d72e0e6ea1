"""
The four registers as tables: their columns (with a type, so the XLSX gets typed cells and the screen aligns
numbers), their rows for a period, and their totals. Column layouts are documented in the addon's README for
1C's "Загрузка данных из табличного документа".
"""
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from pretix.base.models import Organizer

from .lines import ZERO, register_lines, revenue_lines

TEXT, DATE, DATETIME, MONEY, RATE, COUNT = "text", "date", "datetime", "money", "rate", "count"


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    type: str = TEXT


@dataclass(frozen=True)
class Register:
    key: str
    title: object
    description: object
    columns: tuple
    build: Callable[[Organizer, date, date, ZoneInfo], list[dict]]

    def totals(self, rows: list[dict]) -> dict:
        """Sums of the money and count columns (the payments register sums payments and refunds apart)."""
        out = {c.key: sum((r[c.key] or 0 for r in rows), Decimal(0) if c.type == MONEY else 0)
               for c in self.columns if c.type in (MONEY, COUNT)}
        return out


def rate_label(rate: Decimal | None) -> str:
    return f"{rate:g} %" if rate else str(_("No VAT"))


def _payments(organizer, start, end, tz) -> list[dict]:
    rows = []
    for ln in register_lines(organizer, start, end, tz):
        rows.append({
            "when": ln.when.replace(tzinfo=None), "kind": str(_("Payment") if ln.kind == "payment" else _("Refund")),
            "order": ln.order, "buyer": ln.buyer, "inn": ln.inn, "sailings": ln.sailings,
            "service_date": ln.service_date, "method": ln.method,
            "payment": ln.amount if ln.kind == "payment" else ZERO,
            "refund": ln.amount if ln.kind == "refund" else ZERO,
            "vat_rate": rate_label(ln.vat_rate), "vat": ln.vat if ln.kind == "payment" else -ln.vat,
            "yookassa_id": ln.yookassa_id, "commission": ln.commission, "receipt": ln.receipt,
            "reference": ln.reference,
        })
    return rows


def _advances(organizer, start, end, tz) -> list[dict]:
    table: dict = defaultdict(lambda: {"received": ZERO, "returned": ZERO, "revenue": ZERO,
                                       "vat_received": ZERO, "vat_returned": ZERO, "vat_revenue": ZERO})
    from .lines import vat_of

    for ln in register_lines(organizer, start, end, tz):
        cell = table[(ln.when.date(), ln.vat_rate)]
        if ln.kind == "payment":
            cell["received"] += ln.amount
            cell["vat_received"] += ln.vat
        else:
            cell["returned"] += ln.amount
            cell["vat_returned"] += ln.vat
    for day, rate, amount, _order in revenue_lines(organizer, start, end, tz):
        cell = table[(day, rate)]
        cell["revenue"] += amount
        cell["vat_revenue"] += vat_of(amount, rate)
    rows = []
    for (day, rate), cell in sorted(table.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0)):
        rows.append({"day": day, "vat_rate": rate_label(rate), **cell,
                     "change": cell["received"] - cell["returned"] - cell["revenue"]})
    return rows


def _daily(organizer, start, end, tz) -> list[dict]:
    table: dict = defaultdict(lambda: {"count": 0, "received": ZERO, "returned": ZERO, "vat": ZERO})
    for ln in register_lines(organizer, start, end, tz):
        cell = table[(ln.when.date(), ln.method_group, ln.vat_rate)]
        cell.setdefault("method", ln.method.split(" •")[0])
        if ln.kind == "payment":
            cell["received"] += ln.amount
            cell["count"] += 1
            cell["vat"] += ln.vat
        else:
            cell["returned"] += ln.amount
            cell["vat"] -= ln.vat
    return [{"day": day, "method": cell.pop("method"), "vat_rate": rate_label(rate), **cell,
             "net": cell["received"] - cell["returned"]}
            for (day, _group, rate), cell in sorted(table.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0))]


def _yookassa(organizer, start, end, tz) -> list[dict]:
    table: dict = defaultdict(lambda: {"count": 0, "gross": ZERO, "commission": ZERO, "refunds": ZERO})
    seen = set()
    for ln in register_lines(organizer, start, end, tz):
        if not ln.method_group.startswith("yookassa"):
            continue
        cell = table[ln.when.date()]
        if ln.kind == "payment":
            cell["gross"] += ln.amount
            if ln.commission is not None:
                cell["commission"] += ln.commission
            if ln.reference not in seen:
                seen.add(ln.reference)
                cell["count"] += 1
        else:
            cell["refunds"] += ln.amount
    return [{"day": day, **cell, "net": cell["gross"] - cell["commission"],
             "payout": cell["gross"] - cell["commission"] - cell["refunds"]} for day, cell in sorted(table.items())]


REGISTERS: dict[str, Register] = {r.key: r for r in (
    Register("payments", pgettext_lazy("accounting register", "Payments and refunds"),
             _("One line per payment and per refund (a payment for services at several VAT rates: one line per "
               "rate)."),
             (Column("when", _("Date and time"), DATETIME), Column("kind", _("Operation")),
              Column("order", _("Order")), Column("buyer", _("Buyer")), Column("inn", _("INN")),
              Column("sailings", _("Sailings")), Column("service_date", _("Service date"), DATE),
              Column("method", _("Payment method")), Column("payment", _("Received"), MONEY),
              Column("refund", _("Refunded"), MONEY), Column("vat_rate", _("VAT rate")),
              Column("vat", _("VAT"), MONEY), Column("yookassa_id", _("YooKassa payment")),
              Column("commission", _("YooKassa commission"), MONEY), Column("receipt", _("54-FZ receipt")),
              Column("reference", _("Reference"))),
             _payments),
    Register("advances", pgettext_lazy("accounting register", "Advances and revenue"),
             _("Per day and VAT rate: advances received and returned (by payment date), and revenue recognised on "
               "the date of the sailing (what was received for the order, less refunds): the amount of the "
               "settlement receipt."),
             (Column("day", _("Date"), DATE), Column("vat_rate", _("VAT rate")),
              Column("received", _("Advances received"), MONEY), Column("vat_received", _("VAT on advances"), MONEY),
              Column("returned", _("Advances returned"), MONEY),
              Column("vat_returned", _("VAT on returned advances"), MONEY),
              Column("revenue", _("Revenue recognised"), MONEY), Column("vat_revenue", _("VAT on revenue"), MONEY),
              Column("change", _("Change of advances held"), MONEY)),
             _advances),
    Register("daily", pgettext_lazy("accounting register", "Daily totals"),
             _("Per day, payment method and VAT rate: the basis of the retail sales report."),
             (Column("day", _("Date"), DATE), Column("method", _("Payment method")),
              Column("vat_rate", _("VAT rate")), Column("count", _("Payments"), COUNT),
              Column("received", _("Received"), MONEY), Column("returned", _("Refunded"), MONEY),
              Column("net", _("Net"), MONEY), Column("vat", _("VAT"), MONEY)),
             _daily),
    Register("yookassa", pgettext_lazy("accounting register", "YooKassa reconciliation"),
             _("Per day: card and SBP payments through YooKassa, its commission (amount less the income it "
               "reports), refunds, and what YooKassa owes for the day."),
             (Column("day", _("Date"), DATE), Column("count", _("Payments"), COUNT),
              Column("gross", _("Gross"), MONEY), Column("commission", _("Commission"), MONEY),
              Column("net", _("Net"), MONEY), Column("refunds", _("Refunds"), MONEY),
              Column("payout", _("Due from YooKassa"), MONEY)),
             _yookassa),
)}
