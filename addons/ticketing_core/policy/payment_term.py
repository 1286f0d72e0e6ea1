"""
Unpaid orders never hold places past departure: pretix's payment term (14 days by default) would keep an
abandoned order for a sailing in two days until after the boat left, and its e-mail would say "pay until" a date
after departure. Whatever the event's term says, a pending order expires before its earliest departure (payment
at the pier closes :data:`PAYMENT_CUTOFF` before it); a payment service that pays at once shortens the hold
further (YooKassa: the reservation time, in ticketing_yoomoney) through :func:`limit_expiry`.
"""
from datetime import datetime, timedelta

from django.utils.translation import gettext as _

from pretix.base.models import Event, Order

# Pay at the pier no later than 15 minutes before departure (the demo's texts say so, too).
PAYMENT_CUTOFF = timedelta(minutes=15)


def latest_expiry(order: Order) -> datetime | None:
    """The latest moment a pending order may expire: before its earliest departure; None without a departure."""
    from .rules import earliest_departure

    start = earliest_departure(order)
    return start - PAYMENT_CUTOFF if start is not None else None


def limit_expiry(order: Order, latest: datetime, save: bool = True) -> bool:
    """Bring a pending order's payment deadline forward to ``latest`` if it is later; True if it changed."""
    if order.status != Order.STATUS_PENDING or order.expires is None or order.expires <= latest:
        return False
    order.expires = latest
    if save:
        order.save(update_fields=["expires"])
    return True


def cap_at_departure(order: Order, save: bool = True) -> bool:
    latest = latest_expiry(order)
    return latest is not None and limit_expiry(order, latest, save=save)


# pretix settings under which its own expiry job frees the places of unpaid orders at their deadline
PAYMENT_TERM_SETTINGS = {
    "payment_term_expire_automatically": True,
    "payment_term_expire_delay_days": 0,
}


def payment_term_issues(event: Event) -> list[str]:
    """Why the event's payment settings would let an unpaid order hold its places past departure."""
    s = event.settings
    if not s.get("payment_term_expire_automatically", as_type=bool) or \
            (s.get("payment_term_expire_delay_days", as_type=int) or 0) > 0:
        return [_("Unpaid orders do not expire at their payment deadline, so they could hold places after "
                  "departure.")]
    return []
