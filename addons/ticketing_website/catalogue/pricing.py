"""
Final prices from the first page: what a customer pays for one ticket, and how its tax is stated.

A price shown in the catalogue or on an event page is the gross price of the ticket (tax added where the
tax rule says prices are net) plus every mandatory fee, so the total at checkout never surprises. The only
mandatory fee the suite knows is the operator's service fee per passenger ticket (``SERVICE_FEE_KEY``,
organizer setting, overridable per event); pretix adds it to the cart as a fee line of its own
(``fees.py``). Payment method fees are not mandatory (the customer chooses the method) and are shown where
the method is chosen.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from pretix.base.models import Event, Item, TaxRule

SERVICE_FEE_KEY = "ticketing_website_service_fee"


def service_fee(event: Event) -> Decimal:
    """The mandatory service fee per passenger ticket of this event (0 when none)."""
    value = event.settings.get(SERVICE_FEE_KEY, as_type=Decimal, default=Decimal("0.00"))
    return max(Decimal(value or 0), Decimal("0.00")).quantize(Decimal("0.01"))


def gross(item: Item, price: Decimal) -> Decimal:
    """
    The price the customer pays for ``item`` at base ``price``: tax added when the rule's prices are net.
    Computed here rather than with ``TaxRule.tax()``, which reads settings on every call (a catalogue of
    hundreds of dates would pay that per line); the rounding is pretix's, half up to kopecks.
    """
    rule = item.tax_rule
    if rule is None or not rule.rate or rule.price_includes_tax:
        return price
    return (price * (1 + Decimal(rule.rate) / 100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def final_price(item: Item, price: Decimal, fee: Decimal) -> Decimal:
    """Gross ticket price plus the service fee for passenger tickets; free tickets stay free."""
    value = gross(item, price)
    if item.admission and value > 0:
        value += fee
    return value


@dataclass(frozen=True)
class TaxNote:
    rate: Decimal | None  # None: no VAT

    @property
    def text(self) -> str:
        if not self.rate:
            return _("VAT exempt")
        # "в т.ч. НДС 22 %": Russian shop prices always include VAT, and the law wants it stated.
        return _("incl. VAT {rate} %").format(rate=format_rate(self.rate))


def format_rate(rate: Decimal) -> str:
    """22 or 9,09 (in the active language's number format)."""
    return number_format(Decimal(f"{Decimal(rate).normalize():f}"))


def tax_note(rules: list[TaxRule | None]) -> TaxNote:
    """The tax statement of the tickets on offer: the highest VAT rate among them, or "VAT exempt"."""
    rates = [Decimal(r.rate) for r in rules if r is not None and r.rate]
    return TaxNote(max(rates) if rates else None)
