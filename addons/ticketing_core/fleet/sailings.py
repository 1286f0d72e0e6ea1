"""Binding pretix dates to vessels, and the operator's cancellation of a sailing."""
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.timezone import now
from django.utils.translation import gettext as _

from pretix.base.models import Event, SubEvent, User

from ..errors import FleetError
from ..hooks import sailing_changed
from .capacity import check_capacity, sync_quota
from .models import Pier, Sailing, Vessel
from .schedule import check_schedule


def save_sailing(
    event: Event,
    subevent: SubEvent | None,
    *,
    vessel: Vessel,
    departure_pier: Pier,
    arrival_pier: Pier,
    duration: timedelta,
    sellable_capacity: int | None = None,
    start: datetime | None = None,
    user: User | None = None,
) -> Sailing:
    """
    Create or change the sailing of a pretix date after checking capacity and the vessel's schedule.

    The vessel row is locked for the check-and-write so two staff members cannot book one vessel
    into overlapping sailings at the same moment (PostgreSQL row lock).
    """
    with transaction.atomic():
        vessel = Vessel.objects.select_for_update().get(pk=vessel.pk)
        sailing = Sailing.objects.filter(event=event, subevent=subevent).select_related("vessel").first()
        if sailing is None:
            sailing = Sailing(event=event, subevent=subevent)
        if sailing.is_canceled:
            raise FleetError(_("This sailing has been cancelled and can no longer be changed."))
        if not vessel.active and sailing.vessel_id != vessel.pk:
            raise FleetError(_("The vessel {vessel} is archived and cannot be used for sailings.").format(
                vessel=vessel.name))
        for pier in (departure_pier, arrival_pier):
            if pier.organizer_id != event.organizer_id or vessel.organizer_id != event.organizer_id:
                raise FleetError(_("Vessel and piers must belong to the organizer of this event."))
            if not pier.active and pier.pk not in (sailing.departure_pier_id, sailing.arrival_pier_id):
                raise FleetError(_("The pier {pier} is not active.").format(pier=pier.name))
        if duration <= timedelta(0):
            raise FleetError(_("The duration of a sailing must be positive."))

        check_capacity(sailing, vessel, sellable_capacity)
        start = start or (subevent or event).date_from
        check_schedule(vessel, start, start + duration, exclude_pk=sailing.pk)

        is_new = sailing.pk is None
        new_values = {
            "vessel": vessel.pk, "departure_pier": departure_pier.pk, "arrival_pier": arrival_pier.pk,
            "duration": int(duration.total_seconds() // 60), "sellable_capacity": sellable_capacity,
        }
        old_values = {} if is_new else {
            "vessel": sailing.vessel_id, "departure_pier": sailing.departure_pier_id,
            "arrival_pier": sailing.arrival_pier_id, "duration": sailing.duration_minutes,
            "sellable_capacity": sailing.sellable_capacity,
        }
        changes = {k: v for k, v in new_values.items() if old_values.get(k, object()) != v}

        sailing.vessel = vessel
        sailing.departure_pier = departure_pier
        sailing.arrival_pier = arrival_pier
        sailing.duration = duration
        sailing.sellable_capacity = sellable_capacity
        sailing.save()
        sync_quota(sailing)
        sailing_changed.send(sender=Sailing, sailing=sailing)
        if changes:
            sailing.log_action(
                "ticketing_core.sailing.added" if is_new else "ticketing_core.sailing.changed",
                data={**changes, "subevent": subevent.pk if subevent else None, "capacity": sailing.capacity},
                user=user,
            )
        return sailing


def mark_canceled(sailing: Sailing, reason: str, user: User | None = None) -> None:
    """Record the operator's cancellation on the sailing itself; orders are handled by pretix's service."""
    with transaction.atomic():
        sailing = Sailing.objects.select_for_update().get(pk=sailing.pk)
        if sailing.is_canceled:
            raise FleetError(_("This sailing has already been cancelled."))
        sailing.canceled_at = now()
        sailing.cancel_reason = reason
        sailing.save(update_fields=["canceled_at", "cancel_reason"])
        sailing_changed.send(sender=Sailing, sailing=sailing)
        sailing.log_action("ticketing_core.sailing.canceled", data={
            "reason": reason, "subevent": sailing.subevent_id,
        }, user=user)
