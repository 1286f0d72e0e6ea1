"""Charter metrics (pretix's metric classes via ``ticketing_core.observability.metrics``), set periodically."""
from django.utils.timezone import now

from ticketing_core.observability.metrics import Gauge, safely

holds_active = Gauge("prichal_charter_holds_active",
                     "Charter holds (a vessel's time held for a checkout in progress) not yet expired.", [])


def update_holds(at=None) -> int:
    """A count query: periodic only, never on a request."""
    from .models import VesselOccupancy

    count = VesselOccupancy.objects.filter(kind=VesselOccupancy.KIND_HOLD, expires__gt=at or now()).count()
    safely(holds_active.set, count)
    return count
