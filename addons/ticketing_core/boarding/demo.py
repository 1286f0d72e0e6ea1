"""
The demo's boarding day: a sailing today with boarded and not-yet-boarded passengers, and yesterday's sailing with
no-shows (its summary logged as the periodic task would). Idempotent: a sailing that already has demo passengers
is left alone.
"""
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.timezone import now

from pretix.base.models import Checkin, Order, OrderPayment, OrderPosition, SubEvent

from ..errors import TicketingError
from ..fleet.models import Sailing
from ..fleet.sailings import save_sailing
from ..fleet.schedule import check_schedule
from .lists import list_of
from .noshows import summarize_closed

EMAIL = "boarding-demo@example.org"
DURATION = timedelta(minutes=90)
PASSENGERS = [("Анна Смирнова", 0, True), ("Миша Смирнов", 1, True), ("Пётр Иванов", 0, False),
              ("Ольга Кузнецова", 0, False), ("Li Wei", 0, True), ("Дарья Орлова", 1, False)]


def _sailing(event, vessels, piers, candidates):
    """
    A sailing of ``event`` at the first of ``candidates`` its vessel is free at. The demo's own timetable (and
    the addons' charters) fill much of a day, so the caller offers every quarter hour it would accept.
    """
    for dt in candidates:
        for vessel in vessels:
            try:
                check_schedule(vessel, dt, dt + DURATION)
            except TicketingError:
                continue
            se = SubEvent.objects.create(event=event, name=event.name, date_from=dt, date_to=dt + DURATION,
                                         active=True, is_public=True)
            return save_sailing(event, se, vessel=vessel, departure_pier=piers[0], arrival_pier=piers[0],
                                duration=DURATION)
    return None


def _quarters(first: datetime, last: datetime, backwards: bool = False):
    """Every quarter hour from ``first`` to ``last`` (down to it when ``backwards``); none when the range is empty."""
    step = timedelta(minutes=-15 if backwards else 15)
    dt = first
    while (dt >= last) if backwards else (dt <= last):
        yield dt
        dt += step


def _next_quarter(dt: datetime) -> datetime:
    return dt.replace(second=0, microsecond=0) + timedelta(minutes=-dt.minute % 15)


def _today_candidates(local_now: datetime):
    """
    Today's sailing departs later today, so its crew is still boarding (the first passengers aboard, the rest
    awaited): ideally from 10:00 and not within the next 45 minutes, else as soon as the timetable lets it (on
    a summer evening the route's boat sails until 22:30). Only past 23:40 does it fall back to one that left
    earlier today (everyone who came is aboard, the others are no-shows).
    """
    midnight = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    last = midnight.replace(hour=23, minute=45)
    ideal = _next_quarter(max(local_now + timedelta(minutes=45), midnight.replace(hour=10)))
    yield from _quarters(ideal, last)
    # sooner than the ideal start: the quarters before it (those from it on were offered above)
    yield from _quarters(_next_quarter(local_now + timedelta(minutes=5)), min(ideal - timedelta(minutes=15), last))
    yield from _quarters(_next_quarter(local_now) - timedelta(minutes=45), midnight, backwards=True)


def _passengers(sailing, boarded_at):
    event = sailing.event
    items = list(event.items.filter(admission=True).order_by("pk"))
    clist = list_of(sailing)
    for i, (name, item_index, boards) in enumerate(PASSENGERS):
        item = items[min(item_index, len(items) - 1)]
        price = item.default_price or Decimal("0.00")
        order = Order.objects.create(event=event, email=EMAIL, phone=f"+7921000{i:04d}", status=Order.STATUS_PENDING,
                                     locale="ru", total=price, expires=now() + timedelta(days=1),
                                     sales_channel=event.organizer.sales_channels.get(identifier="web"))
        pos = OrderPosition.objects.create(order=order, item=item, subevent=sailing.subevent, price=price,
                                           attendee_name_parts={"full_name": name})
        order.create_transactions(is_new=True)  # pretix's ledger of what the order holds (checked at commit)
        if price:
            order.payments.create(provider="manual", amount=price, state=OrderPayment.PAYMENT_STATE_CREATED).confirm()
        else:
            order.status = Order.STATUS_PAID
            order.save(update_fields=["status"])
        if boards and boarded_at:
            Checkin.objects.create(position=pos, list=clist, type=Checkin.TYPE_ENTRY,
                                   datetime=boarded_at - timedelta(minutes=10 - i))


def load_boarding_demo(context) -> None:
    """Runs right after core's fleet and events, so the seat maps' and others' parts cover these dates too."""
    from ..demo import _bar_quotas

    events = [e for e in context.events if e.has_subevents and e.items.filter(admission=True).exists()]
    if not events or not context.vessels or not context.piers:
        return
    event = events[0]
    usual = Sailing.objects.filter(event=event).select_related("vessel", "departure_pier").first()
    if usual is None:
        return
    vessels, piers = [usual.vessel], [usual.departure_pier]  # the route's own vessel: same products and seats
    tz = ZoneInfo(piers[0].timezone)
    if Order.objects.filter(event=event, email=EMAIL).exists():
        return
    local_now = now().astimezone(tz)
    today = _sailing(event, vessels, piers, _today_candidates(local_now))
    noon = (local_now - timedelta(days=1)).replace(hour=12, minute=0, second=0, microsecond=0)
    yesterday = _sailing(event, vessels, piers, _quarters(noon, noon + timedelta(hours=10)))
    for sailing in (today, yesterday):
        if sailing is not None:  # boarding runs until departure: today's first passengers are aboard already
            _passengers(sailing, min(now(), sailing.start))
            context.tally.add("boarding demo sailing")
    _bar_quotas(event, context.tally)
    summarize_closed()

