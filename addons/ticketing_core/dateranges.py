"""
Date ranges of filters and reports (from … to, inclusive days), checked the same way everywhere: the end not before
the start, optionally not longer than a number of days, and turned into aware datetimes of the operator's days.
"""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

YEARS = (2000, 2100)
MAX_ID = 2**63 - 1  # PostgreSQL bigint


def range_error(start: date | None, end: date | None, max_days: int | None = None) -> str | None:
    """Why ``[start, end]`` is not a usable range, as a translated sentence; None when it is (or is open)."""
    if start is None or end is None:
        return None
    if end < start:
        return _("The end date must not be before the start date.")
    if max_days is not None and (end - start).days + 1 > max_days:
        return ngettext("The period can be at most {days} day long.", "The period can be at most {days} days long.",
                        max_days).format(days=max_days)
    return None


def day_bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """``[start 00:00, the day after end 00:00)`` in ``tz``: filter with ``>= first`` and ``< second``."""
    return (datetime.combine(start, time.min, tzinfo=tz),
            datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz))


class DateRangeForm(forms.Form):
    """
    A filter form with a date range: ``range_fields`` names its two date fields (both optional), ``max_days``
    bounds the range's length. A backwards or too long range is a form error with a translated sentence.
    """

    range_fields = ("start", "end")
    max_days: int | None = None

    def clean(self):
        data = super().clean()
        first, last = self.range_fields
        for name in (first, last):
            day = data.get(name)
            error = year_error(day.year) if isinstance(day, date) else None
            if error:
                self.add_error(name, error)
                data.pop(name, None)
        error = range_error(data.get(first), data.get(last), self.max_days)
        if error:
            raise forms.ValidationError(error)
        return data


def parse_day(raw: str) -> date:
    """
    A day written ``YYYY-MM-DD`` within :data:`YEARS`; otherwise a ValueError whose text is the translated
    sentence for people. Year 1 or 9999 is no day anyone sails, and the day after 9999-12-31 (or a time zone
    shift of 0001-01-01) does not exist: pages that step a day or make datetimes would fail on them.
    """
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        raise ValueError(_("\"{value}\" is not a date; use the format YYYY-MM-DD.").format(value=raw)) from None
    error = year_error(day.year)
    if error:
        raise ValueError(error)
    return day


def year_error(year: int) -> str | None:
    """Why a date of ``year`` is refused (outside :data:`YEARS`), as a translated sentence; None when it is fine."""
    if YEARS[0] <= year <= YEARS[1]:
        return None
    return _("Choose a date between the years {first} and {last}.").format(first=YEARS[0], last=YEARS[1])


def parse_id(raw: str) -> int:
    """A database id typed into a URL or filter: digits only, at most :data:`MAX_ID` (no database overflow)."""
    raw = str(raw).strip()
    # isascii: "²" and other Unicode digits pass isdigit() but int() refuses them
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18 or int(raw) > MAX_ID:
        raise ValueError(_("\"{value}\" is not a valid id.").format(value=raw[:40]))
    return int(raw)
