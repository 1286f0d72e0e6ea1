"""Staff block and unblock single seats of one sailing, with a reason; every change is logged."""
from django.db import transaction
from django.utils.translation import gettext as _

from pretix.base.models import Seat, User

from ..models import SeatBlock
from .errors import SeatingError
from .labels import describe


def block(seat: Seat, reason: str, user: User | None = None) -> None:
    """Take a free seat out of sale on its sailing (a seat sold or in a cart is refused)."""
    reason = (reason or "").strip()
    if not reason:
        raise SeatingError(_("Please give a reason for blocking the seat."))
    with transaction.atomic():
        seat = Seat.objects.select_for_update().get(pk=seat.pk)
        if seat.blocked:
            raise SeatingError(_("The seat {seat} is already blocked.").format(seat=describe(seat)))
        if not seat.is_available(ignore_distancing=True, always_allow_blocked=True):
            raise SeatingError(_("The seat {seat} is sold or held in a cart and cannot be blocked.").format(
                seat=describe(seat)))
        seat.blocked = True
        seat.save(update_fields=["blocked"])
        SeatBlock.objects.update_or_create(seat=seat, defaults={"reason": reason, "user": user})
        (seat.subevent or seat.event).log_action("ticketing_seating.seat.blocked", user=user, data={
            "seat": describe(seat), "seat_guid": seat.seat_guid, "reason": reason})


def unblock(seat: Seat, user: User | None = None) -> None:
    with transaction.atomic():
        seat = Seat.objects.select_for_update().get(pk=seat.pk)
        if not seat.blocked:
            raise SeatingError(_("The seat {seat} is not blocked.").format(seat=describe(seat)))
        seat.blocked = False
        seat.save(update_fields=["blocked"])
        old = SeatBlock.objects.filter(seat=seat).first()
        SeatBlock.objects.filter(seat=seat).delete()
        (seat.subevent or seat.event).log_action("ticketing_seating.seat.unblocked", user=user, data={
            "seat": describe(seat), "seat_guid": seat.seat_guid, "reason": old.reason if old else ""})
