"""
The charter on its PDF ticket. A rental event's pretix date is only the offer's first day, so pretix's date
variables of the ticket layout (``event_begin``, ``event_date_range``, …) would print that day on every charter:
for the charter time's position they print the charter's own period in the pier's time instead.
"""
from collections.abc import Callable

from django.utils.dateformat import time_format
from django.utils.formats import date_format

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
