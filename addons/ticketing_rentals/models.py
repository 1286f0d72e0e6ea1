"""
Rental offers (charters by the hour) and the vessel occupancy shared by sailings, rentals and holds.

Every period in which a vessel is busy is one :class:`VesselOccupancy` row, whatever made it busy: a
scheduled sailing, a paid charter or a charter still in someone's cart. One table means one rule ("a vessel
is never in two places at once, turnaround included") that PostgreSQL enforces with an exclusion
constraint (added by ticketing_core's migration 0004, see ``dbconstraint.py``), instead of three checks in
three places that race each other.

The tables keep the names they got while rentals were part of ticketing_core (``db_table``): this addon's
first migration took the models over without moving a row (see ``migrations/0001_take_over_from_core.py``).
"""
from datetime import timedelta

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_scopes import ScopedManager

from pretix.base.models import LoggedModel

WEEKDAYS = (
    (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")),
    (4, _("Friday")), (5, _("Saturday")), (6, _("Sunday")),
)


class RentalOffer(LoggedModel):
    """
    What one pretix event of kind "rental" lets customers charter: which vessels, for how long, when.

    ``opening_hours`` maps a weekday ("0" = Monday … "6" = Sunday, Python's ``weekday()``) to
    ``["HH:MM", "HH:MM"]`` in the offer's local time; a closing time at or before the opening time
    means "after midnight" (``["12:00", "02:00"]``: noon until 2 a.m. the next day). A weekday that is
    missing is closed. Slots are grouped by the day whose opening window they start in.
    """

    event = models.OneToOneField("pretixbase.Event", on_delete=models.CASCADE, related_name="ticketing_rental_offer")
    vessels = models.ManyToManyField("ticketing_core.Vessel", through="RentalVessel", related_name="rental_offers",
                                     verbose_name=_("Vessels for charter"))
    pier = models.ForeignKey("ticketing_core.Pier", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="rental_offers", verbose_name=_("Boarding pier"),
                             help_text=_("Its time zone is used for opening hours; without a pier, the event's."))
    item = models.ForeignKey("pretixbase.Item", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("Product for the charter time"))
    min_duration_minutes = models.PositiveIntegerField(verbose_name=_("Shortest charter (minutes)"), default=60,
                                                       validators=[MinValueValidator(1)])
    max_duration_minutes = models.PositiveIntegerField(verbose_name=_("Longest charter (minutes)"), default=480,
                                                       validators=[MinValueValidator(1)])
    step_minutes = models.PositiveIntegerField(verbose_name=_("Step (minutes)"), default=30,
                                               validators=[MinValueValidator(1)],
                                               help_text=_("Start times and durations move in steps of this size."))
    opening_hours = models.JSONField(verbose_name=_("Opening hours"), default=dict, blank=True)
    notice_minutes = models.PositiveIntegerField(
        verbose_name=_("Notice period (minutes)"), default=180,
        help_text=_("No charter can start sooner than this after the booking."))

    objects = ScopedManager(organizer="event__organizer")

    class Meta:
        db_table = "ticketing_core_rentaloffer"
        ordering = ("id",)
        verbose_name = _("Rental offer")
        verbose_name_plural = _("Rental offers")
        constraints = [
            models.CheckConstraint(condition=Q(min_duration_minutes__lte=F("max_duration_minutes")),
                                   name="ticketing_rentaloffer_min_le_max"),
        ]

    def __str__(self) -> str:
        return str(self.event.name)

    def clean(self) -> None:
        from .validation import validate_offer_fields

        validate_offer_fields(self)


class RentalVessel(models.Model):
    """A vessel in an offer, with the number of guests it may take on a charter (≤ its certificate)."""

    offer = models.ForeignKey(RentalOffer, on_delete=models.CASCADE, related_name="offer_vessels")
    vessel = models.ForeignKey("ticketing_core.Vessel", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("Vessel"))
    max_guests = models.PositiveIntegerField(verbose_name=_("Maximum number of guests"),
                                             validators=[MinValueValidator(1)])

    objects = ScopedManager(organizer="offer__event__organizer")

    class Meta:
        db_table = "ticketing_core_rentalvessel"
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=("offer", "vessel"), name="ticketing_rentalvessel_unique"),
            models.CheckConstraint(condition=Q(max_guests__gte=1), name="ticketing_rentalvessel_guests_positive"),
        ]

    def clean(self) -> None:
        from .validation import validate_rental_vessel

        validate_rental_vessel(self)


