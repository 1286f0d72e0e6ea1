"""The per-sailing summary table gives exactly the live computation, also after a refund, a scan and a payment."""
import dataclasses
from datetime import timedelta
from decimal import Decimal

from django.utils.timezone import now

from pretix.base.models import Checkin, OrderPayment, OrderPosition, OrderRefund

from ticketing_core.kpi import figures, summary
from ticketing_core.kpi.models import SailingFigures


def _both(season):
    at = now()
    sailings = figures.sailings_in([season.event], at - timedelta(days=400), at + timedelta(days=30))
    return ([dataclasses.asdict(r) for r in summary.sailing_figures(sailings, at)],
            [dataclasses.asdict(r) for r in figures.sailing_figures(sailings, at)])


def test_summary_equals_live_computation_after_changes(season, django_capture_on_commit_callbacks):
    stored, live = _both(season)
    assert stored == live
    assert SailingFigures.objects.count() == 3  # one row per sailing, written on first read
    past = SailingFigures.objects.get(sailing=season.past)
    assert (past.paid, past.unscanned, past.gross, past.refund_count) == (3, 2, Decimal("7250.00"), 2)

    o4 = OrderPosition.objects.get(subevent=season.past.subevent, order__sales_channel__identifier="resellers").order
    child = OrderPosition.objects.get(subevent=season.past.subevent, item__name__contains="", price=900)
    with django_capture_on_commit_callbacks(execute=True):
        o4.refunds.create(amount=Decimal("250.00"), provider="manual", source=OrderRefund.REFUND_SOURCE_ADMIN,
                          state=OrderRefund.REFUND_STATE_DONE)
        Checkin.objects.create(position=child, list=season.event.checkin_lists.order_by("pk").first(), successful=True,
                               type=Checkin.TYPE_ENTRY, datetime=season.past.start)
        o4.payments.create(provider="manual", amount=Decimal("10.00"), state=OrderPayment.PAYMENT_STATE_CONFIRMED)
    past.refresh_from_db()
    assert past.changed_at is not None and past.changed_at >= past.computed_at  # stale, not yet recomputed

    stored, live = _both(season)
    assert stored == live
    row = next(r for r in stored if r["sailing_id"] == season.past.pk)
    # 2 refunds + the new one; the child boarded (one no-show left); gross + 10 of the new payment
    assert (row["refund_count"], row["refunds"], row["no_shows"]) == (3, Decimal("3750.00"), 1)
    assert row["gross"] == Decimal("7260.00")
    past.refresh_from_db()
    assert past.changed_at < past.computed_at  # recomputed on read
    assert SailingFigures.objects.get(sailing=season.future).changed_at is None  # other sailings untouched


def test_pace_from_the_summary_equals_the_live_pace(season, django_capture_on_commit_callbacks):
    dep = season.past.start
    window = ([season.event], dep - timedelta(days=8), dep + timedelta(days=8))
    assert summary.booking_pace(*window) == figures.booking_pace(*window)
    assert sum(p.by_day[0] for p in summary.booking_pace(*window)) == 5  # past sailing 4, future 1
    o5 = OrderPosition.objects.get(subevent=season.future.subevent).order
    with django_capture_on_commit_callbacks(execute=True):  # the future sailing's order lost its payment
        o5.status = o5.STATUS_CANCELED
        o5.save()
    pace = summary.booking_pace(*window)
    assert pace == figures.booking_pace(*window)
    assert sum(p.by_day[0] for p in pace) == 4  # the future sailing sold nothing now


def test_periodic_refresh_recomputes_changed_rows_only(season, django_capture_on_commit_callbacks):
    _both(season)
    o5 = OrderPosition.objects.get(subevent=season.future.subevent).order
    with django_capture_on_commit_callbacks(execute=True):
        o5.refunds.create(amount=Decimal("1500.00"), provider="manual", source=OrderRefund.REFUND_SOURCE_ADMIN,
                          state=OrderRefund.REFUND_STATE_DONE)
    assert summary.refresh_recent(full=False) == 1
    assert SailingFigures.objects.get(sailing=season.future).refunds == Decimal("1500.00")
    assert summary.refresh_recent(full=False) == 0
    assert summary.refresh_recent(full=True) == 2  # the past and the future sailing; last year's is older
