"""Who sees the numbers: the organizer permission ``organizer.kpi:read`` and, per event, ``event.orders:read``."""
from pretix.base.models import Event, Organizer

from ..permissions import KPI_READ

ORDERS_READ = "event.orders:read"


def may_see_kpis(user, organizer: Organizer, request=None) -> bool:
    """Administrators and Sales managers (their roles carry ``organizer.kpi:read``); not boarding or support."""
    return bool(user and user.is_authenticated and user.has_organizer_permission(organizer, KPI_READ,
                                                                                 request=request))


def visible_events(user, organizer: Organizer, request=None):
    """The organizer's events whose orders (and so whose revenue) the person may see."""
    if not may_see_kpis(user, organizer, request):
        return Event.objects.none()
    return user.get_events_with_permission(ORDERS_READ, request=request).filter(organizer=organizer)
