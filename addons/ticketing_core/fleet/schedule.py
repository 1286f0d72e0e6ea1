"""
Vessel schedule: one vessel, one sailing or charter at a time, plus the turnaround time between them.

Sailings are compared with sailings here (the Sailing table is the source of truth for them); whatever
else keeps a vessel busy (charters and charters in a cart, ticketing_rentals) answers ``hooks.vessel_time_check``.
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField, ExpressionWrapper, F
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from pretix.base.models import Organizer, SubEvent

from ..errors import ScheduleConflict
from ..hooks import vessel_time_check
from .models import Sailing, Vessel


def turnaround(organizer: Organizer) -> timedelta:
    return timedelta(minutes=int(organizer.settings.ticketing_turnaround_minutes))


def sailings_with_times(qs=None):
    """Sailings annotated with ``starts_at``/``ends_at`` taken from their pretix date."""
    qs = Sailing.objects.all() if qs is None else qs
    return qs.annotate(
        starts_at=Coalesce("subevent__date_from", "event__date_from"),
    ).annotate(
        ends_at=ExpressionWrapper(F("starts_at") + F("duration"), output_field=DateTimeField()),
    )


def find_conflict(vessel: Vessel, start: datetime, end: datetime, exclude_pk: int | None = None) -> Sailing | None:
    """The first active sailing of ``vessel`` that overlaps [start, end) widened by the turnaround time."""
    buffer = turnaround(vessel.organizer)
    qs = sailings_with_times(
        Sailing.objects.filter(vessel=vessel, canceled_at__isnull=True)
    ).filter(starts_at__lt=end + buffer, ends_at__gt=start - buffer)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("event", "subevent", "departure_pier").order_by("starts_at").first()


def check_schedule(vessel: Vessel, start: datetime, end: datetime, exclude_pk: int | None = None) -> None:
    """Refuse a sailing of ``vessel`` in ``[start, end)`` that clashes with another sailing or a charter."""
    other = find_conflict(vessel, start, end, exclude_pk)
    if other is not None:
        tz = ZoneInfo(other.departure_pier.timezone)
        raise ScheduleConflict(
            _("{vessel} is already sailing \"{other}\" from {start} to {end}; with a turnaround time of "
              "{minutes} minutes the two sailings overlap.").format(
                vessel=vessel.name, other=other.date_obj.name,
                start=date_format(other.start.astimezone(tz), "SHORT_DATETIME_FORMAT"),
                end=date_format(other.end.astimezone(tz), "TIME_FORMAT"),
                minutes=vessel.organizer.settings.ticketing_turnaround_minutes)
        )
    buffer = turnaround(vessel.organizer)
    for _receiver, busy in vessel_time_check.send(sender=Vessel, vessel=vessel, start=start, end=end, buffer=buffer):
        if busy:
            raise ScheduleConflict(busy)


def guard_date_move(date_obj) -> None:
    """
    Called before a pretix date (or single event) is saved from anywhere: the API, bulk edit, the form.
    A new start time that would make its vessel sail twice at once is refused.
    """
    if not date_obj.pk:
        return
    lookup = {"subevent_id": date_obj.pk} if isinstance(date_obj, SubEvent) else {
        "event_id": date_obj.pk, "subevent__isnull": True}
    sailing = Sailing.objects.filter(canceled_at__isnull=True, **lookup).select_related("vessel").first()
    if sailing is None:
        return
    old_start = type(date_obj).objects.filter(pk=date_obj.pk).values_list("date_from", flat=True).first()
    if old_start == date_obj.date_from:
        return
    check_schedule(sailing.vessel, date_obj.date_from, date_obj.date_from + sailing.duration, exclude_pk=sailing.pk)
