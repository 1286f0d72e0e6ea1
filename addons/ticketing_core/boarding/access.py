"""
Who may board and read which manifest, decided in one place.

Boarding staff hold pretix's ``event.orders:checkin`` only: they see today's sailings (the pier's local date),
the manifest of today only, phones masked, and no money anywhere. Staff who may read orders see every date and
full phone numbers.
"""
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from ..dateranges import day_bounds
from ..fleet.models import Sailing
from ..permissions import CHECKIN, ORDERS_READ


def today_bounds(tz: ZoneInfo, at: datetime | None = None) -> tuple[datetime, datetime]:
    today = (at or now()).astimezone(tz).date()
    return day_bounds(today, today, tz)


ORDERS_WRITE = "event.orders:write"


def boarding_events(request, board: bool = False):
    """Events whose manifest the person may read (check-in or read orders); ``board``: where they may check in
    (pretix's rule for its check-in API too: check-in or change orders)."""
    perms = [CHECKIN, ORDERS_WRITE] if board else [CHECKIN, ORDERS_READ, ORDERS_WRITE]
    return request.user.get_events_with_permission(perms, request=request).filter(organizer=request.organizer)


def may_board(request, sailing: Sailing) -> bool:
    return any(request.user.has_event_permission(request.organizer, sailing.event, p, request=request)
               for p in (CHECKIN, ORDERS_WRITE))


def todays_sailings(request, tz: ZoneInfo, pier: int | None = None, board: bool = False):
    start, end = today_bounds(tz)
    qs = Sailing.objects.filter(event__in=boarding_events(request, board), canceled_at__isnull=True).select_related(
        "event", "subevent", "vessel", "departure_pier")
    qs = [s for s in qs if start <= s.start < end]
    if pier:
        qs = [s for s in qs if s.departure_pier_id == pier]
    return sorted(qs, key=lambda s: s.start)


def reads_orders(request, sailing: Sailing) -> bool:
    return request.user.has_event_permission(request.organizer, sailing.event, ORDERS_READ, request=request)


def sailing_for(request, pk: int, tz: ZoneInfo, board: bool = False) -> Sailing:
    """The sailing if the person may read (``board``: check in on) it (boarding staff: today's only), else 404/403."""
    sailing = Sailing.objects.filter(pk=pk, event__organizer=request.organizer).select_related(
        "event", "subevent", "vessel", "departure_pier", "arrival_pier").first()
    if sailing is None:
        raise Http404(_("This sailing does not exist."))
    if board and not may_board(request, sailing):
        raise PermissionDenied(_("You may not check in passengers of this sailing."))
    if reads_orders(request, sailing):
        return sailing
    if not request.user.has_event_permission(request.organizer, sailing.event, CHECKIN, request=request):
        raise PermissionDenied(_("You may not see the passengers of this sailing."))
    start, end = today_bounds(tz)
    if not (start <= sailing.start < end):
        raise PermissionDenied(_("Boarding staff see the manifest of today's sailings only."))
    return sailing
