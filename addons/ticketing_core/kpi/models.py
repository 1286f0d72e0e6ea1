"""The funnel's daily summary: one row per event, day and step, a number and nothing else (152-FZ)."""
from django.db import models
from django.db.models import Q
from django_scopes import ScopedManager


class FunnelDay(models.Model):
    """
    How many times a step of the shop's funnel happened for an event on one day (the operator's time zone).

    Deliberately no user, session, address or cart id: the table can only ever say "how many", never "who".
    """

    event = models.ForeignKey("pretixbase.Event", on_delete=models.CASCADE, related_name="ticketing_funnel_days")
    day = models.DateField()
    step = models.CharField(max_length=16)
    count = models.PositiveBigIntegerField(default=0)

    objects = ScopedManager(organizer="event__organizer")

    class Meta:
        ordering = ("day", "event", "step")
        constraints = [
            models.UniqueConstraint(fields=("event", "day", "step"), name="ticketing_funnel_day_unique"),
            models.CheckConstraint(condition=Q(step__in=("visit", "cart", "checkout", "placed", "paid")),
                                   name="ticketing_funnel_day_known_step"),
        ]


class SailingFigures(models.Model):
    """
    The figures of one sailing that cost aggregating its orders (``figures.sailing_figures``), kept so the dashboard
    reads one small row per sailing instead of grouping every place, payment and scan of the season.

    ``computed_at`` is when the figures were read from the orders; ``changed_at`` is set (after commit) whenever
    an order, payment, refund or scan of the sailing changes. A row is stale while ``changed_at >= computed_at``
    and is recomputed before the dashboard reads it, so the page always equals the live computation. No-shows
    are stored as ``unscanned`` (paid places without an entry scan); whether they count depends on the time of
    reading (boarding closed or not), so that is decided then.
    """

    sailing = models.OneToOneField("ticketing_core.Sailing", on_delete=models.CASCADE, related_name="kpi_figures")
    sold = models.PositiveIntegerField(default=0)
    paid = models.PositiveIntegerField(default=0)
    unscanned = models.PositiveIntegerField(default=0)
    gross = models.DecimalField(max_digits=13, decimal_places=2, default=0)
    refunds = models.DecimalField(max_digits=13, decimal_places=2, default=0)
    refund_count = models.PositiveIntegerField(default=0)
    shop = models.PositiveIntegerField(default=0)
    backoffice = models.PositiveIntegerField(default=0)
    api = models.PositiveIntegerField(default=0)
    reseller = models.PositiveIntegerField(default=0)
    # booking pace: places sold (pending or paid) by 60, 30, 21, 14, 7, 3, 1 and 0 days before departure
    pace_60 = models.PositiveIntegerField(default=0)
    pace_30 = models.PositiveIntegerField(default=0)
    pace_21 = models.PositiveIntegerField(default=0)
    pace_14 = models.PositiveIntegerField(default=0)
    pace_7 = models.PositiveIntegerField(default=0)
    pace_3 = models.PositiveIntegerField(default=0)
    pace_1 = models.PositiveIntegerField(default=0)
    pace_0 = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField()
    changed_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organizer="sailing__event__organizer")
