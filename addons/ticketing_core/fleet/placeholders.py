"""
Placeholders for pretix's e-mail texts about a sailing: ``{sailing_date}`` (departure, local time at the pier)
and ``{cancel_reason}`` (what the operator typed when cancelling it). pretix has no placeholder for a date's day
and time, and the reason is text typed by staff: it reaches the customer as plain text (escaped in the HTML part,
inserted after pretix's Markdown step), never as Markdown, HTML or a link.
"""
from zoneinfo import ZoneInfo

from django.utils.html import escape

from pretix.base.models import Event, SubEvent
from pretix.base.services.placeholders import SimpleFunctionalTextPlaceholder
from pretix.helpers.format import PlainHtmlAlternativeString

from .models import Sailing


def _sailing(event_or_subevent: Event | SubEvent) -> Sailing | None:
    qs = Sailing.objects.select_related("departure_pier")
    if isinstance(event_or_subevent, SubEvent):
        return qs.filter(subevent=event_or_subevent).first()
    return qs.filter(event=event_or_subevent, subevent__isnull=True).first()


def sailing_date(event_or_subevent: Event | SubEvent) -> str:
    """Day and time of departure in the departure pier's time zone (the event's when it has no sailing)."""
    sailing = _sailing(event_or_subevent)
    tz = ZoneInfo(sailing.departure_pier.timezone) if sailing else event_or_subevent.timezone
    return event_or_subevent.date_from.astimezone(tz).strftime("%d.%m.%Y %H:%M")


def cancel_reason(event_or_subevent: Event | SubEvent) -> PlainHtmlAlternativeString | str:
    sailing = _sailing(event_or_subevent)
    reason = sailing.cancel_reason if sailing else ""
    return PlainHtmlAlternativeString(reason, escape(reason)) if reason else ""


def placeholders() -> list[SimpleFunctionalTextPlaceholder]:
    return [
        SimpleFunctionalTextPlaceholder("sailing_date", ["event_or_subevent"], sailing_date, "25.12.2026 19:00"),
        SimpleFunctionalTextPlaceholder("cancel_reason", ["event_or_subevent"], cancel_reason, "шторм"),
    ]
