"""Seat metrics (pretix's metric classes via ``ticketing_core.observability.metrics``), set periodically."""
from django.utils.timezone import now

from ticketing_core.observability.metrics import Gauge, safely

holds_active = Gauge("prichal_seat_holds_active",
                     "Seats held in shoppers' carts (pretix cart positions with a seat) not yet expired.", [])


def update_holds(at=None) -> int:
    """A count query over pretix's carts: periodic only, never on a request."""
    from pretix.base.models import CartPosition

    count = CartPosition.objects.filter(seat__isnull=False, expires__gt=at or now()).count()
    safely(holds_active.set, count)
    return count
