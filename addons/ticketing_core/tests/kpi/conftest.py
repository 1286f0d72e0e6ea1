"""A small season with hand-computed figures (see ``test_figures.py`` for the arithmetic)."""
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils.timezone import now

from pretix.base.models import Checkin, Order, OrderPayment, OrderPosition, OrderRefund, SalesChannel

from ticketing_core.testing import factories


@dataclass
class Season:
    organizer: object
    event: object
    past: object  # sailing that departed two days ago, boarding closed
    future: object  # sailing in three days
    last_year: object  # the same ISO week one year (364 days) earlier
    boat: object
    pier: object


def _order(event, subevent, items, paid=True):
    """An order as the shop leaves it, without pretix's e-mails (seconds each): positions, a confirmed payment."""
    order = Order.objects.create(
        event=event, email="buyer@example.org", locale="ru", total=sum(i.default_price for i in items),
        status=Order.STATUS_PAID if paid else Order.STATUS_PENDING, expires=now() + timedelta(days=3),
        sales_channel=event.organizer.sales_channels.get(identifier="web"))
    for i in items:
        OrderPosition.objects.create(order=order, item=i, subevent=subevent, price=i.default_price)
    if paid:
        order.payments.create(provider="manual", amount=order.total, state=OrderPayment.PAYMENT_STATE_CONFIRMED)
    return order


def _at(order, when):
    Order.objects.filter(pk=order.pk).update(datetime=when)


def _channel(organizer, identifier, kind):
    return SalesChannel.objects.get_or_create(organizer=organizer, identifier=identifier,
                                              defaults={"type": kind, "label": identifier})[0]


@pytest.fixture
def season(organizer, series, boat, pier):
    at = now()
    adult, child, wine = series.items.order_by("id")
    past = factories.make_sailing(series, boat, pier, at - timedelta(days=2))
    future = factories.make_sailing(series, boat, pier, at + timedelta(days=3))
    last_year = factories.make_sailing(series, boat, pier, past.start - timedelta(days=364))
    dep = past.start
    checkins = series.checkin_lists.create(name="all")

    o1 = _order(series, past.subevent, [adult, child, wine])  # paid 2750, web; adult boarded
    _at(o1, dep - timedelta(days=10))
    Checkin.objects.create(position=o1.positions.get(item=adult), list=checkins, successful=True,
                           type=Checkin.TYPE_ENTRY, datetime=dep - timedelta(minutes=5))
    # a failed scan of the child is not boarding
    Checkin.objects.create(position=o1.positions.get(item=child), list=checkins, successful=False,
                           error_reason="rules", type=Checkin.TYPE_ENTRY, datetime=dep - timedelta(minutes=4))

    o2 = _order(series, past.subevent, [adult, adult])  # paid 3000, then refunded and cancelled
    _at(o2, dep - timedelta(days=20))
    o2.refunds.create(amount=Decimal("3000.00"), provider="manual", source=OrderRefund.REFUND_SOURCE_ADMIN,
                      state=OrderRefund.REFUND_STATE_DONE)
    o2.positions.update(canceled=True)
    Order.objects.filter(pk=o2.pk).update(status=Order.STATUS_CANCELED)

    o3 = _order(series, past.subevent, [adult], paid=False)  # API, unpaid
    Order.objects.filter(pk=o3.pk).update(sales_channel=_channel(organizer, "api", "api"))
    _at(o3, dep - timedelta(days=1, hours=2))

    o4 = _order(series, past.subevent, [adult])  # paid 1500 via a reseller (its own API channel), 500 refunded, no scan
    Order.objects.filter(pk=o4.pk).update(sales_channel=_channel(organizer, "resellers", "api"))
    _at(o4, dep - timedelta(days=40))
    o4.refunds.create(amount=Decimal("500.00"), provider="manual", source=OrderRefund.REFUND_SOURCE_ADMIN,
                      state=OrderRefund.REFUND_STATE_DONE)
    o4.refunds.create(amount=Decimal("100.00"), provider="manual", source=OrderRefund.REFUND_SOURCE_ADMIN,
                      state=OrderRefund.REFUND_STATE_FAILED)  # a failed refund is no refund

    o5 = _order(series, future.subevent, [adult])  # future sailing: boarding not closed
    _at(o5, at - timedelta(days=1))

    o6 = _order(series, last_year.subevent, [adult, child])  # previous season, same week
    _at(o6, last_year.start - timedelta(days=5))
    return Season(organizer, series, past, future, last_year, boat, pier)
