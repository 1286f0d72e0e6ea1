"""
Signals ticketing_core sends for the addons above it (rentals, seating, …), so that core knows none of them,
and between its own slices where the lower one (``fleet``) must not know the higher (``notifications``).

They are plain Django signals, sent to every installed addon whatever the event's plugins are: a vessel's
time is shared by every event of its organizer (a charter in one event blocks a sailing in another), so a
receiver must answer whenever it has data, not only where its plugin is switched on. The exceptions are
``fleet_menu`` (a pretix organizer plugin signal: an entry appears where its addon is active) and
``demo_loaders``.
"""
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.dispatch import Signal
from django.utils.dateformat import time_format
from django.utils.formats import date_format

from pretix.base.signals import OrganizerPluginSignal

vessel_time_check = Signal()
"""
Sent by ``fleet.schedule.check_schedule`` before a sailing of ``vessel`` in ``[start, end)`` is saved
(kwargs ``vessel``, ``start``, ``end``, ``buffer``: the turnaround as a timedelta). A receiver that knows
the vessel is busy then (a charter, say) returns a translated sentence saying so; the sailing is refused
with the first sentence. Return None when the time is free.
"""

sailing_changed = Signal()
"""
Sent by ``fleet.sailings`` inside the transaction that created, changed or cancelled a sailing (kwarg
``sailing``). A receiver may raise ``errors.ScheduleConflict`` to refuse the change (the transaction rolls
back and the person sees the sentence).
"""

sailing_canceled = Signal()
"""
Sent by the operator's cancellation of a sailing (``fleet.tasks.cancel_sailing``) once pretix has cancelled and
refunded its orders (kwargs ``sailing``, ``reason``); notifications send the SMS notices from here.
"""


@dataclass(frozen=True)
class Departure:
    """When an order departs (aware datetime) and from which pier (None: the event's own time zone)."""

    start: datetime
    pier: object | None = None
    end: datetime | None = None

    def local(self, event) -> tuple[datetime, datetime | None]:
        """Start and end in the pier's time zone (the event's where no pier is known)."""
        tz = ZoneInfo(self.pier.timezone if self.pier is not None else str(event.settings.timezone))
        return self.start.astimezone(tz), self.end.astimezone(tz) if self.end else None

    def text(self, event, fmt: str = "SHORT_DATETIME_FORMAT") -> str:
        """"11.12.2026 18:00–21:00" for a period of its own (a charter), "11.12.2026 18:00" for a sailing."""
        start, end = self.local(event)
        text = date_format(start, fmt)
        return f"{text}–{time_format(end, 'H:i')}" if end and end.date() == start.date() else text


order_departures = Signal()
"""
Sent with ``sender=event`` and kwarg ``order`` by the refund rule and the notifications. A receiver for
orders that depart at a time of their own (a charter has no pretix date) returns a list of
:class:`Departure`; an empty list or None means "not mine", and the order's pretix dates count.
"""

position_departure = Signal()
"""
Sent with ``sender=event`` and kwarg ``position`` (an order or cart position) by the pages and documents that
say when a passenger departs (cart, boarding cards, PDF tickets, e-mails). A receiver for positions with a time
of their own (a charter: pretix's event date is not its date) returns a :class:`Departure` with its end;
None means "not mine", and the position's pretix date counts (:func:`departure_of_position`).
"""


def departure_of_position(position, event=None) -> Departure:
    """When this position departs: the first answer to :data:`position_departure`, else its pretix date."""
    event = event or position.event
    for _receiver, answer in position_departure.send(sender=event, position=position):
        if answer:
            return answer
    date = position.subevent if position.subevent_id else event
    return Departure(date.date_from)


event_without_fixed_departure = Signal()
"""
Sent with ``sender=event`` when pretix's own cancellation deadline is set for the event. A receiver returns
True for an event whose orders each have their own departure (a charter offer): pretix cannot count 24 hours
from the event's date, so its deadline is switched off and ``policy.rules.check_refund`` alone decides.
"""

fleet_menu = OrganizerPluginSignal()
"""
Sent with ``sender=organizer`` and kwarg ``request`` while the back office builds the *Fleet* menu; a receiver
returns a list of menu children (``{"label", "url", "active"}``) shown after *Piers*.
"""

account_menu = OrganizerPluginSignal()
"""
Sent with ``sender=organizer`` and kwarg ``request`` while a page of the customer's account builds its menu
(:mod:`ticketing_core.account_menu`); a receiver returns a list of entries ``{"label", "url", "icon"}`` of its
addon's account pages, shown after pretix's own entries on every account page.
"""

demo_loaders = Signal()
"""
Sent once by ``demo.load_demo``; each receiver returns a list of :class:`demo.DemoLoader` (a position and a
function of the ``demo.DemoContext``). Core runs them together with its own steps, ordered by position, in
one transaction, so each addon brings its own part of the demo.
"""

seat_description = Signal()
"""
Sent with ``sender=seat`` (a pretix ``Seat``) by pages that name a passenger's seat (the boarding cards of the
shop). The seat maps' addon returns "deck, row, seat" in the active language; without an answer pretix's own
seat name is shown.
"""


def describe_seat(seat) -> str:
    """The seat in words: the first answer to :data:`seat_description`, else pretix's own name of the seat."""
    for _receiver, text in seat_description.send(sender=seat):
        if text:
            return str(text)
    return str(seat)

seat_wheelchair = Signal()
"""
Sent with ``sender=seat`` (a pretix ``Seat``) by the passenger manifest, which counts wheelchair places. The seat
maps' addon returns True for a seat of a wheelchair category; without an answer a seat is not one.
"""


def is_wheelchair_seat(seat) -> bool:
    return any(answer for _receiver, answer in seat_wheelchair.send(sender=seat))
