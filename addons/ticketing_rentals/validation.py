"""
Validation of rental offers, their vessels and rates, with translated messages for the back office.

Kept apart from the models so that the forms of a later back-office page, the API and the services call
the same rules; ``validate_offer`` is the complete check of a configured offer (rates cover every opening
hour of every vessel, no two rates claim the same minute).
"""
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

MAX_DURATION_MINUTES = 24 * 60
# A Monday, used to lay out "a week" of weekday-based windows; the date itself is never shown.
REFERENCE_MONDAY = date(2024, 1, 1)


def weekday_name(weekday: int) -> str:
    from .models import WEEKDAYS

    return str(dict(WEEKDAYS)[weekday])


def parse_time(value) -> time:
    """``"HH:MM"`` (or a ``time``) → ``time``; anything else is a ValueError."""
    if isinstance(value, time):
        return value
    if not isinstance(value, str):
        raise ValueError(value)
    return datetime.strptime(value.strip(), "%H:%M").time()


def parse_opening_hours(raw) -> dict[int, tuple[time, time]]:
    """
    The offer's JSON (weekday → ``[open, close]``) as ``{weekday: (open, close)}``; a ValidationError names
    the first bad entry. ``close`` at or before ``open`` means the next day, so a window is never empty and
    never longer than 24 hours. Every bad entry is reported, not only the first.
    """
    if raw in (None, ""):
        return {}
    if not isinstance(raw, dict):
        raise ValidationError(_("Opening hours must map weekdays to an opening and a closing time."))
    result, errors = {}, []
    for key, value in raw.items():
        try:
            weekday = int(key)
        except (TypeError, ValueError):
            weekday = -1
        if not 0 <= weekday <= 6:
            errors.append(_("\"{key}\" is not a weekday; use 0 for Monday up to 6 for Sunday.").format(key=key))
            continue
        if value in (None, [], ""):
            continue  # closed on that day
        try:
            if not isinstance(value, (list, tuple)) or len(value) != 2:
                raise ValueError(value)
            result[weekday] = (parse_time(value[0]), parse_time(value[1]))
        except ValueError:
            errors.append(
                _("The opening hours of {weekday} must be two times such as \"10:00\" and \"23:00\".").format(
                    weekday=weekday_name(weekday)))
    if errors:
        raise ValidationError(errors)
    return result


def window_bounds(day: date, opens: time, closes: time) -> tuple[datetime, datetime]:
    """Naive local start and end of a daily window; an end at or before the start is on the next day."""
    start = datetime.combine(day, opens)
    end = datetime.combine(day, closes)
    if end <= start:
        end += timedelta(days=1)
    return start, end


def validate_offer_fields(offer) -> None:
    """Durations, step, notice and opening hours of one offer; the event must be of kind "rental"."""
    from ticketing_core.models import EventKind

    errors: dict[str, list] = {}
    lo, hi, step = offer.min_duration_minutes, offer.max_duration_minutes, offer.step_minutes
    if not step or step <= 0:
        errors.setdefault("step_minutes", []).append(_("The step must be at least one minute."))
    if lo is not None and hi is not None:
        if lo > hi:
            errors.setdefault("max_duration_minutes", []).append(
                _("The longest charter cannot be shorter than the shortest one."))
        elif step and step > 0 and ((hi - lo) % step or lo % step):
            errors.setdefault("step_minutes", []).append(
                ngettext("The shortest and the longest charter must be multiples of the step of {step} minute.",
                         "The shortest and the longest charter must be multiples of the step of {step} minutes.",
                         step).format(step=step))
        if hi > MAX_DURATION_MINUTES:
            errors.setdefault("max_duration_minutes", []).append(_("A charter cannot be longer than 24 hours."))
    try:
        hours = parse_opening_hours(offer.opening_hours)
    except ValidationError as e:
        errors.setdefault("opening_hours", []).extend(e.messages)
    else:
        for weekday, (opens, closes) in hours.items():
            start, end = window_bounds(REFERENCE_MONDAY, opens, closes)
            if lo and (end - start) < timedelta(minutes=lo):
                errors.setdefault("opening_hours", []).append(
                    _("On {weekday} the vessel is open for less than the shortest charter.").format(
                        weekday=weekday_name(weekday)))
    if offer.event_id:
        kind = EventKind.objects.filter(event_id=offer.event_id).values_list("kind", flat=True).first()
        if kind != EventKind.KIND_RENTAL:
            errors.setdefault("event", []).append(_("Only an event of the kind \"Rental\" can offer charters."))
    if errors:
        raise ValidationError(errors)


