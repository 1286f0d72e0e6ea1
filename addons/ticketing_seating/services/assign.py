"""
Giving sailings their vessel's seat map (pretix's seating plan, category mappings and seats).

A sailing of a vessel with assigned seating carries the vessel's current plan; its seats are pretix
``Seat`` rows made by pretix's ``generate_seats``. Sold seats never move: a sailing with sold seats
keeps the plan it was sold with when the vessel's map changes, and the caller learns which were skipped.
"""
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.timezone import now
from django.utils.translation import gettext as _

from pretix.base.models import (
    Event,
    Order,
    OrderPosition,
    SeatCategoryMapping,
    SeatingPlan,
    SubEventItem,
    User,
    Voucher,
)
from pretix.base.services.seating import SeatProtected, generate_seats

from ticketing_core.models import Sailing, Vessel

from ..models import EventSeatCategory, VesselSeatMap
from . import layout as layout_service
from .rules import needs_seat, seatless_item_ids

APPLIED, UNCHANGED, SKIPPED, REMOVED = "applied", "unchanged", "skipped", "removed"


@dataclass
class ApplyResult:
    applied: list = field(default_factory=list)
    skipped: list = field(default_factory=list)


def seat_map_of(vessel: Vessel) -> VesselSeatMap | None:
    if vessel.seating_mode != Vessel.SEATING_ASSIGNED:
        return None
    return VesselSeatMap.objects.filter(vessel=vessel).select_related("plan").first()


def sellable_categories(seat_map: VesselSeatMap) -> list[str]:
    flags = seat_map.category_flags or {}
    return [c.name for c in seat_map.plan.get_categories() if (flags.get(c.name) or {}).get("sellable", True)]


def category_products(event: Event, seat_map: VesselSeatMap) -> dict:
    """Category name → product of this event, for the categories that are sold."""
    chosen = {m.category: m.item for m in EventSeatCategory.objects.filter(event=event).select_related("item")}
    return {c: chosen[c] for c in sellable_categories(seat_map) if c in chosen}


def has_sold_seats(event: Event, subevent) -> bool:
    """Seats in placed orders (paid or awaiting payment) or bound to vouchers on this date."""
    sold = OrderPosition.all.filter(order__event=event, subevent=subevent, seat__isnull=False, canceled=False).exclude(
        order__status__in=(Order.STATUS_CANCELED, Order.STATUS_EXPIRED))
    return sold.exists() or Voucher.objects.filter(event=event, subevent=subevent, seat__isnull=False).exists()


def save_seat_map(vessel: Vessel, layout: dict, category_flags: dict | None = None, labels: dict | None = None,
                  user: User | None = None) -> tuple[VesselSeatMap, ApplyResult]:
    """Store a new version of the vessel's map (validated) and give it to every future sailing without sales."""
    layout = layout_service.parse(layout)
    names = {c["name"] for c in layout["categories"]}
    flags = {k: v for k, v in (category_flags or {}).items() if k in names}
    with transaction.atomic():
        vessel = Vessel.objects.select_for_update().get(pk=vessel.pk)
        plan = SeatingPlan.objects.create(organizer=vessel.organizer, name=f"{vessel.name}: {layout['name']}"[:190],
                                          layout=layout_service.dumps(layout))
        seat_map = VesselSeatMap.objects.filter(vessel=vessel).first()
        if seat_map is None:
            seat_map = VesselSeatMap(vessel=vessel)
        seat_map.plan = plan
        seat_map.category_flags = flags
        seat_map.labels = labels if labels is not None else (seat_map.labels or {})
        seat_map.save()
        seats = layout_service.seats(plan)
        vessel.log_action("ticketing_seating.map.saved", user=user, data={
            "name": str(vessel.name), "plan": plan.pk, "seats": len(seats)})
        result = apply_to_vessel(vessel, user=user)
    return seat_map, result


def future_sailings(qs):
    return [s for s in qs.filter(canceled_at__isnull=True).select_related("event", "subevent", "vessel")
            if s.start >= now()]


def apply_to_vessel(vessel: Vessel, user: User | None = None) -> ApplyResult:
    result = ApplyResult()
    for sailing in future_sailings(Sailing.objects.filter(vessel=vessel)):
        outcome = apply_to_sailing(sailing, user=user)
        if outcome == SKIPPED:
            result.skipped.append(sailing)
        elif outcome in (APPLIED, REMOVED):
            result.applied.append(sailing)
    return result


def apply_to_event(event: Event, user: User | None = None) -> ApplyResult:
    """After the event's category → product choice changed: refresh every future sailing's seats."""
    result = ApplyResult()
    for sailing in future_sailings(Sailing.objects.filter(event=event)):
        outcome = apply_to_sailing(sailing, user=user)
        if outcome == SKIPPED:
            result.skipped.append(sailing)
        elif outcome in (APPLIED, REMOVED):
            result.applied.append(sailing)
    return result


def apply_to_sailing(sailing: Sailing, user: User | None = None) -> str:
    """
    Give one sailing its vessel's current map (or take a map away from a general-admission sailing).

    Returns ``applied``, ``unchanged`` (only products refreshed), ``removed`` or ``skipped`` (seats were sold
    on another version of the map; nothing changed).
    """
    event = sailing.event
    if "ticketing_seating" not in event.get_plugins():
        return UNCHANGED  # the addon is off for this event: its dates stay as pretix has them
    outcome = _apply_map(sailing, user)
    if sailing.subevent_id:
        sync_passenger_products(event, sailing.subevent)
    return outcome


