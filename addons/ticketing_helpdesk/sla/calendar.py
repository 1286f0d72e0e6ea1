"""
Business time: working hours per weekday and holidays in the organizer's time zone (Europe/Moscow by
default). SLA targets are counted only inside these hours; everything here is pure arithmetic on
timezone-aware datetimes, so it is tested without a database.
"""
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

# A calendar without any configured weekday works Monday to Friday, 09:00–18:00.
DEFAULT_HOURS = {d: (time(9), time(18)) for d in range(5)}
# Never look further than this for the end of a target (a calendar with no working day at all).
HORIZON_DAYS = 800

Interval = tuple[datetime, datetime | None]


@dataclass
class Calendar:
    tz: ZoneInfo
    hours: dict[int, tuple[time, time]] = field(default_factory=lambda: dict(DEFAULT_HOURS))
    holidays: frozenset[date] = frozenset()

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The working hours of ``day`` as aware datetimes, or None on a day off."""
        if day in self.holidays or day.weekday() not in self.hours:
            return None
        start, end = self.hours[day.weekday()]
        return datetime.combine(day, start, tzinfo=self.tz), datetime.combine(day, end, tzinfo=self.tz)

    def windows(self, start: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working windows from ``start`` on (the first one clipped to it)."""
        day = start.astimezone(self.tz).date()
        for _i in range(HORIZON_DAYS):
            w = self.window(day)
            if w is not None and w[1] > start:
                yield max(w[0], start), w[1]
            day += timedelta(days=1)

    def seconds_between(self, start: datetime, end: datetime, pauses: list[Interval] = ()) -> float:
        """Business seconds in [start, end), without the time inside ``pauses``."""
        if end <= start:
            return 0.0
        total = 0.0
        for ws, we in self.windows(start):
            if ws >= end:
                break
            for a, b in subtract((ws, min(we, end)), pauses):
                total += (b - a).total_seconds()
        return total

    def add(self, start: datetime, seconds: float, pauses: list[Interval] = ()) -> datetime | None:
        """
        The moment ``seconds`` business seconds after ``start``, skipping ``pauses``; None when an
        open pause (end None) begins before that moment or the calendar has no working time.
        """
        remaining = seconds
        for ws, we in self.windows(start):
            for a, b in subtract((ws, we), pauses):
                length = (b - a).total_seconds()
                if remaining <= length:
                    return a + timedelta(seconds=remaining)
                remaining -= length
            if any(p_end is None and p_start < we for p_start, p_end in pauses):
                return None
        return None


def subtract(interval: tuple[datetime, datetime], pauses: list[Interval]) -> list[tuple[datetime, datetime]]:
    """``interval`` without the parts covered by ``pauses`` (an open pause runs forever)."""
    parts = [interval]
    for p_start, p_end in pauses:
        next_parts = []
        for a, b in parts:
            if p_end is not None and p_end <= a or p_start >= b:
                next_parts.append((a, b))
                continue
            if p_start > a:
                next_parts.append((a, p_start))
            if p_end is not None and p_end < b:
                next_parts.append((p_end, b))
        parts = next_parts
    return parts


def calendar_for(organizer) -> Calendar:
    """The organizer's calendar from the back office (hours, holidays), in its time zone."""
    from ..models import BusinessHours, Holiday

    tz = ZoneInfo(organizer.settings.timezone or "Europe/Moscow")
    rows = list(BusinessHours.objects.filter(organizer=organizer))
    hours = {r.weekday: (r.start, r.end) for r in rows} if rows else dict(DEFAULT_HOURS)
    holidays = frozenset(Holiday.objects.filter(organizer=organizer).values_list("date", flat=True))
    return Calendar(tz=tz, hours=hours, holidays=holidays)