class RentalRate(models.Model):
    """
    An hourly price for part of the week: on ``weekdays`` from ``start_time`` to ``end_time`` (local time;
    an end at or before the start runs past midnight into the next day, an end equal to the start is a whole
    day of 24 hours). A rate with a vessel applies to that vessel only and wins over the offer's general rates.
    """

    offer = models.ForeignKey(RentalOffer, on_delete=models.CASCADE, related_name="rates")
    vessel = models.ForeignKey("ticketing_core.Vessel", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="+", verbose_name=_("Only for vessel"))
    weekdays = models.JSONField(verbose_name=_("Weekdays"), default=list,
                                help_text=_("0 = Monday … 6 = Sunday; the day on which the rate's period starts."))
    start_time = models.TimeField(verbose_name=pgettext_lazy("rate", "From"))
    end_time = models.TimeField(verbose_name=pgettext_lazy("rate", "Until"))
    hourly_price = models.DecimalField(verbose_name=_("Price per hour (RUB)"), max_digits=10, decimal_places=2,
                                       validators=[MinValueValidator(0)])

    objects = ScopedManager(organizer="offer__event__organizer")

    class Meta:
        db_table = "ticketing_core_rentalrate"
        ordering = ("id",)

    def __str__(self) -> str:
        days = ", ".join(str(dict(WEEKDAYS)[d]) for d in sorted(self.weekdays or []) if d in dict(WEEKDAYS))
        return f"{days} {self.start_time:%H:%M}–{self.end_time:%H:%M}"

    def clean(self) -> None:
        from .validation import validate_rate_fields

        validate_rate_fields(self)


class VesselOccupancy(models.Model):
    """
    A period in which a vessel is busy: ``[starts_at, ends_at)`` is the sailing or the charter itself,
    ``blocked_until`` is ``ends_at`` plus the organizer's turnaround time. The database forbids two active
    rows of one vessel whose ``[starts_at, blocked_until)`` overlap: row B may start only when row A's
    turnaround is over, which is exactly the turnaround rule between two sailings.

    A row is active while ``released_at`` is empty. Holds (charters in a cart) also carry ``expires``;
    the constraint cannot look at the clock (its condition must be immutable), so expired holds are
    released by whoever writes to the vessel next (``services.release_expired``) and are ignored by every
    read.
    """

    KIND_SAILING = "sailing"
    KIND_RENTAL = "rental"
    KIND_HOLD = "hold"
    KINDS = (
        (KIND_SAILING, pgettext_lazy("occupancy", "Sailing")),
        (KIND_RENTAL, pgettext_lazy("occupancy", "Charter")),
        (KIND_HOLD, pgettext_lazy("occupancy", "Charter being booked")),
    )

    vessel = models.ForeignKey("ticketing_core.Vessel", on_delete=models.CASCADE, related_name="occupancies")
    kind = models.CharField(max_length=16, choices=KINDS)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    blocked_until = models.DateTimeField()
    sailing = models.OneToOneField("ticketing_core.Sailing", on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="occupancy")
    offer = models.ForeignKey(RentalOffer, on_delete=models.CASCADE, null=True, blank=True,
                              related_name="occupancies")
    order_position = models.ForeignKey("pretixbase.OrderPosition", on_delete=models.CASCADE, null=True, blank=True,
                                       related_name="ticketing_occupancies")
    cart_position = models.ForeignKey("pretixbase.CartPosition", on_delete=models.CASCADE, null=True, blank=True,
                                      related_name="ticketing_occupancies")
    token = models.CharField(max_length=190, blank=True, db_index=True)
    client = models.CharField(max_length=64, blank=True, default="")  # who made a hold: holdlimits.client_key
    guests = models.PositiveIntegerField(null=True, blank=True)
    expires = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    released_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(organizer="vessel__organizer")

    class Meta:
        db_table = "ticketing_core_vesseloccupancy"
        ordering = ("starts_at", "id")
        indexes = [models.Index(fields=("vessel", "starts_at"), name="ticketing_occ_vessel_start")]
        constraints = [
            models.CheckConstraint(condition=Q(starts_at__lt=F("ends_at")), name="ticketing_occ_positive_period"),
            models.CheckConstraint(condition=Q(blocked_until__gte=F("ends_at")), name="ticketing_occ_buffer_after"),
            models.CheckConstraint(condition=~Q(kind="sailing") | Q(sailing__isnull=False),
                                   name="ticketing_occ_sailing_linked"),
            models.CheckConstraint(condition=~Q(kind="hold") | Q(expires__isnull=False),
                                   name="ticketing_occ_hold_expires"),
        ]

    def __str__(self) -> str:
        return f"{self.vessel_id} {self.kind} {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"

    @property
    def duration(self) -> timedelta:
        return self.ends_at - self.starts_at

    @property
    def is_active(self) -> bool:
        from django.utils.timezone import now

        at = now()
        if self.released_at is not None:
            return False
        if self.expires is None or self.expires > at:
            return True
        return bool(self.cart_position_id and self.cart_position.expires > at)
