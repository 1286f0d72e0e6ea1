"""Sailings of assigned-seating vessels get the vessel's map; sold seats never move; live issues."""
from datetime import timedelta

from django.utils.timezone import now

from pretix.base.models import Order, SeatCategoryMapping

from ticketing_core.models import Vessel
from ticketing_core.testing import factories
from ticketing_seating.models import EventSeatCategory
from ticketing_seating.services import assign, generator
from ticketing_seating.testing import make_seated, small_spec


def _sell(event, subevent, seat):
    order = factories.make_order(event, subevent, [seat.product])
    p = order.positions.first()
    p.seat = seat
    p.save()
    return order


def test_new_sailing_gets_the_vessels_map_with_products(seated):
    vessel, event, sailing, products = seated
    se = sailing.subevent
    assert se.seating_plan_id == vessel.seat_map.plan_id
    assert se.seats.count() == 36
    assert se.seats.filter(row_name="1", product=products["Window"]).count() == 12
    assert se.seats.filter(row_name="2", product=products["Standard"]).count() == 12
    assert set(SeatCategoryMapping.objects.filter(subevent=se).values_list("layout_category", flat=True)) == {
        "Window", "Standard"}


def test_general_admission_vessel_sailing_has_no_map(organizer, series, boat, pier):
    sailing = factories.make_sailing(series, boat, pier, now() + timedelta(days=2))
    assert sailing.subevent.seating_plan_id is None
    assert not sailing.subevent.seats.exists()


def test_map_change_skips_sailings_with_sold_seats_and_applies_to_others(organizer):
    vessel, event, pier, products = make_seated(organizer)
    s1 = factories.make_sailing(event, vessel, pier, now() + timedelta(days=2))
    s2 = factories.make_sailing(event, vessel, pier, now() + timedelta(days=4))
    seat = s1.subevent.seats.get(seat_guid="d1-r1-s1")
    _sell(event, s1.subevent, seat)
    old_plan = s1.subevent.seating_plan_id

    _m, result = assign.save_seat_map(vessel, generator.generate(small_spec(rows=4, seats=5, decks=1)))
    s1.subevent.refresh_from_db()
    s2.subevent.refresh_from_db()
    assert [s.pk for s in result.skipped] == [s1.pk]
    assert [s.pk for s in result.applied] == [s2.pk]
    assert s1.subevent.seating_plan_id == old_plan and s1.subevent.seats.count() == 36
    assert s2.subevent.seating_plan_id == vessel.seat_map.plan_id and s2.subevent.seats.count() == 20
    seat.refresh_from_db()
    assert seat.orderposition_set.filter(order__status=Order.STATUS_PAID).exists()


def test_switching_vessel_to_general_admission_removes_unsold_maps(seated):
    vessel, event, sailing, _products = seated
    vessel.seating_mode = Vessel.SEATING_GENERAL
    vessel.save()
    sailing.subevent.refresh_from_db()
    assert sailing.subevent.seating_plan_id is None
    assert not sailing.subevent.seats.exists()


def test_crew_seats_are_never_for_sale(organizer):
    vessel, event, pier, _products = make_seated(organizer, crew_guids=("d1-r3-s6",))
    sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(days=2))
    assert sailing.subevent.seats.get(seat_guid="d1-r3-s6").product is None
    assert assign.sellable_seat_count(event, sailing.subevent) == 35


def test_category_without_product_blocks_going_live(seated):
    vessel, event, sailing, _products = seated
    assert assign.unmapped_issues(event) == []
    EventSeatCategory.objects.filter(event=event, category="Window").delete()
    issues = assign.unmapped_issues(event)
    assert len(issues) == 1 and "Window" in issues[0]
    assign.apply_to_event(event)
    assert not sailing.subevent.seats.filter(row_name="1", product__isnull=False).exists()


def test_events_without_the_addon_get_no_seat_map(organizer):
    vessel, event, pier, _products = make_seated(organizer)
    event.disable_plugin("ticketing_seating")
    event.save()
    sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(days=2))
    assert sailing.subevent.seating_plan_id is None and not sailing.subevent.seats.exists()
