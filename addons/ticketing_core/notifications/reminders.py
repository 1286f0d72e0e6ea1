"""
Reminders before departure: by default 24 and 2 hours before, configurable per event. Times are
compared in UTC (a departure is an instant; the pier's zone only matters for the text), and each
(order, date, lead time) is reminded once, whatever the task's schedule or how often it runs.
"""
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.timezone import now as utcnow

from pretix.base.models import Event, Order, SubEvent

from .service import notify

DEFAULT_HOURS = "24,2"


def lead_hours(event: Event) -> list[int]:
    raw = str(event.settings.get("ticketing_notify_reminder_hours", default=DEFAULT_HOURS) or "")
    hours = sorted({int(h) for h in raw.replace(";", ",").split(",") if h.strip().isdigit() and 0 < int(h) <= 168},
                   reverse=True)
    return hours


def send_due_reminders(now: datetime | None = None) -> int:
    """Remind every paid order whose departure is within a lead time, once per lead time."""
    now = now or utcnow()
    sent = 0
    horizon = now + timedelta(hours=168)
    dates = SubEvent.objects.filter(active=True, date_from__gt=now, date_from__lte=horizon,
                                    event__plugins__contains="ticketing_core").select_related("event")
    singles = Event.objects.filter(has_subevents=False, date_from__gt=now, date_from__lte=horizon,
                                   plugins__contains="ticketing_core")
    targets = [(d.event, d, d.date_from) for d in dates] + [(e, None, e.date_from) for e in singles]
    for event, subevent, start in targets:
        for hours in lead_hours(event):
            due = start - timedelta(hours=hours)
            if not (due <= now < start):
                continue
            orders = Order.objects.filter(event=event, status=Order.STATUS_PAID, datetime__lt=due)
            if subevent is not None:
                orders = orders.filter(Q(all_positions__subevent=subevent, all_positions__canceled=False)).distinct()
            for order in orders:
                # the facts of this very sailing, worked out in the order's language by notify()
                created = notify(order, "reminder", occasion=f"{subevent.pk if subevent else 'e'}:{hours}h",
                                 extra={"hours": hours}, subevent=subevent)
                sent += len([n for n in created if n.status == n.PENDING])
    return sent
