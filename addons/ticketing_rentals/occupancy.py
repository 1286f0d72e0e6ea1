"""
The vessel occupancy table: reads every booking path shares, and keeping sailings' rows in step.

This module imports nothing from ``services/`` at import time, so ``services/schedule.py`` can use it to
refuse a sailing that clashes with a charter.
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils.formats import date_format
from django.utils.timezone import now
from django.utils.translation import gettext as _

from ticketing_core.models import Sailing, Vessel

from .models import VesselOccupancy

# Rows that ended longer ago than this are history: their buffer is not refreshed any more.
HISTORY = timedelta(days=1)


def lapsed_q(at: datetime) -> Q:
    """
    Holds whose time is up at ``at``: their own expiry has passed and so has their cart position's. pretix
    extends a cart's reservation with a bulk update that sends no signal, so a hold in a cart lives as long
    as the cart position does instead of keeping its own copy of the expiry in step.
    """
    return Q(kind=VesselOccupancy.KIND_HOLD, expires__lte=at) & ~Q(cart_position__expires__gt=at)


def active_q(at: datetime) -> Q:
    """Rows that still block the vessel at ``at``: not released, and (for holds) not lapsed."""
    return Q(released_at__isnull=True) & (
        Q(expires__isnull=True) | Q(expires__gt=at) | Q(cart_position__expires__gt=at))


def overlapping(vessel: Vessel, start: datetime, end: datetime, buffer: timedelta,
                at: datetime | None = None) -> QuerySet:
    """
    Active rows of ``vessel`` that a booking of ``[start, end)`` would clash with, computed with the
    current turnaround ``buffer`` on both sides (not the stored ``blocked_until``, which may be stale
    after the organizer changed the turnaround): the same rule the database constraint enforces.
    """
    return VesselOccupancy.objects.filter(
        active_q(at or now()), vessel=vessel, starts_at__lt=end + buffer, ends_at__gt=start - buffer,
    ).select_related("sailing__event", "sailing__subevent", "sailing__departure_pier",
                     "order_position__order").order_by("starts_at")


def _local(dt: datetime, tz: ZoneInfo, fmt: str) -> str:
    return date_format(dt.astimezone(tz), fmt)


def describe_clash(occ: VesselOccupancy, vessel: Vessel, tz: ZoneInfo, minutes: int, what: str) -> str:
    """
    A sentence for staff or customers naming what already occupies the vessel; ``what`` is "sailing"
    or "charter", the thing being booked now.
    """
    start, end = _local(occ.starts_at, tz, "SHORT_DATETIME_FORMAT"), _local(occ.ends_at, tz, "TIME_FORMAT")
    if occ.kind == VesselOccupancy.KIND_SAILING and occ.sailing_id:
        if what == "sailing":
            template = _("{vessel} is already sailing \"{other}\" from {start} to {end}; with a turnaround time of "
                         "{minutes} minutes the two sailings overlap.")
        else:
            template = _("{vessel} sails \"{other}\" from {start} to {end}; with a turnaround time of {minutes} "
                         "minutes the charter would overlap it.")
        return template.format(vessel=vessel.name, other=occ.sailing.date_obj.name, start=start, end=end,
                               minutes=minutes)
    if occ.kind == VesselOccupancy.KIND_RENTAL:
        order = occ.order_position.order.code if occ.order_position_id else "—"
        if what == "sailing":
            template = _("{vessel} is chartered from {start} to {end} (order {order}); with a turnaround time of "
                         "{minutes} minutes the sailing would overlap the charter.")
        else:
            template = _("{vessel} is already chartered from {start} to {end}; with a turnaround time of "
                         "{minutes} minutes the two charters would overlap.")
        return template.format(vessel=vessel.name, start=start, end=end, order=order, minutes=minutes)
    expires = _local(occ.expires, tz, "TIME_FORMAT") if occ.expires else "—"
    if what == "sailing":
        template = _("{vessel} is being chartered from {start} to {end}: a customer's cart holds this time until "
                     "{expires}; with a turnaround time of {minutes} minutes the sailing would overlap it.")
    else:
        template = _("{vessel} is being booked by another customer from {start} to {end}; with a turnaround time "
                     "of {minutes} minutes the two charters would overlap.")
    return template.format(vessel=vessel.name, start=start, end=end, expires=expires, minutes=minutes)


def release_lapsed(at: datetime, vessel: Vessel | None = None) -> int:
    """Mark lapsed holds released (reads ignore them already; this frees them for the constraint too)."""
    qs = VesselOccupancy.objects.filter(lapsed_q(at), released_at__isnull=True)
    if vessel is not None:
        qs = qs.filter(vessel=vessel)
    return VesselOccupancy.objects.filter(pk__in=list(qs.values_list("pk", flat=True))).update(released_at=at)


def prepare_vessel(vessel: Vessel, buffer: timedelta, at: datetime | None = None) -> None:
    """
    Before writing a row for ``vessel``: release its expired holds (the constraint cannot see the clock)
    and bring the stored ``blocked_until`` of its current rows in line with today's turnaround. A shorter
    turnaround can always be applied; a longer one is applied row by row where it does not collide with
    a neighbour (bookings made under the old turnaround stay valid).
    """
    at = at or now()
    release_lapsed(at, vessel=vessel)
    stale = [(pk, ends_at) for pk, ends_at, blocked in VesselOccupancy.objects.filter(
        vessel=vessel, released_at__isnull=True, ends_at__gte=at - HISTORY,
    ).values_list("pk", "ends_at", "blocked_until") if blocked != ends_at + buffer]
    for pk, ends_at in stale:
        try:
            with transaction.atomic():
                VesselOccupancy.objects.filter(pk=pk).update(blocked_until=ends_at + buffer)
        except IntegrityError:
            pass  # a longer turnaround would collide with a neighbour booked under the old one: keep it


def sync_sailing(sailing: Sailing) -> VesselOccupancy | None:
    """
    Make the sailing's occupancy row match the sailing (vessel, time, turnaround; released when
    cancelled). Called after every save of a sailing or of its pretix date. A charter that got into the
    way concurrently makes the database refuse, which becomes a ScheduleConflict naming the charter.
    """
    from ticketing_core.errors import ScheduleConflict
    from ticketing_core.fleet.schedule import turnaround

    at = now()
    with transaction.atomic():
        row = VesselOccupancy.objects.filter(sailing=sailing).first()
        if sailing.is_canceled:
            if row is not None and row.released_at is None:
                row.released_at = sailing.canceled_at or at
                row.save(update_fields=["released_at"])
            return row
        vessel = sailing.vessel
        buffer = turnaround(vessel.organizer)
        values = {"vessel_id": vessel.pk, "kind": VesselOccupancy.KIND_SAILING, "starts_at": sailing.start,
                  "ends_at": sailing.end, "blocked_until": sailing.end + buffer, "released_at": None}
        if row is not None and all(getattr(row, k) == v for k, v in values.items()):
            return row
        prepare_vessel(vessel, buffer, at)
        row = row or VesselOccupancy(sailing=sailing)
        for k, v in values.items():
            setattr(row, k, v)
        try:
            with transaction.atomic():
                row.save()
        except IntegrityError:
            clash = overlapping(vessel, sailing.start, sailing.end, buffer, at).exclude(sailing=sailing).first()
            tz = ZoneInfo(sailing.departure_pier.timezone)
            minutes = int(buffer.total_seconds() // 60)
            raise ScheduleConflict(
                describe_clash(clash, vessel, tz, minutes, "sailing") if clash else
                _("{vessel} was booked for the same time a moment ago; reload the schedule and try again.").format(
                    vessel=vessel.name)) from None
        return row


def sync_date(date_obj) -> None:
    """A pretix date (or single event) was saved: its sailing's row follows the new start time."""
    from pretix.base.models import SubEvent

    if not date_obj.pk:
        return
    lookup = {"subevent_id": date_obj.pk} if isinstance(date_obj, SubEvent) else {
        "event_id": date_obj.pk, "subevent__isnull": True}
    sailing = Sailing.objects.filter(**lookup).select_related(
        "vessel__organizer", "event", "subevent", "departure_pier").first()
    if sailing is not None:
        sync_sailing(sailing)


def find_rental_clash(vessel: Vessel, start: datetime, end: datetime, buffer: timedelta) -> VesselOccupancy | None:
    """The first charter or live hold of ``vessel`` a sailing of ``[start, end)`` would clash with."""
    return overlapping(vessel, start, end, buffer).exclude(kind=VesselOccupancy.KIND_SAILING).first()
