"""
The catalogue's search and filters: a GET form, so every result page has a URL to share and bookmark and
the browser's back button returns to the previous filters.
"""
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ticketing_core.dateranges import year_error
from ticketing_core.models import EventKind, Pier

from .query import Entry

DURATIONS = (
    ("", _("Any duration")),
    ("short", _("Up to 1 hour")),
    ("medium", _("1 to 2 hours")),
    ("long", _("Over 2 hours")),
)
DURATION_RANGES = {"short": (0, 60), "medium": (61, 120), "long": (121, 10 ** 6)}

TIMES_OF_DAY = (
    ("", _("Any time")),
    ("morning", _("Morning (05:00–12:00)")),
    ("afternoon", _("Afternoon (12:00–17:00)")),
    ("evening", _("Evening (17:00–22:00)")),
    ("night", _("Night (22:00–05:00)")),
)
TIME_RANGES = {"morning": (time(5), time(12)), "afternoon": (time(12), time(17)), "evening": (time(17), time(22))}

VIEWS = (("list", _("List")), ("calendar", _("Calendar")))
# pairs of fields that form one range: when either end is wrong, the range as a whole is left out
RANGES = (("date_from", "date_to"), ("price_min", "price_max"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Excursion, pier, vessel…")}))
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=pgettext_lazy("date range", "To"), required=False, widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=(("", _("All kinds")),) + EventKind.KINDS)
    pier = forms.TypedChoiceField(label=_("Departure pier"), required=False, coerce=int, empty_value=None)
    duration = forms.ChoiceField(label=_("Duration"), required=False, choices=DURATIONS)
    price_min = forms.DecimalField(label=_("Price from, ₽"), required=False, min_value=0, max_digits=10,
                                   decimal_places=2, localize=True)
    price_max = forms.DecimalField(label=_("Price up to, ₽"), required=False, min_value=0, max_digits=10,
                                   decimal_places=2, localize=True)
    time = forms.ChoiceField(label=_("Time of day"), required=False, choices=TIMES_OF_DAY)
    available = forms.BooleanField(label=_("Only with free places"), required=False)
    view = forms.ChoiceField(required=False, choices=VIEWS, widget=forms.HiddenInput)
    month = forms.RegexField(required=False, regex=r"^\d{4}-(0[1-9]|1[0-2])$", widget=forms.HiddenInput)

    def __init__(self, *args, organizer=None, **kwargs):
        super().__init__(*args, **kwargs)
        piers = Pier.objects.filter(organizer=organizer, active=True) if organizer else Pier.objects.none()
        self.fields["pier"].choices = [("", _("All piers"))] + [(p.pk, str(p.name)) for p in piers]

    def clean(self):
        data = super().clean()
        for name in ("date_from", "date_to", "month"):
            value = data.get(name)
            error = year_error(value.year if isinstance(value, date) else int(value[:4])) if value else None
            if error:  # year 1 or 9999: the calendar's previous or next month would not exist
                self.add_error(None if name == "month" else name, error)
                data.pop(name, None)
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        if data.get("price_min") is not None and data.get("price_max") is not None \
                and data["price_max"] < data["price_min"]:
            self.add_error("price_max", _("The highest price is lower than the lowest price."))
        return data

    def usable_data(self) -> dict:
        """
        The filters that can be applied. A wrong one (or the whole range it belongs to) is left out and shown
        with its error; the visitor's other filters still apply (an invalid price range used to drop them all).
        """
        if not self.is_bound:
            return {}
        self.is_valid()
        data = dict(self.cleaned_data)
        for low, high in RANGES:
            if low in self.errors or high in self.errors:
                data.pop(low, None)
                data.pop(high, None)
        return data

    @property
    def active_filters(self) -> bool:
        return any(v not in (None, "", False) for k, v in self.usable_data().items() if k not in ("view", "month"))

    @property
    def active_count(self) -> int:
        """How many filters besides the search words are set, for the phone's folded "Filters" summary."""
        return sum(1 for k, v in self.usable_data().items() if k not in ("q", "view", "month")
                   and v not in (None, "", False))

    @property
    def view_mode(self) -> str:
        return self.usable_data().get("view") or "list"


def _matches_time(local: datetime, slot: str) -> bool:
    t = local.time()
    if slot == "night":
        return t >= time(22) or t < time(5)
    start, end = TIME_RANGES[slot]
    return start <= t < end


def apply_filters(entries: list[Entry], data: dict) -> list[Entry]:
    """The entries that match every filter given; rentals (no fixed departure) only match date-free filters."""
    words = (data.get("q") or "").casefold().split()
    date_from: date | None = data.get("date_from")
    date_to: date | None = data.get("date_to")
    result = []
    for e in entries:
        if words and not all(w in e.search_text for w in words):
            continue
        if data.get("kind") and e.kind != data["kind"]:
            continue
        if data.get("pier") and (e.pier is None or e.pier.pk != data["pier"]):
            continue
        if data.get("duration"):
            low, high = DURATION_RANGES[data["duration"]]
            if e.duration_minutes is None or not low <= e.duration_minutes <= high:
                continue
        if data.get("price_min") is not None and (e.price_from is None or e.price_from < data["price_min"]):
            continue
        if data.get("price_max") is not None and (e.price_from is None or e.price_from > data["price_max"]):
            continue
        if data.get("available") and (e.sold_out or (e.available is not None and e.available <= 0)):
            continue
        local = e.local_start
        if local is None:
            # a rental: bookable on any day of its season, at any time
            if date_from and e.end and e.end.astimezone(e.tz).date() < date_from:
                continue
            if data.get("time"):
                continue
            result.append(e)
            continue
        if date_from and local.date() < date_from:
            continue
        if date_to and local.date() > date_to:
            continue
        if data.get("time") and not _matches_time(local, data["time"]):
            continue
        result.append(e)
    return result


def price_bounds(entries: list[Entry]) -> tuple[Decimal | None, Decimal | None]:
    prices = [e.price_from for e in entries if e.price_from is not None]
    return (min(prices), max(prices)) if prices else (None, None)


def month_days(year: int, month: int) -> list[list[date | None]]:
    """Weeks (Monday first) of a month for the calendar; days outside the month are None."""
    first = date(year, month, 1)
    nxt = date(year + month // 12, month % 12 + 1, 1)
    days = [None] * first.weekday() + [first + timedelta(days=i) for i in range((nxt - first).days)]
    days += [None] * (-len(days) % 7)
    return [days[i:i + 7] for i in range(0, len(days), 7)]