def sync_passenger_products(event: Event, subevent) -> None:
    """
    On a seated date pretix's product list offers only what can be bought there: passenger products that are
    no seat category's product (a child ticket of general admission) are switched off for that date (pretix's
    per-date "disabled"), and on again when the date sells general admission. Passengers choose their type
    (adult, child, concession) per seat on the map instead; the cart rule refuses them in any case. This flag
    of passenger products is the addon's on seated sailings: set by hand for such a date, it is reset here.
    """
    seated = type(subevent).objects.filter(pk=subevent.pk, seating_plan__isnull=False).exists()
    mapped = set(SeatCategoryMapping.objects.filter(event=event, subevent=subevent).values_list("product_id",
                                                                                                 flat=True))
    seatless = seatless_item_ids(event)
    current = {s.item_id: s for s in SubEventItem.objects.filter(subevent=subevent)}
    for item in event.items.filter(admission=True):
        off = seated and item.pk not in mapped and needs_seat(event, item, seatless)
        row = current.get(item.pk)
        if row is None and off:
            SubEventItem.objects.create(subevent=subevent, item=item, disabled=True)
        elif row is not None and row.disabled != off:
            row.disabled = off
            row.save(update_fields=["disabled"])


def _apply_map(sailing: Sailing, user: User | None) -> str:
    event = sailing.event
    seat_map = seat_map_of(sailing.vessel)
    with transaction.atomic():
        date = _lock_date(sailing)
        subevent = sailing.subevent
        if seat_map is None:
            if date.seating_plan_id is None:
                return UNCHANGED
            if has_sold_seats(event, subevent):
                return SKIPPED
            try:
                generate_seats(event, subevent, None, {})
            except SeatProtected:
                return SKIPPED
            SeatCategoryMapping.objects.filter(event=event, subevent=subevent).delete()
            date.seating_plan = None
            date.save(update_fields=["seating_plan"])
            _sync_instance(sailing, None)
            date.log_action("ticketing_seating.sailing.map_removed", user=user,
                            data={"vessel": str(sailing.vessel.name)})
            return REMOVED
        plan = seat_map.plan
        same_plan = date.seating_plan_id == plan.pk
        # seats of categories that are never sold (crew, no view) get no product: pretix then never sells them
        mapping = category_products(event, seat_map)
        current = {(m.layout_category, m.product_id) for m in
                   SeatCategoryMapping.objects.filter(event=event, subevent=subevent)}
        wanted = {(c, i.pk) for c, i in mapping.items()}
        if same_plan and current == wanted:
            return UNCHANGED
        outcome = APPLIED
        if not same_plan and date.seating_plan_id and has_sold_seats(event, subevent):
            # keep the plan the seats were sold with; only the products of its categories follow the event
            plan, outcome = date.seating_plan, SKIPPED
        try:
            with transaction.atomic():
                generate_seats(event, subevent, plan, mapping)
        except SeatProtected:
            return SKIPPED
        if current != wanted:
            SeatCategoryMapping.objects.filter(event=event, subevent=subevent).delete()
            SeatCategoryMapping.objects.bulk_create([
                SeatCategoryMapping(event=event, subevent=subevent, layout_category=c, product=i)
                for c, i in mapping.items()])
        if same_plan or outcome == SKIPPED:
            return outcome
        date.seating_plan = plan
        date.save(update_fields=["seating_plan"])
        _sync_instance(sailing, plan)
        date.log_action("ticketing_seating.sailing.map_applied", user=user, data={
            "vessel": str(sailing.vessel.name), "plan": plan.pk})
        return APPLIED


def _sync_instance(sailing: Sailing, plan) -> None:
    """The caller's date object (e.g. the one pretix's date form saves again) carries the new plan too."""
    obj = sailing.subevent if sailing.subevent_id else sailing.event
    obj.seating_plan = plan


def _lock_date(sailing: Sailing):
    from pretix.base.models import SubEvent

    if sailing.subevent_id:
        return SubEvent.objects.select_for_update().get(pk=sailing.subevent_id)
    return Event.objects.select_for_update().get(pk=sailing.event_id)


def sellable_seat_count(event: Event, subevent) -> int:
    """Seats a customer could buy on this date if all were free (with a product, not blocked)."""
    return (subevent or event).seats.filter(product__isnull=False, blocked=False).count()


def unmapped_issues(event: Event) -> list[str]:
    """Why the event cannot go live: an assigned-seating vessel without a map, or a category without a product."""
    issues = []
    chosen = set(EventSeatCategory.objects.filter(event=event).values_list("category", flat=True))
    vessels = Vessel.objects.filter(sailings__event=event, sailings__canceled_at__isnull=True,
                                    seating_mode=Vessel.SEATING_ASSIGNED).distinct()
    for vessel in vessels.annotate(has_map=Exists(VesselSeatMap.objects.filter(vessel=OuterRef("pk")))):
        if not vessel.has_map:
            issues.append(_("The vessel {vessel} sells assigned seats but has no seat map.").format(vessel=vessel.name))
            continue
        for category in sellable_categories(vessel.seat_map):
            if category not in chosen:
                issues.append(_("The seat category \"{category}\" of {vessel} has no product.").format(
                    category=category, vessel=vessel.name))
    return issues
