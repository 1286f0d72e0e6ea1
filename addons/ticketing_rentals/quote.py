"""
The full price of a charter before checkout: the charter time rate by rate, the extras, mandatory fees and
the tax they include. The same numbers pretix will put into the cart: the charter time is the price
service's total, extras are pretix's listed prices, fees come from pretix's own fee signal.
"""
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pretix.base.models import CartPosition, TaxRule
from pretix.base.services.pricing import get_listed_price
from pretix.base.templatetags.money import money_filter
from pretix.presale.signals import fee_calculation_for_cart

from ticketing_core.models import Vessel

from . import services
from .cart import Extra
from .models import RentalOffer


@dataclass(frozen=True)
class QuoteLine:
    """One line the customer sees: what, how many/how long, the unit price and the amount (RUB, kopecks)."""

    label: str
    detail: str
    amount: Decimal
    tax_rate: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Quote:
    lines: list[QuoteLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    @property
    def taxes(self) -> list[tuple[Decimal, Decimal]]:
        """(rate, tax included) per tax rate, for "incl. VAT 22 %: …" lines; rate 0 means not subject to VAT."""
        by_rate: dict[Decimal, Decimal] = {}
        for line in self.lines:
            by_rate[line.tax_rate] = by_rate.get(line.tax_rate, Decimal("0.00")) + line.tax
        return sorted(by_rate.items())


def _taxed(tax_rule: TaxRule | None, gross: Decimal) -> tuple[Decimal, Decimal]:
    if tax_rule is None:
        return Decimal("0.00"), Decimal("0.00")
    taxed = tax_rule.tax(gross, base_price_is="gross")
    return taxed.rate, taxed.tax


def duration_label(minutes: int) -> str:
    """"2 hours", "1 h 30 min", "30 min" in the active language."""
    hours, rest = divmod(minutes, 60)
    if not rest:
        return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    if not hours:
        return _("{m} min").format(m=rest)
    return _("{h} h {m} min").format(h=hours, m=rest)


def quote(offer: RentalOffer, vessel: Vessel, start: datetime, minutes: int, extras: list[Extra],
          request=None) -> Quote:
    """The breakdown of one charter request; raises RentalError when no rate covers the time."""
    item = offer.item
    breakdown = services.price(offer, vessel, start, minutes)
    lines = []
    for line in breakdown.lines:
        rate, tax = _taxed(item.tax_rule if item else None, line.amount)
        lines.append(QuoteLine(
            label=_("Charter {start}–{end}").format(start=f"{line.start:%H:%M}", end=f"{line.end:%H:%M}"),
            detail=_("{duration} × {price} per hour").format(
                duration=duration_label(line.minutes), price=money_filter(line.hourly_price, offer.event.currency)),
            amount=line.amount, tax_rate=rate, tax=tax))
    unsaved = []
    if item is not None:
        unsaved.append(CartPosition(event=offer.event, item=item, price=breakdown.total,
                                    line_price_gross=breakdown.total, custom_price_input=breakdown.total))
    for extra in extras:
        if extra.count <= 0:
            continue
        unit = get_listed_price(extra.item, None, None)
        amount = unit * extra.count
        rate, tax = _taxed(extra.item.tax_rule, amount)
        lines.append(QuoteLine(label=str(extra.item.name),
                               detail=_("{count} × {price}").format(
                                   count=extra.count, price=money_filter(unit, offer.event.currency)),
                               amount=amount, tax_rate=rate, tax=tax))
        unsaved += [CartPosition(event=offer.event, item=extra.item, price=unit, line_price_gross=unit)
                    for _i in range(extra.count)]
    lines += _fees(offer, unsaved, request)
    return Quote(lines=lines)


def _fees(offer: RentalOffer, positions: list[CartPosition], request) -> list[QuoteLine]:
    """Mandatory fees other plugins charge on such a cart (service fees); payment fees follow at checkout."""
    total = sum((p.price for p in positions), Decimal("0.00"))
    lines = []
    for _receiver, fees in fee_calculation_for_cart.send(sender=offer.event, request=request, invoice_address=None,
                                                         positions=positions, total=total, payment_requests=[]):
        for fee in fees or []:
            rate, tax = _taxed(fee.tax_rule if fee.tax_rule_id else None, fee.value)
            lines.append(QuoteLine(label=str(fee.get_fee_type_display()), detail=str(fee.description or ""),
                                   amount=fee.value, tax_rate=rate, tax=tax))
    return lines

