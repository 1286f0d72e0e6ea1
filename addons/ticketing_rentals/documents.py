"""
The charter on its PDF ticket. A rental event's pretix date is only the offer's first day, so pretix's date
variables of the ticket layout (``event_begin``, ``event_date_range``, …) would print that day on every charter:
for the charter time's position they print the charter's own period in the pier's time instead. And since a
charter is a period on a vessel, the layout's start-time text (pretix's default layout prints ``event_begin``,
the start only) prints ``ticketing_charter`` on a charter's ticket: "21.12.2026 18:00–21:00, Аврора".
"""
from collections.abc import Callable

from django.utils.dateformat import time_format
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from pretix.base.pdf import DEFAULT_VARIABLES

from ticketing_core.hooks import Departure

# variable -> how it reads from the charter's (local start, local end)
CHARTER_DATE_VARIABLES: dict[str, Callable] = {
    "event_date": lambda s, e: date_format(s, "DATE_FORMAT"),
    "event_date_range": lambda s, e: f"{date_format(s, 'SHORT_DATETIME_FORMAT')}–{time_format(e, 'H:i')}",
    "event_begin": lambda s, e: date_format(s, "SHORT_DATETIME_FORMAT"),
    "event_begin_date": lambda s, e: date_format(s, "SHORT_DATE_FORMAT"),
    "event_begin_time": lambda s, e: time_format(s, "H:i"),
    "event_end": lambda s, e: date_format(e, "SHORT_DATETIME_FORMAT"),
    "event_end_date": lambda s, e: date_format(e, "SHORT_DATE_FORMAT"),
    "event_end_time": lambda s, e: time_format(e, "H:i"),
}


def charter_date_variables(departure_of: Callable[[object, object], Departure | None]) -> dict:
    """pretix's date variables, answering with the charter's period where ``departure_of(event, op)`` knows one."""
    variables = {}
    for key, render in CHARTER_DATE_VARIABLES.items():
        default = DEFAULT_VARIABLES[key]

        def evaluate(op, order, ev, _render=render, _default=default["evaluate"]):
            departure = departure_of(order.event, op)
            if departure is None or departure.end is None:
                return _default(op, order, ev)
            return _render(*departure.local(order.event))

        variables[key] = {**default, "evaluate": evaluate}
    return variables


CHARTER_VARIABLE = "ticketing_charter"
# where pretix's default layout prints when the ticket is for: the start only ("21.12.2026 18:00")
DATE_CONTENTS = {"event_begin", "event_date_range"}


def period_text(start, end) -> str:
    """ "21.12.2026 18:00–21:00"; a charter into the night names both days: "21.12.2026 22:00–22.12.2026 02:00"."""
    if end is None:
        return date_format(start, "SHORT_DATETIME_FORMAT")
    if end.date() == start.date():
        return f"{date_format(start, 'SHORT_DATETIME_FORMAT')}–{time_format(end, 'H:i')}"
    return f"{date_format(start, 'SHORT_DATETIME_FORMAT')}–{date_format(end, 'SHORT_DATETIME_FORMAT')}"


def charter_variable(charter_of: Callable[[object, object], object | None],
                     departure_of: Callable[[object, object], Departure | None]) -> dict:
    """ "21.12.2026 18:00–21:00, Аврора": the booked period in the pier's time and the vessel, for layouts."""
    def evaluate(op, order, ev):
        departure, charter = departure_of(order.event, op), charter_of(order.event, op)
        if departure is None or charter is None:
            return ""
        return pgettext("charter ticket", "{period}, {vessel}").format(
            period=period_text(*departure.local(order.event)), vessel=str(charter.vessel.name))

    return {CHARTER_VARIABLE: {
        "label": _("Charter: date, time range and vessel"),
        "editor_sample": _("21.12.2026 18:00–21:00, Aurora"),
        "evaluate": evaluate,
    }}


def with_charter_period(elements: list) -> bool:
    """The layout's start-time text prints the charter's period and vessel instead; True when something changed."""
    changed = False
    for e in elements:
        if isinstance(e, dict) and e.get("type") in ("textarea", "textcontainer") and e.get("content") in DATE_CONTENTS:
            e["content"] = CHARTER_VARIABLE
            changed = True
    return changed
