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
