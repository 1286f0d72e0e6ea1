"""
Charters by the hour: free start times, prices, and holding a vessel while a customer books.

Times: callers pass and receive aware datetimes; opening hours and rates are local wall-clock times of the
offer (its pier's time zone, else the event's). Wall-clock values are turned into absolute instants once
and every comparison and duration is computed on instants, so a day with a clock change (not Moscow's
case, but a pier elsewhere) never gains or loses bookable minutes silently.

Double booking is prevented by the database (the exclusion constraint over vessel and time of
``VesselOccupancy``, PostgreSQL); the checks here come first to give people a sentence that names the
clash, and are the only guard on SQLite, which serves the single-user development server.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, OperationalError, transaction
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pretix.base.models import CartPosition, OrderPosition

from ticketing_core.fleet.schedule import turnaround
from ticketing_core.models import Vessel

from .errors import RentalError, SlotTaken
from .models import RentalOffer, RentalRate, RentalVessel, VesselOccupancy
from .occupancy import active_q, describe_clash, overlapping, prepare_vessel, release_lapsed
from .validation import parse_opening_hours, weekday_name, window_bounds

KOPECK = Decimal("0.01")
# psycopg's SQLSTATEs for "deadlock detected" and "serialization failure": two holds inserted at the same
# moment may wait on each other inside the exclusion constraint; PostgreSQL aborts one, which retries.
RETRY_SQLSTATES = {"40P01", "40001"}
RETRIES = 3


__all__ = [
    "PriceBreakdown", "PriceLine", "RentalError", "SlotTaken", "availability_calendar", "confirm", "durations",
    "free_durations", "free_slots", "hold", "offer_timezone", "opening_window", "pin_timezone", "price",
    "rate_segments", "release", "release_expired",
]


def offer_timezone(offer: RentalOffer) -> ZoneInfo:
    """
    The pier's time zone where the offer names one, else the event's (pretix's event setting). A caller
    that computes many slots in one go may pin it first with :func:`pin_timezone` (one settings read).
    """
    pinned = offer.__dict__.get("_ticketing_timezone")
    if pinned is not None:
        return pinned
    if offer.pier_id:
        return ZoneInfo(offer.pier.timezone)
    return ZoneInfo(str(offer.event.settings.timezone))


def pin_timezone(offer: RentalOffer) -> ZoneInfo:
    """Read the offer's time zone once and keep it on this instance (for one request's many computations)."""
    offer.__dict__.pop("_ticketing_timezone", None)
    tz = offer_timezone(offer)
    offer.__dict__["_ticketing_timezone"] = tz
    return tz


def _minutes(duration: timedelta | int) -> int:
    if isinstance(duration, timedelta):
        return int(duration.total_seconds() // 60)
    return int(duration)


def _aware(naive: datetime, tz: ZoneInfo) -> datetime:
    """A local wall-clock time as an absolute instant (UTC)."""
    return naive.replace(tzinfo=tz).astimezone(ZoneInfo("UTC"))


def opening_window(offer: RentalOffer, day: date) -> tuple[datetime, datetime] | None:
    """The opening window that starts on ``day`` (local), as UTC instants; None when closed that day."""
    hours = parse_opening_hours(offer.opening_hours).get(day.weekday())
    if hours is None:
        return None
    start, end = window_bounds(day, *hours)
    tz = offer_timezone(offer)
    return _aware(start, tz), _aware(end, tz)


def durations(offer: RentalOffer) -> list[int]:
    """Every bookable duration in minutes: from the shortest to the longest charter in steps."""
    return list(range(offer.min_duration_minutes, offer.max_duration_minutes + 1, offer.step_minutes))


def _rental_vessel(offer: RentalOffer, vessel: Vessel) -> RentalVessel:
    prefetched = getattr(offer, "_prefetched_objects_cache", {}).get("offer_vessels")
    if prefetched is not None:  # the caller prefetched the offer's vessels: no query per call
        rv = next((r for r in prefetched if r.vessel_id == vessel.pk), None)
    else:
        rv = offer.offer_vessels.filter(vessel=vessel).select_related("vessel").first()
    if rv is None:
        raise RentalError(_("{vessel} cannot be chartered in this offer.").format(vessel=vessel.name))
    return rv


def _busy(vessel: Vessel, start: datetime, end: datetime, buffer: timedelta, at: datetime) -> list[tuple]:
    """``(starts_at, ends_at)`` of every active row that could touch ``[start, end)``."""
    return list(overlapping(vessel, start, end, buffer, at).values_list("starts_at", "ends_at"))


def _is_free(busy: Iterable[tuple], start: datetime, end: datetime, buffer: timedelta) -> bool:
    return all(not (b_start < end + buffer and b_end + buffer > start) for b_start, b_end in busy)


def free_slots(offer: RentalOffer, vessel: Vessel, day: date, duration: timedelta | int | None = None,
               at: datetime | None = None) -> list[datetime]:
    """
    Start times (aware, in the offer's time zone) on the opening window that starts on ``day`` where
    ``vessel`` is free for ``duration`` (default: the shortest charter), turnaround included, and that
    respect the notice period. A window running past midnight yields its after-midnight starts here, under
    the day it opened, not under the next calendar day.
    """
    return availability_calendar(offer, vessel, day, day, duration, at)[day]


def _slots_in(offer: RentalOffer, window: tuple[datetime, datetime], minutes: timedelta, earliest: datetime,
              busy: list[tuple], buffer: timedelta, tz: ZoneInfo) -> list[datetime]:
    opens, closes = window
    step = timedelta(minutes=offer.step_minutes)
    slots = []
    t = opens
    while t + minutes <= closes:
        if t >= earliest and _is_free(busy, t, t + minutes, buffer):
            slots.append(t.astimezone(tz))
        t += step
    return slots


def _window_of(offer: RentalOffer, start: datetime) -> tuple[datetime, datetime] | None:
    """The opening window ``start`` lies in: the one of its local day, or last night's past midnight."""
    local_day = start.astimezone(offer_timezone(offer)).date()
    for day in (local_day, local_day - timedelta(days=1)):
        window = opening_window(offer, day)
        if window and window[0] <= start < window[1]:
            return window
    return None


def free_durations(offer: RentalOffer, vessel: Vessel, start: datetime, at: datetime | None = None) -> list[int]:
    """The durations (minutes) a charter starting at ``start`` can have: within opening hours and free."""
    at = at or now()
    window = _window_of(offer, start)
    if window is None or start < at + timedelta(minutes=offer.notice_minutes):
        return []
    if (start - window[0]) % timedelta(minutes=offer.step_minutes):
        return []
    _rental_vessel(offer, vessel)
    buffer = turnaround(vessel.organizer)
    busy = _busy(vessel, start, window[1], buffer, at)
    return [m for m in durations(offer) if start + timedelta(minutes=m) <= window[1]
            and _is_free(busy, start, start + timedelta(minutes=m), buffer)]


def availability_calendar(offer: RentalOffer, vessel: Vessel, date_from: date, date_to: date,
                          duration: timedelta | int | None = None,
                          at: datetime | None = None) -> dict[date, list[datetime]]:
    """
    Free start times per day from ``date_from`` to ``date_to`` inclusive (days without any are kept, empty),
    each day as :func:`free_slots` describes. The vessel's bookings are read once for the whole range.
    """
    _rental_vessel(offer, vessel)
    at = at or now()
    minutes = timedelta(minutes=_minutes(duration) if duration is not None else offer.min_duration_minutes)
    earliest = at + timedelta(minutes=offer.notice_minutes)
    tz = offer_timezone(offer)
    windows = {}
    day = date_from
    while day <= date_to:
        windows[day] = opening_window(offer, day)
        day += timedelta(days=1)
    open_windows = [w for w in windows.values() if w is not None]
    if not open_windows:
        return {d: [] for d in windows}
    buffer = turnaround(vessel.organizer)
    busy = _busy(vessel, min(w[0] for w in open_windows), max(w[1] for w in open_windows), buffer, at)
    return {d: _slots_in(offer, w, minutes, earliest, busy, buffer, tz) if w else [] for d, w in windows.items()}


@dataclass(frozen=True)
class PriceLine:
    """One stretch of the charter at one hourly rate: ``minutes`` / 60 × ``hourly_price`` = ``amount``."""

    rate: RentalRate
    start: datetime
    end: datetime
    minutes: int
    hourly_price: Decimal
    amount: Decimal

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / Decimal(60)).quantize(KOPECK, ROUND_HALF_UP)


