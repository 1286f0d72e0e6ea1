"""KPI figures against values computed by hand on the small season of ``conftest.py``."""
from datetime import timedelta
from decimal import Decimal

from django.utils.timezone import now

from ticketing_core.kpi import figures


def _rows(season):
    at = now()
    sailings = figures.sailings_in([season.event], at - timedelta(days=30), at + timedelta(days=30))
    return {r.sailing_id: r for r in figures.sailing_figures(sailings)}


def test_sailing_figures_match_hand_computed_values(season):
    rows = _rows(season)
    assert set(rows) == {season.past.pk, season.future.pk}  # last year's sailing is outside the period
    past = rows[season.past.pk]
    # sold: o1 adult+child (the wine is no place), o3 pending adult, o4 adult; o2 is cancelled
    assert (past.capacity, past.sold, past.paid) == (60, 4, 3)
    assert past.load_factor == Decimal("5.0")  # 3 paid of 60
    # gross: payments confirmed of o1 2750 + o2 3000 (refunded later) + o4 1500; the failed refund does not count
    assert past.gross == Decimal("7250.00")
    assert (past.refunds, past.refund_count) == (Decimal("3500.00"), 2)
    assert past.net == Decimal("3750.00")
    assert past.revenue_per_seat == Decimal("62.50")  # 3750 / 60
    # no-shows: o1's child (only a failed scan) and o4's adult; o1's adult boarded
    assert past.no_shows == 2
    assert past.channels == {"shop": 2, "backoffice": 0, "api": 1, "reseller": 1}
    future = rows[season.future.pk]
    assert (future.sold, future.paid, future.no_shows) == (1, 1, None)  # boarding not closed: no no-shows yet
    totals = figures.totals_of(list(rows.values()))
    assert (totals.capacity, totals.paid, totals.no_shows) == (120, 4, 2)
    assert totals.load_factor == Decimal("3.3")  # 4 / 120
    assert totals.net == Decimal("5250.00")  # 3750 + 1500


def test_no_show_waits_for_boarding_close(season):
    sailings = figures.sailings_in([season.event], season.past.start - timedelta(minutes=1),
                                   season.past.start + timedelta(minutes=1))
    before_close = season.past.start + figures.BOARDING_GRACE - timedelta(seconds=1)
    assert figures.sailing_figures(sailings, at=before_close)[0].no_shows is None
    assert figures.sailing_figures(sailings, at=before_close + timedelta(seconds=1))[0].no_shows == 2


def test_order_over_two_sailings_is_shared_by_price(season):
    from pretix.base.models import OrderPosition

    adult, child, _wine = season.event.items.order_by("id")
    order = season.past.subevent.orderposition_set.first().order  # o1: 1500 + 900 + 350 on the past sailing
    OrderPosition.objects.filter(order=order, item=child).update(subevent=season.future.subevent)
    rows = _rows(season)
    # o1 paid 2750: 1850 (adult + wine) stays with the past sailing, 900 (child) moves to the future one
    assert rows[season.past.pk].gross == Decimal("7250.00") - Decimal("900.00")
    assert rows[season.future.pk].gross == Decimal("1500.00") + Decimal("900.00")


def test_booking_pace_against_previous_season(season):
    dep = season.past.start
    pace = figures.booking_pace([season.event], dep - timedelta(hours=1), dep + timedelta(hours=1))
    assert len(pace) == 1
    row = pace[0]
    assert row.week == dep.isocalendar().week
    # o4 40 days before (1 place), o1 10 days before (2), o3 1 day 2 h before (1); o2 cancelled
    assert row.by_day == {60: 0, 30: 1, 21: 1, 14: 1, 7: 3, 3: 3, 1: 4, 0: 4}
    # last year: o6 (2 places) five days before departure
    assert row.previous == {60: 0, 30: 0, 21: 0, 14: 0, 7: 0, 3: 2, 1: 2, 0: 2}
