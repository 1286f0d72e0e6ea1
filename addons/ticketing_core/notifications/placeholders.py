"""
``{departure}`` in pretix's own e-mail texts (order placed, paid, …): when and from where the order departs — a
sailing's date and pier, a charter's own period (``hooks.order_departures``) — in the pier's time zone and the
order's language. pretix's texts name only the event, which for a charter is not its date.
"""
from django.utils.translation import gettext_lazy as _

from pretix.base.services.placeholders import SimpleFunctionalTextPlaceholder


def departure_text(order) -> str:
    from .service import sailing_facts

    facts = sailing_facts(order)
    return f"{facts['date']}, {facts['pier']}" if facts["pier"] else facts["date"]


def departure_placeholder() -> SimpleFunctionalTextPlaceholder:
    return SimpleFunctionalTextPlaceholder("departure", ["order"], departure_text,
                                           lambda event: str(_("11.12.2026 18:00–21:00, Palace Pier")))