@dataclass(frozen=True)
class PriceBreakdown:
    """The charter time's price, line by line, in RUB with kopecks; ``total`` is the sum of the lines."""

    lines: list[PriceLine] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


def _windows(rates: Iterable[RentalRate], first_day: date, last_day: date, tz: ZoneInfo) -> list[tuple]:
    """``(start, end, rate)`` instants of every rate window starting between the two local days."""
    out = []
    for rate in rates:
        day = first_day
        while day <= last_day:
            if day.weekday() in (rate.weekdays or []):
                s, e = window_bounds(day, rate.start_time, rate.end_time)
                out.append((_aware(s, tz), _aware(e, tz), rate))
            day += timedelta(days=1)
    return sorted(out, key=lambda w: (w[0], w[2].pk or 0))


def rate_segments(rates: Iterable[RentalRate], vessel: Vessel, start: datetime,
                  end: datetime) -> list[tuple[datetime, datetime, RentalRate]]:
    """
    Split ``[start, end)`` into stretches of one rate each. A rate for this vessel wins over a general one,
    also when it begins in the middle of a general rate's window; adjacent stretches of the same rate (the
    same rate on consecutive days, across midnight) are merged. A minute without a rate is an error.
    """
    rates = [r for r in rates if r.vessel_id in (None, vessel.pk)]
    tz = start.tzinfo if isinstance(start.tzinfo, ZoneInfo) else None
    tz = tz or ZoneInfo("UTC")
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date()
    specific = _windows([r for r in rates if r.vessel_id], first, last, tz)
    general = _windows([r for r in rates if not r.vessel_id], first, last, tz)
    segments: list[tuple[datetime, datetime, RentalRate]] = []
    t = start
    while t < end:
        hit = next((w for w in specific if w[0] <= t < w[1]), None)
        if hit is not None:
            seg_end = min(hit[1], end)
        else:
            hit = next((w for w in general if w[0] <= t < w[1]), None)
            if hit is None:
                local = t.astimezone(tz)
                raise RentalError(_("No hourly rate is set for {weekday} at {time}.").format(
                    weekday=weekday_name(local.weekday()), time=f"{local:%H:%M}"))
            next_specific = min((w[0] for w in specific if t < w[0] < hit[1]), default=hit[1])
            seg_end = min(hit[1], next_specific, end)
        if segments and segments[-1][2].pk == hit[2].pk and segments[-1][1] == t:
            segments[-1] = (segments[-1][0], seg_end, hit[2])
        else:
            segments.append((t, seg_end, hit[2]))
        t = seg_end
    return segments


