"""The fleet (piers, vessels) and the binding of pretix dates to a vessel (sailings)."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager
from i18nfield.fields import I18nCharField, I18nTextField

from pretix.base.models import LoggedModel


class Pier(LoggedModel):
    """A place where passengers board or leave a vessel."""

    organizer = models.ForeignKey("pretixbase.Organizer", on_delete=models.CASCADE, related_name="ticketing_piers")
    name = I18nCharField(verbose_name=pgettext_lazy("pier", "Name"), max_length=200)
    address = I18nCharField(verbose_name=_("Address"), max_length=400)
    latitude = models.DecimalField(
        verbose_name=_("Latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
    )
    longitude = models.DecimalField(
        verbose_name=_("Longitude"), max_digits=9, decimal_places=6, null=True, blank=True,
    )
    boarding_instructions = I18nTextField(
        verbose_name=_("Boarding instructions"), null=True, blank=True,
        help_text=_("Where to go and when to arrive; shown to customers with their tickets."),
    )
    timezone = models.CharField(
        verbose_name=_("Time zone"), max_length=64, default="Europe/Moscow",
        help_text=_("Departure times and refund deadlines are shown to people in this time zone."),
    )
    active = models.BooleanField(verbose_name=pgettext_lazy("pier", "Active"), default=True)

    objects = ScopedManager(organizer="organizer")

    class Meta:
        ordering = ("-active", "id")
        verbose_name = _("Pier")
        verbose_name_plural = _("Piers")

    def __str__(self) -> str:
        return str(self.name)


class Vessel(LoggedModel):
    """A ship, boat or yacht; its certified capacity is the hard limit of every sailing it makes."""

    TYPE_MOTOR_SHIP = "motor_ship"
    TYPE_BOAT = "boat"
    TYPE_YACHT = "yacht"
    TYPES = (
        (TYPE_MOTOR_SHIP, _("Motor ship")),
        (TYPE_BOAT, _("Boat")),
        (TYPE_YACHT, _("Yacht")),
    )
    SEATING_ASSIGNED = "assigned"
    SEATING_GENERAL = "general"
    SEATING_MODES = (
        (SEATING_ASSIGNED, pgettext_lazy("seating", "Assigned seats")),
        (SEATING_GENERAL, pgettext_lazy("seating", "General admission")),
    )

    organizer = models.ForeignKey("pretixbase.Organizer", on_delete=models.CASCADE, related_name="ticketing_vessels")
    name = I18nCharField(verbose_name=pgettext_lazy("vessel", "Name"), max_length=200)
    registration_number = models.CharField(verbose_name=_("Registration number"), max_length=64)
    vessel_type = models.CharField(verbose_name=_("Type"), max_length=32, choices=TYPES)
    capacity = models.PositiveIntegerField(
        verbose_name=_("Certified passenger capacity"), validators=[MinValueValidator(1)],
        help_text=_("As written in the vessel's certificate. No sailing can sell more passenger places."),
    )
    seating_mode = models.CharField(verbose_name=_("Seating"), max_length=16, choices=SEATING_MODES,
                                    default=SEATING_GENERAL)
    description = I18nTextField(verbose_name=_("Description"), null=True, blank=True)
    amenities = I18nTextField(
        verbose_name=_("Amenities"), null=True, blank=True,
        help_text=_("For example: heated saloon, bar, toilets, open upper deck."),
    )
    active = models.BooleanField(
        verbose_name=pgettext_lazy("vessel", "Active"), default=True,
        help_text=_("Archived vessels keep their history but cannot be chosen for new sailings."),
    )

    objects = ScopedManager(organizer="organizer")

    class Meta:
        ordering = ("-active", "id")
        verbose_name = _("Vessel")
        verbose_name_plural = _("Vessels")
        constraints = [
            models.UniqueConstraint(fields=("organizer", "registration_number"),
                                    name="ticketing_vessel_unique_registration"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="ticketing_vessel_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.registration_number})"


class EventKind(models.Model):
    """What an event sells; rentals are booked by time instead of by place."""

    KIND_EXCURSION = "excursion"
    KIND_ONBOARD_EVENT = "onboard_event"
    KIND_RENTAL = "rental"
    KINDS = (
        (KIND_EXCURSION, _("Excursion")),
        (KIND_ONBOARD_EVENT, _("Event on board")),
        (KIND_RENTAL, _("Rental")),
    )

    event = models.OneToOneField("pretixbase.Event", on_delete=models.CASCADE, related_name="ticketing_kind")
    kind = models.CharField(verbose_name=_("Product kind"), max_length=32, choices=KINDS, default=KIND_EXCURSION)

    objects = ScopedManager(organizer="event__organizer")

    def __str__(self) -> str:
        return self.get_kind_display()


class Sailing(LoggedModel):
    """
    A pretix date (or a single event) bound to a vessel and its piers.

    The sailing owns one automatically managed quota over every admission product, sized to the
    vessel's certified capacity (or less), so pretix's own locking quota checks prevent overselling.
    """

    event = models.ForeignKey("pretixbase.Event", on_delete=models.CASCADE, related_name="ticketing_sailings")
    subevent = models.OneToOneField("pretixbase.SubEvent", on_delete=models.CASCADE, null=True, blank=True,
                                    related_name="ticketing_sailing")
    vessel = models.ForeignKey(Vessel, verbose_name=_("Vessel"), on_delete=models.PROTECT, related_name="sailings")
    departure_pier = models.ForeignKey(Pier, verbose_name=_("Departure pier"), on_delete=models.PROTECT,
                                       related_name="departures")
    arrival_pier = models.ForeignKey(Pier, verbose_name=_("Arrival pier"), on_delete=models.PROTECT,
                                     related_name="arrivals")
    duration = models.DurationField(verbose_name=_("Duration"))
    sellable_capacity = models.PositiveIntegerField(
        verbose_name=_("Sellable capacity"), null=True, blank=True,
        help_text=_("Leave empty to sell up to the vessel's certified capacity."),
    )
    quota = models.OneToOneField("pretixbase.Quota", on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="ticketing_sailing", editable=False)
    canceled_at = models.DateTimeField(null=True, blank=True, editable=False)
    cancel_reason = models.TextField(blank=True, editable=False)

    objects = ScopedManager(organizer="event__organizer")

    class Meta:
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=("event",), condition=Q(subevent__isnull=True),
                                    name="ticketing_sailing_one_per_single_event"),
            models.CheckConstraint(condition=Q(duration__gt=timedelta(0)), name="ticketing_sailing_duration_positive"),
        ]

    def __str__(self) -> str:
        local = self.start.astimezone(ZoneInfo(self.departure_pier.timezone))
        return f"{self.date_obj.name} — {local:%Y-%m-%d %H:%M} ({self.vessel.name})"

    @property
    def date_obj(self):
        """The pretix object that carries name and times: the subevent, or the event itself."""
        return self.subevent or self.event

    @property
    def start(self) -> datetime:
        return self.date_obj.date_from

    @property
    def end(self) -> datetime:
        return self.start + self.duration

    @property
    def duration_minutes(self) -> int:
        return int(self.duration.total_seconds() // 60)

    @property
    def capacity(self) -> int:
        """Passenger places this sailing may sell: never more than the vessel's certificate."""
        if self.sellable_capacity is None:
            return self.vessel.capacity
        return min(self.sellable_capacity, self.vessel.capacity)

    @property
    def is_canceled(self) -> bool:
        return self.canceled_at is not None