def validate_rental_vessel(rv) -> None:
    """A chartered vessel belongs to the organizer, is not archived and takes no more guests than certified."""
    errors: dict[str, list] = {}
    vessel = rv.vessel
    if rv.max_guests is not None and rv.max_guests > vessel.capacity:
        errors.setdefault("max_guests", []).append(
            ngettext("{vessel} is certified for {capacity} passenger; a charter cannot take {guests} guests.",
                     "{vessel} is certified for {capacity} passengers; a charter cannot take {guests} guests.",
                     vessel.capacity).format(vessel=vessel.name, capacity=vessel.capacity, guests=rv.max_guests))
    if rv.offer_id and vessel.organizer_id != rv.offer.event.organizer_id:
        errors.setdefault("vessel", []).append(_("The vessel must belong to the organizer of this event."))
    if not vessel.active:
        errors.setdefault("vessel", []).append(
            _("The vessel {vessel} is archived and cannot be chartered.").format(vessel=vessel.name))
    if errors:
        raise ValidationError(errors)


def validate_rate_fields(rate) -> None:
    """Weekdays 0–6 (at least one), a period that is not empty, a price that is not negative."""
    errors: dict[str, list] = {}
    days = rate.weekdays
    if (not isinstance(days, (list, tuple)) or not days
            or any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6 for d in days)
            or len(set(days)) != len(days)):
        errors.setdefault("weekdays", []).append(
            _("Choose at least one weekday (0 = Monday … 6 = Sunday), each once."))
    if rate.hourly_price is not None and rate.hourly_price < 0:
        errors.setdefault("hourly_price", []).append(_("The price per hour cannot be negative."))
    if rate.vessel_id and rate.offer_id and not rate.offer.offer_vessels.filter(vessel_id=rate.vessel_id).exists():
        errors.setdefault("vessel", []).append(_("This vessel is not chartered in this offer."))
    if errors:
        raise ValidationError(errors)


def rate_windows(rate, first_day: date, last_day: date) -> list[tuple[datetime, datetime]]:
    """Naive local windows of ``rate`` that start on a day in ``[first_day, last_day]``."""
    out = []
    day = first_day
    while day <= last_day:
        if day.weekday() in (rate.weekdays or []):
            out.append(window_bounds(day, rate.start_time, rate.end_time))
        day += timedelta(days=1)
    return out


def validate_offer(offer) -> None:
    """
    The whole offer as it would be sold: its fields, each vessel, each rate, no two rates of the same
    vessel (or two general rates) claiming the same time, and a rate for every opening minute of every
    vessel. One ValidationError lists every problem, so staff fix them in one go.
    """
    from .services import RentalError, rate_segments

    messages: list[str] = []

    def collect(fn, obj):
        try:
            fn(obj)
        except ValidationError as e:
            messages.extend(e.messages)

    collect(validate_offer_fields, offer)
    rvs = list(offer.offer_vessels.select_related("vessel", "offer__event"))
    if not rvs:
        messages.append(_("Choose at least one vessel for charter."))
    for rv in rvs:
        collect(validate_rental_vessel, rv)
    rates = list(offer.rates.all())
    for rate in rates:
        collect(validate_rate_fields, rate)
    if messages:
        raise ValidationError(messages)

    first, last = REFERENCE_MONDAY - timedelta(days=1), REFERENCE_MONDAY + timedelta(days=6)
    for i, a in enumerate(rates):
        for b in rates[i + 1:]:
            if a.vessel_id != b.vessel_id:
                continue
            if any(s1 < e2 and s2 < e1 for s1, e1 in rate_windows(a, first, last)
                   for s2, e2 in rate_windows(b, first, last)):
                messages.append(_("The rates \"{a}\" and \"{b}\" overlap; each hour may have only one price.").format(
                    a=a, b=b))

    hours = parse_opening_hours(offer.opening_hours)
    if not hours:
        messages.append(_("Set the opening hours of at least one weekday."))
    tz = offer_timezone(offer)
    for weekday, (opens, closes) in sorted(hours.items()):
        start, end = window_bounds(REFERENCE_MONDAY + timedelta(days=weekday), opens, closes)
        for rv in rvs:
            try:
                rate_segments(rates, rv.vessel, start.replace(tzinfo=tz), end.replace(tzinfo=tz))
            except RentalError as e:
                messages.append(str(e))
    if messages:
        raise ValidationError(list(dict.fromkeys(messages)))


def offer_timezone(offer):
    from .services import offer_timezone as tz

    return tz(offer)
