"""
The per-sailing summary table (``SailingFigures``): what the dashboard reads instead of aggregating every place,
payment, refund and scan of the season on each request.

* **Written** by :func:`refresh` with the live computation itself (``figures.sailing_figures``), so a row can only
  ever hold what the live computation says;
* **marked changed** by :func:`mark_orders_changed` from pretix's order, payment, refund and check-in signals, after
  the transaction commits (one UPDATE, no lock held inside the order's transaction);
* **read** by :func:`sailing_figures`: rows missing or changed since they were computed are recomputed first (on
  demand, only those), then every row of the filter comes from one statement over the summary;
* **safety net**: the periodic task (:func:`refresh_recent`) recomputes the changed rows and, once an hour, every
  sailing of the last week and the coming 60 days, for changes that reach the database without a signal (a
  position moved to another date keeps no trace of its old sailing, a bulk update in a shell).
"""
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import ExtractIsoYear, ExtractWeek
from django.utils.timezone import now
from django_scopes import scopes_disabled

from ..fleet.models import Sailing
from . import figures
from .models import SailingFigures

FIELDS = ("sold", "paid", "unscanned", "gross", "refunds", "refund_count", *figures.CHANNELS)
FEW = 100  # up to this many stale sailings are recomputed by id list, more through a subquery
PACE = tuple(f"pace_{d}" for d in figures.PACE_DAYS)


def refresh(sailings, at: datetime | None = None) -> int:
    """Recompute the rows of ``sailings`` (a queryset) from the orders; returns how many were written."""
    started = now()
    rows = figures.sailing_figures(sailings, at or started)
    pace = figures.pace_per_sailing(sailings)
    nothing = dict.fromkeys(figures.PACE_DAYS, 0)
    SailingFigures.objects.bulk_create(
        [SailingFigures(sailing_id=r.sailing_id, sold=r.sold, paid=r.paid, unscanned=r.unscanned, gross=r.gross,
                        refunds=r.refunds, refund_count=r.refund_count, computed_at=started, **r.channels,
                        **{f"pace_{d}": n for d, n in pace.get(r.subevent_id, nothing).items()})
         for r in rows],
        update_conflicts=True, unique_fields=("sailing",), update_fields=(*FIELDS, *PACE, "computed_at"),
        batch_size=1000)
    return len(rows)


def stale(sailings):
    """The sailings of ``sailings`` without a row, or changed since their row was computed."""
    return sailings.filter(Q(kpi_figures__isnull=True)
                           | Q(kpi_figures__changed_at__gte=F("kpi_figures__computed_at")))


def sailing_figures(sailings, at: datetime | None = None) -> list[figures.SailingFigures]:
    """
    Exactly ``figures.sailing_figures(sailings, at)``, read from the summary: stale rows are recomputed first,
    then one statement reads the sailings with their rows.
    """
    at = at or now()
    ensure_fresh(sailings, at)
    out = []
    names = tuple(f"kpi_figures__{f}" for f in FIELDS)
    for s in figures.sailing_values(sailings, *names):
        row = figures.sailing_row(s, at)
        row.sold, row.paid, row.unscanned = s["kpi_figures__sold"], s["kpi_figures__paid"], s["kpi_figures__unscanned"]
        row.gross, row.refunds = s["kpi_figures__gross"], s["kpi_figures__refunds"]
        row.refund_count = s["kpi_figures__refund_count"]
        row.channels = {c: s[f"kpi_figures__{c}"] for c in figures.CHANNELS}
        if row.no_shows is not None:
            row.no_shows = row.unscanned
        out.append(row)
    return sorted(out, key=lambda r: (r.start, r.sailing_id))


def ensure_fresh(sailings, at: datetime | None = None) -> None:
    """Recompute the rows of ``sailings`` that are missing or stale (usually none: one cheap EXISTS)."""
    todo = stale(sailings)
    ids = list(todo.values_list("pk", flat=True)[:FEW + 1])
    if len(ids) > FEW:  # a cold table: the sailings as a subquery (a long id list compiles slowly)
        refresh(Sailing.objects.filter(pk__in=todo.values("pk")), at)
    elif ids:  # the usual case, a few changed sailings: by id, so the planner uses the primary keys
        refresh(Sailing.objects.filter(pk__in=ids), at)


def booking_pace(events, first: datetime, last: datetime, vessel=None, pier=None) -> list[figures.PaceRow]:
    """Exactly ``figures.booking_pace``, summed from the summary rows (grouped by route, ISO year and week)."""
    return figures.pace_from(
        tuple(_pace_counts(figures.sailings_in(events, a, b, vessel, pier).filter(subevent__isnull=False))
              for a, b in ((first, last), (first - timedelta(days=364), last - timedelta(days=364)))),
        {e.pk: str(e.name) for e in events})


def _pace_counts(sailings) -> dict:
    ensure_fresh(sailings)
    sums = {f"d{d}": Sum(f"kpi_figures__pace_{d}") for d in figures.PACE_DAYS}
    return {(r["event_id"], r["y"], r["w"]): (r["n"], {d: r[f"d{d}"] or 0 for d in figures.PACE_DAYS})
            for r in sailings.annotate(y=ExtractIsoYear("subevent__date_from"), w=ExtractWeek("subevent__date_from"))
            .values("event_id", "y", "w").annotate(n=Count("id"), **sums)}


def sailings_of_order(order_id: int):
    """The sailings an order has (or had: cancelled positions too) places on."""
    from pretix.base.models import Order, OrderPosition

    subevents = OrderPosition.all.filter(order_id=order_id, subevent__isnull=False).values("subevent_id")
    single = Order.objects.filter(pk=order_id).values("event_id")
    return Sailing.objects.filter(Q(subevent_id__in=subevents) | Q(subevent__isnull=True, event_id__in=single))


def mark_orders_changed(*order_ids: int) -> None:
    """
    After the current transaction commits (immediately outside one): the rows of the orders' sailings are stale.
    One UPDATE of a few rows per call, outside the order's transaction and its locks; a rolled back transaction
    marks nothing.
    """
    ids = set(order_ids)

    @scopes_disabled()
    def mark():
        stamp = now()
        for order_id in ids:
            SailingFigures.objects.filter(sailing__in=sailings_of_order(order_id)).update(changed_at=stamp)

    transaction.on_commit(mark)


def mark_subevent_changed(subevent_id: int) -> None:
    """After commit: the row of the date's sailing is stale (its departure, hence its pace, may have moved)."""
    @scopes_disabled()
    def mark():
        SailingFigures.objects.filter(sailing__subevent_id=subevent_id).update(changed_at=now())

    transaction.on_commit(mark)


def refresh_recent(full: bool) -> int:
    """The periodic job: changed rows always; with ``full`` every sailing from a week ago to 60 days ahead."""
    at = now()
    if full:
        first, last = at - timedelta(days=7), at + timedelta(days=60)
        return refresh(Sailing.objects.filter(
            Q(subevent__date_from__gte=first, subevent__date_from__lt=last)
            | Q(subevent__isnull=True, event__date_from__gte=first, event__date_from__lt=last)), at)
    return refresh(Sailing.objects.filter(pk__in=stale(Sailing.objects.filter(kpi_figures__isnull=False))
                                          .values("pk")), at)