def price(offer: RentalOffer, vessel: Vessel, start: datetime, duration: timedelta | int) -> PriceBreakdown:
    """
    The price of the charter time: per rate stretch, minutes / 60 × hourly price, rounded to the kopeck
    per line (the line is what the customer sees, so the total is the sum of what is shown).
    """
    _rental_vessel(offer, vessel)
    minutes = _minutes(duration)
    if minutes <= 0:
        raise RentalError(_("The duration of a charter must be positive."))
    tz = offer_timezone(offer)
    start = start.astimezone(tz)
    end = start + timedelta(minutes=minutes)
    end = end.astimezone(ZoneInfo("UTC")).astimezone(tz)  # absolute arithmetic, not wall-clock
    lines = []
    for s, e, rate in rate_segments(list(offer.rates.all()), vessel, start, end):
        mins = int((e - s).total_seconds() // 60)
        amount = (rate.hourly_price * mins / Decimal(60)).quantize(KOPECK, ROUND_HALF_UP)
        lines.append(PriceLine(rate=rate, start=s.astimezone(tz), end=e.astimezone(tz), minutes=mins,
                               hourly_price=rate.hourly_price, amount=amount))
    return PriceBreakdown(lines=lines)


def check_request(offer: RentalOffer, vessel: Vessel, start: datetime, duration: timedelta | int,
                  guests: int | None = None, at: datetime | None = None) -> RentalVessel:
    """The offer's rules for one charter request, each refusal a sentence for the customer."""
    at = at or now()
    rv = _rental_vessel(offer, vessel)
    minutes = _minutes(duration)
    if minutes not in durations(offer):
        raise RentalError(
            _("A charter lasts from {min} to {max} minutes in steps of {step} minutes.").format(
                min=offer.min_duration_minutes, max=offer.max_duration_minutes, step=offer.step_minutes))
    if start < at + timedelta(minutes=offer.notice_minutes):
        raise RentalError(
            ngettext("A charter must be booked at least {minutes} minute before it starts.",
                     "A charter must be booked at least {minutes} minutes before it starts.",
                     offer.notice_minutes).format(minutes=offer.notice_minutes))
    window = _window_of(offer, start)
    if window is None or start + timedelta(minutes=minutes) > window[1]:
        raise RentalError(_("The charter must start and end within the opening hours."))
    if (start - window[0]) % timedelta(minutes=offer.step_minutes):
        raise RentalError(
            ngettext("Charters start every {step} minute from the opening time.",
                     "Charters start every {step} minutes from the opening time.",
                     offer.step_minutes).format(step=offer.step_minutes))
    if guests is not None and not 1 <= guests <= rv.max_guests:
        raise RentalError(
            ngettext("{vessel} takes at most {max} guest on a charter.",
                     "{vessel} takes at most {max} guests on a charter.", rv.max_guests).format(
                vessel=vessel.name, max=rv.max_guests))
    return rv


def _taken() -> SlotTaken:
    return SlotTaken(_("This time was just taken by another booking. Please choose another start time."))


def _sqlstate(exc: Exception) -> str | None:
    cause = exc.__cause__
    return getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)


