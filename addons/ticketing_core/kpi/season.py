"""
A season of past sailings with orders, payments, refunds, check-ins and funnel days, written with ``bulk_create``
(seconds for thousands of orders). The demo's dashboard and ``bench/kpi.py`` both use it; nothing else should:
it skips pretix's order services on purpose (no e-mails, no quota checks, no log entries).
"""
import random
import string
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from pretix.base.models import (
    Checkin,
    CheckinList,
    Event,
    Order,
    OrderPayment,
    OrderPosition,
    OrderRefund,
    SubEvent,
)

from ..fleet.models import Pier, Sailing, Vessel
from .funnel import add_counts

CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ3789"  # pretix's order code alphabet


@dataclass
class Plan:
    """Departures of ``event`` on ``vessel`` from ``pier`` (aware datetimes), each lasting ``duration``."""

    event: Event
    vessel: Vessel
    pier: Pier
    departures: list[datetime]
    duration: timedelta = timedelta(minutes=90)


def generate(plans: list[Plan], rng: random.Random, *, load=(0.35, 0.95), refund_rate=0.05, api_rate=0.1,
             no_show_rate=0.07, funnel: bool = True, batch: int = 2000) -> dict:
    """Write the season of ``plans``; returns how many sailings, orders, places and check-ins it made."""
    counts = {"sailings": 0, "orders": 0, "places": 0, "checkins": 0}
    with transaction.atomic():
        for plan in plans:
            _plan(plan, rng, load, refund_rate, api_rate, no_show_rate, funnel, batch, counts)
    return counts


def _code(rng, used: set) -> str:
    while True:
        code = "".join(rng.choice(CODE_CHARS) for _ in range(5))
        if code not in used:
            used.add(code)
            return code


def _channel(draw: float, api_rate: float, web, api, reseller):
    if draw < api_rate / 2:
        return api
    if draw < api_rate:
        return reseller
    return web


def _token(rng, n: int) -> str:
    return "".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(n))


def _plan(plan, rng, load, refund_rate, api_rate, no_show_rate, funnel, batch, counts) -> None:
    event, organizer = plan.event, plan.event.organizer
    items = list(event.items.filter(admission=True).order_by("id")[:2])
    web = organizer.sales_channels.get(identifier="web")
    api = organizer.sales_channels.get_or_create(identifier="api", defaults={"type": "api", "label": "API"})[0]
    # a reseller selling through the API with a channel of its own (how pretix's reseller channels look to us)
    reseller = organizer.sales_channels.get_or_create(identifier="resellers",
                                                      defaults={"type": "api", "label": "Resellers"})[0]
    checkin_list, _c = CheckinList.objects.get_or_create(event=event, name="Посадка: прошедшие рейсы",
                                                         defaults={"all_products": True})
    used = set(Order.objects.filter(organizer=organizer).values_list("code", flat=True))
    subevents = SubEvent.objects.bulk_create([
        SubEvent(event=event, name=event.name, date_from=d, date_to=d + plan.duration, active=True, is_public=True)
        for d in plan.departures], batch_size=batch)
    Sailing.objects.bulk_create([
        Sailing(event=event, subevent=se, vessel=plan.vessel, departure_pier=plan.pier, arrival_pier=plan.pier,
                duration=plan.duration) for se in subevents], batch_size=batch)
    counts["sailings"] += len(subevents)

    orders, places = [], []  # places: (order index, item, subevent)
    funnel_days: dict = {}
    for se in subevents:
        target = int(plan.vessel.capacity * rng.uniform(*load))
        while target > 0:
            size = min(rng.choice((1, 2, 2, 2, 3, 4)), target)
            target -= size
            placed = se.date_from - timedelta(days=min(rng.expovariate(1 / 12), 90), hours=rng.uniform(1, 20))
            chosen = [items[0] if (i == 0 or rng.random() < 0.7) else items[-1] for i in range(size)]
            canceled = rng.random() < refund_rate
            orders.append(Order(
                organizer=organizer, event=event, code=_code(rng, used), locale="ru", datetime=placed,
                expires=placed + timedelta(days=1), total=sum(i.default_price for i in chosen),
                status=Order.STATUS_CANCELED if canceled else Order.STATUS_PAID,
                sales_channel=_channel(rng.random(), api_rate, web, api, reseller)))
            places.extend((len(orders) - 1, item, se) for item in chosen)
            day = placed.date()
            funnel_days[(event.pk, day)] = funnel_days.get((event.pk, day), 0) + 1
    orders = Order.objects.bulk_create(orders, batch_size=batch)
    counts["orders"] += len(orders)
    positions, nth = [], {}
    for index, item, se in places:
        order = orders[index]
        nth[index] = nth.get(index, 0) + 1
        positions.append(OrderPosition(
            organizer=organizer, order=order, item=item, subevent=se, price=item.default_price, positionid=nth[index],
            secret=_token(rng, 32), pseudonymization_id=_token(rng, 10).upper(), tax_rate=0, tax_value=0,
            canceled=order.status == Order.STATUS_CANCELED))
    positions = OrderPosition.all.bulk_create(positions, batch_size=batch)
    counts["places"] += len(positions)
    OrderPayment.objects.bulk_create([
        OrderPayment(order=o, local_id=1, amount=o.total, provider="manual", payment_date=o.datetime,
                     state=OrderPayment.PAYMENT_STATE_CONFIRMED if o.status == Order.STATUS_PAID
                     else OrderPayment.PAYMENT_STATE_REFUNDED) for o in orders], batch_size=batch)
    OrderRefund.objects.bulk_create([
        OrderRefund(order=o, local_id=1, amount=o.total, provider="manual", state=OrderRefund.REFUND_STATE_DONE,
                    source=OrderRefund.REFUND_SOURCE_ADMIN, execution_date=o.datetime + timedelta(days=1))
        for o in orders if o.status == Order.STATUS_CANCELED], batch_size=batch)
    scans = [Checkin(position=p, list=checkin_list, successful=True, type=Checkin.TYPE_ENTRY,
                     datetime=p.subevent.date_from - timedelta(minutes=rng.randint(1, 20)))
             for p in positions if not p.canceled and rng.random() >= no_show_rate]
    Checkin.objects.bulk_create(scans, batch_size=batch)
    counts["checkins"] += len(scans)
    if funnel:
        rows = {}
        for (event_id, day), placed in funnel_days.items():
            paid = sum(1 for _ in range(placed) if rng.random() < 0.93)
            visits = int(placed * rng.uniform(18, 30))
            carts = max(int(placed * rng.uniform(2.2, 3.2)), placed)
            rows.update({(event_id, day, "visit"): visits, (event_id, day, "cart"): carts,
                         (event_id, day, "checkout"): max(int(placed * rng.uniform(1.4, 1.9)), placed),
                         (event_id, day, "placed"): placed, (event_id, day, "paid"): paid})
        keys = list(rows)
        for i in range(0, len(keys), 500):
            add_counts({k: rows[k] for k in keys[i:i + 500]})
