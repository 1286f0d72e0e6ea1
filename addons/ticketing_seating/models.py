"""Seat maps of vessels, product mapping per event, and the reasons for seats blocked on one sailing."""
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from pretix.base.models import LoggedModel


class VesselSeatMap(LoggedModel):
    """
    The seat map of one vessel: the current version is a pretix ``SeatingPlan`` (pretix's JSON format).

    Every saved change makes a new ``SeatingPlan`` row, so sailings that keep an older version (because
    seats were sold on them) keep exactly the plan they were sold with.
    """

    vessel = models.OneToOneField("ticketing_core.Vessel", on_delete=models.CASCADE, related_name="seat_map")
    plan = models.ForeignKey("pretixbase.SeatingPlan", on_delete=models.PROTECT, related_name="+")
    # {"<category name>": {"wheelchair": bool, "sellable": bool}}; missing means sellable, not wheelchair
    category_flags = models.JSONField(default=dict, blank=True)
    # {"zones": {"<deck name>": {"ru": "...", "en": "..."}}, "categories": {"<name>": {...}}}
    labels = models.JSONField(default=dict, blank=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ScopedManager(organizer="vessel__organizer")

    class Meta:
        verbose_name = _("Seat map")

    def __str__(self) -> str:
        return str(self.plan.name)

    @property
    def organizer(self):
        return self.vessel.organizer


class EventSeatCategory(models.Model):
    """Which product a seat category sells in one event (e.g. "VIP table" → the VIP ticket)."""

    event = models.ForeignKey("pretixbase.Event", on_delete=models.CASCADE, related_name="ticketing_seat_categories")
    category = models.CharField(max_length=190)
    item = models.ForeignKey("pretixbase.Item", on_delete=models.CASCADE, related_name="ticketing_seat_categories")

    objects = ScopedManager(organizer="event__organizer")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("event", "category"), name="ticketing_seat_category_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.category} → {self.item}"


class SeatBlock(models.Model):
    """Why staff blocked a seat of one sailing (pretix's ``Seat.blocked`` is the flag that counts)."""

    seat = models.OneToOneField("pretixbase.Seat", on_delete=models.CASCADE, related_name="ticketing_block")
    reason = models.TextField()
    user = models.ForeignKey("pretixbase.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager(organizer="seat__event__organizer")

    def __str__(self) -> str:
        return self.reason