def hold(offer: RentalOffer, vessel: Vessel, start: datetime, duration: timedelta | int, token: str,
         expires: datetime, *, guests: int | None = None, cart_position: CartPosition | None = None,
         at: datetime | None = None, client: str = "") -> VesselOccupancy:
    """
    Reserve ``vessel`` for ``[start, start + duration)`` while a customer books (a cart), until ``expires``.

    The clash check before the insert only words the refusal; on PostgreSQL the exclusion constraint is
    what decides between two customers who ask at the same moment: the second insert fails with an
    IntegrityError, turned into :class:`SlotTaken`. A deadlock between two such inserts is retried.
    """
    at = at or now()
    check_request(offer, vessel, start, duration, guests, at)
    if not token:
        raise RentalError(_("A hold needs a token."))
    if expires <= at:
        raise RentalError(_("A hold must expire in the future."))
    end = start + timedelta(minutes=_minutes(duration))
    buffer = turnaround(vessel.organizer)
    minutes = int(buffer.total_seconds() // 60)
    for attempt in range(RETRIES):
        try:
            with transaction.atomic():
                prepare_vessel(vessel, buffer, at)
                clash = overlapping(vessel, start, end, buffer, at).first()
                if clash is not None:
                    raise SlotTaken(describe_clash(clash, vessel, offer_timezone(offer), minutes, "charter"))
                try:
                    with transaction.atomic():
                        return VesselOccupancy.objects.create(
                            vessel=vessel, kind=VesselOccupancy.KIND_HOLD, starts_at=start, ends_at=end,
                            blocked_until=end + buffer, offer=offer, token=token, expires=expires, guests=guests,
                            cart_position=cart_position, client=client)
                except IntegrityError:
                    raise _taken() from None
        except OperationalError as e:
            if _sqlstate(e) not in RETRY_SQLSTATES or attempt == RETRIES - 1:
                if _sqlstate(e) in RETRY_SQLSTATES:
                    raise _taken() from None
                raise
    raise _taken()  # not reached: the loop returns or raises


def release(token: str, at: datetime | None = None) -> int:
    """Free every live hold made under ``token`` (the cart was emptied or expired); returns how many."""
    return VesselOccupancy.objects.filter(
        token=token, kind=VesselOccupancy.KIND_HOLD, released_at__isnull=True,
    ).update(released_at=at or now())


def release_expired(vessel: Vessel | None = None, at: datetime | None = None) -> int:
    """Mark expired holds released (reads ignore them already; this frees them for the constraint too)."""
    return release_lapsed(at or now(), vessel)


def confirm(occupancy: VesselOccupancy, order_position: OrderPosition) -> VesselOccupancy:
    """
    The hold became an order: the row turns into a charter bound to the order position and stops
    expiring. A hold already released (its cart expired and someone else may have booked) cannot be
    confirmed; an expired but unreleased one still blocks the vessel, so nobody can have taken it.
    """
    with transaction.atomic():
        occ = VesselOccupancy.objects.select_for_update().get(pk=occupancy.pk)
        if occ.kind == VesselOccupancy.KIND_RENTAL and occ.order_position_id == order_position.pk:
            return occ
        if occ.kind != VesselOccupancy.KIND_HOLD or occ.released_at is not None:
            raise SlotTaken(_("The reservation of this time has expired. Please choose the time again."))
        occ.kind = VesselOccupancy.KIND_RENTAL
        occ.order_position = order_position
        occ.cart_position = None
        occ.expires = None
        occ.save(update_fields=["kind", "order_position", "cart_position", "expires"])
        return occ


def active_occupancies(vessel: Vessel, start: datetime, end: datetime, at: datetime | None = None):
    """Active rows of ``vessel`` overlapping ``[start, end)`` without buffer: the day's timeline."""
    return VesselOccupancy.objects.filter(active_q(at or now()), vessel=vessel, starts_at__lt=end, ends_at__gt=start)
