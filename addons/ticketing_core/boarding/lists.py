"""
One pretix check-in list per sailing, created and renamed by the suite (never by staff), and the boarding close.

Boarding closes at departure + the grace period (organizer/event setting ``ticketing_boarding_grace_minutes``,
default 15). The close is a pretix check-in *rule* (``now`` before ``date_from`` + grace minutes), not a check of
ours: pretix evaluates it in ``perform_checkin`` for every scan (API, pretixSCAN, our web page), pretixSCAN's
offline mode evaluates the same rule on the device (libpretixsync), and pretix's refusal carries the reason
("Only allowed before 18:15") in ``reason_explanation``. An offline scan uploaded later carries its scan time,
which is what the rule compares.
"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils.formats import date_format

from pretix.base.i18n import language
from pretix.base.models import CheckinList, Event, SubEvent

from ..fleet.models import Sailing
from .models import BoardingList

GRACE_SETTING = "ticketing_boarding_grace_minutes"


def grace_minutes(event: Event) -> int:
    try:
        return max(int(event.settings.get(GRACE_SETTING, as_type=int)), 0)
    except (TypeError, ValueError):
        return 15


def closing_rule(minutes: int) -> dict:
    """pretix's JSON logic: entry only before the date's departure plus ``minutes``."""
    return {"isBefore": [{"var": "now"}, {"buildTime": ["date_from"]}, minutes]}


def boarding_closes_at(sailing: Sailing) -> datetime:
    return sailing.start + timedelta(minutes=grace_minutes(sailing.event))


def list_name(sailing: Sailing) -> str:
    """"07.12.2026 18:00 · Нева-1 · Дворцовая пристань": date, vessel and pier, in the event's language."""
    local = sailing.start.astimezone(ZoneInfo(sailing.departure_pier.timezone))
    with language(sailing.event.settings.locale):
        text = f"{date_format(local, 'd.m.Y H:i')} · {sailing.vessel.name} · {sailing.departure_pier.name}"
    return text[:190]


def sync_list(sailing: Sailing) -> CheckinList | None:
    """Create or update the sailing's check-in list; a cancelled sailing's list is kept (its scans are history)."""
    if sailing.subevent_id is None and sailing.event.has_subevents:
        return None
    with transaction.atomic():
        bond = BoardingList.objects.filter(sailing=sailing).select_related("checkin_list").first()
        clist = bond.checkin_list if bond else CheckinList(event=sailing.event, subevent=sailing.subevent)
        wanted = {
            "name": list_name(sailing), "subevent_id": sailing.subevent_id, "all_products": True,
            "include_pending": False, "allow_multiple_entries": False, "allow_entry_after_exit": False,
            "addon_match": False, "rules": closing_rule(grace_minutes(sailing.event)),
        }
        if clist.pk and all(getattr(clist, k) == v for k, v in wanted.items()):
            return clist
        for k, v in wanted.items():
            setattr(clist, k, v)
        clist.save()
        if bond is None:
            BoardingList.objects.create(sailing=sailing, checkin_list=clist)
            sailing.event.log_action("pretix.event.checkinlist.added", data={"id": clist.pk, "name": clist.name})
        return clist


def sync_date(date_obj) -> None:
    """A pretix date (or single event) was saved: its sailing's list follows its time and name."""
    if isinstance(date_obj, SubEvent):
        sailing = Sailing.objects.filter(subevent=date_obj).select_related("vessel", "departure_pier", "event").first()
    else:
        sailing = Sailing.objects.filter(event=date_obj, subevent__isnull=True).select_related(
            "vessel", "departure_pier", "event").first()
    if sailing is not None:
        sync_list(sailing)


def resync_event(event: Event) -> int:
    """Every sailing of the event again (the grace period changed)."""
    n = 0
    for sailing in Sailing.objects.filter(event=event).select_related("vessel", "departure_pier", "event", "subevent"):
        sync_list(sailing)
        n += 1
    return n


def list_of(sailing: Sailing) -> CheckinList | None:
    bond = BoardingList.objects.filter(sailing=sailing).select_related("checkin_list").first()
    return bond.checkin_list if bond else sync_list(sailing)


def ensure_event_list(event: Event, name: str) -> CheckinList:
    """
    One list over a whole event without dates of its own (a charter offer: each order is its party's boarding,
    its charter time ticket boards the guests). Created once; kept if staff rename it.
    """
    clist = event.checkin_lists.filter(subevent__isnull=True, ticketing_boarding__isnull=True).order_by("pk").first()
    if clist is None:
        clist = event.checkin_lists.create(name=name[:190], all_products=True, include_pending=False,
                                           allow_multiple_entries=False)
        event.log_action("pretix.event.checkinlist.added", data={"id": clist.pk, "name": clist.name})
    return clist
