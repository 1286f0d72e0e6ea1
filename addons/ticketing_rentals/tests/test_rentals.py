"""Rentals: free start times, prices, offer validation, and sailings and charters never sharing a vessel."""
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.timezone import now
from django.utils.translation import override

from ticketing_core.errors import ScheduleConflict
from ticketing_core.fleet.sailings import mark_canceled
from ticketing_core.models import EventKind
from ticketing_core.testing import factories
from ticketing_core.testing.factories import MSK
from ticketing_rentals import services as rentals
from ticketing_rentals.errors import RentalError, SlotTaken
from ticketing_rentals.models import RentalRate, RentalVessel, VesselOccupancy
from ticketing_rentals.testing import WEEKDAYS, WEEKEND
from ticketing_rentals.validation import validate_offer

pytestmark = pytest.mark.django_db





def at(day: date, hhmm: str, days: int = 0) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=MSK) + timedelta(days=days)










def hold(offer, vessel, start, minutes, token="cart-1", **kw):
    return rentals.hold(offer, vessel, start, minutes, token, now() + timedelta(minutes=30), **kw)


# ---- prices -------------------------------------------------------------------------------------------------

def test_weekday_daytime_price(offer, yacht, mon):
    p = rentals.price(offer, yacht, at(mon, "12:00"), 120)
    assert [(line.minutes, line.hourly_price, line.amount) for line in p.lines] == [
        (120, Decimal("5000.00"), Decimal("10000.00"))]
    assert p.total == Decimal("10000.00")


def test_weekday_evening_rate(offer, yacht, mon):
    assert rentals.price(offer, yacht, at(mon, "19:00"), 90).total == Decimal("10500.00")


def test_weekend_rate(offer, yacht, mon):
    p = rentals.price(offer, yacht, at(mon, "12:00", days=5), 120)
    assert p.total == Decimal("18000.00")
    assert p.lines[0].hours == Decimal("2.00")


def test_duration_crossing_a_rate_boundary_is_split(offer, yacht, mon):
    p = rentals.price(offer, yacht, at(mon, "17:00"), 150)
    assert [(line.minutes, line.amount) for line in p.lines] == [(60, Decimal("5000.00")), (90, Decimal("10500.00"))]
    assert p.lines[0].end == p.lines[1].start == at(mon, "18:00")
    assert p.total == Decimal("15500.00")


def test_friday_night_past_midnight_and_into_the_weekend_rate(offer, yacht, mon):
    friday = mon + timedelta(days=4)
    one_rate = rentals.price(offer, yacht, at(friday, "23:00"), 180)  # until 02:00 on Saturday: Friday's evening
    assert [(line.minutes, line.amount) for line in one_rate.lines] == [(180, Decimal("21000.00"))]
    crossing = rentals.price(offer, yacht, at(friday, "23:00"), 210)
    assert [(line.minutes, line.hourly_price) for line in crossing.lines] == [
        (180, Decimal("7000.00")), (30, Decimal("9000.00"))]
    assert crossing.lines[1].start == at(friday, "02:00", days=1)
    assert crossing.total == Decimal("25500.00")


def test_price_is_rounded_to_kopecks_per_line(offer, yacht, mon):
    offer.rates.filter(start_time="10:00").update(hourly_price=Decimal("3333.33"))
    assert rentals.price(offer, yacht, at(mon, "12:00"), 90).total == Decimal("5000.00")  # 4999.995


def test_a_vessel_rate_wins_over_the_general_rate_also_mid_window(offer, yacht, mon):
    from datetime import time

    RentalRate.objects.create(offer=offer, vessel=yacht, weekdays=WEEKDAYS, start_time=time(13), end_time=time(14),
                              hourly_price=Decimal("6000.00"))
    p = rentals.price(offer, yacht, at(mon, "12:00"), 180)
    assert [(line.minutes, line.hourly_price) for line in p.lines] == [
        (60, Decimal("5000.00")), (60, Decimal("6000.00")), (60, Decimal("5000.00"))]
    assert p.total == Decimal("16000.00")


def test_a_minute_without_a_rate_is_an_error(offer, yacht, mon):
    offer.rates.filter(start_time="18:00").delete()
    with override("en"), pytest.raises(RentalError, match="No hourly rate is set for Monday at 18:00"):
        rentals.price(offer, yacht, at(mon, "17:00"), 120)


# ---- free start times ---------------------------------------------------------------------------------------

def test_free_slots_follow_opening_hours_and_step(offer, yacht, mon):
    slots = rentals.free_slots(offer, yacht, mon)
    assert slots[0] == at(mon, "10:00") and slots[-1] == at(mon, "21:00")
    assert len(slots) == 23 and all(s.tzinfo is not None and s.utcoffset() == timedelta(hours=3) for s in slots)
    assert rentals.free_slots(offer, yacht, mon, duration=480)[-1] == at(mon, "14:00")


def test_opening_hours_after_midnight_belong_to_the_day_they_opened(offer, yacht, mon):
    friday, saturday = mon + timedelta(days=4), mon + timedelta(days=5)
    fri = rentals.free_slots(offer, yacht, friday)
    assert fri[-1] == at(saturday, "01:00") and at(saturday, "00:30") in fri
    assert len(fri) == 31
    assert rentals.free_slots(offer, yacht, saturday)[0] == at(saturday, "10:00")
    assert rentals.free_durations(offer, yacht, at(saturday, "00:30")) == [60, 90]


def test_notice_period(offer, yacht, mon):
    slots = rentals.free_slots(offer, yacht, mon, at=at(mon, "09:10"))
    assert slots[0] == at(mon, "12:30")  # 09:10 + 3 hours = 12:10, the next start on the 30-minute grid
    with override("en"), pytest.raises(RentalError, match="at least 180 minutes"):
        rentals.hold(offer, yacht, at(mon, "12:00"), 60, "t", at(mon, "10:00"), at=at(mon, "09:10"))


def test_closed_weekday_has_no_slots(offer, yacht, mon):
    offer.opening_hours = {"0": ["10:00", "22:00"]}
    offer.save()
    assert rentals.free_slots(offer, yacht, mon + timedelta(days=1)) == []


def test_turnaround_after_and_before_a_sailing(offer, yacht, mon, series, pier):
    factories.make_sailing(series, yacht, pier, at(mon, "12:00"), minutes=90)  # 12:00–13:30
    slots = rentals.free_slots(offer, yacht, mon)
    # a charter must end 30 minutes before 12:00 and may start 30 minutes after 13:30
    assert [s for s in slots if s < at(mon, "15:00")] == [at(mon, "10:00"), at(mon, "10:30"), at(mon, "14:00"),
                                                         at(mon, "14:30")]
    assert rentals.free_durations(offer, yacht, at(mon, "10:00")) == [60, 90]


def test_holds_block_slots_until_released_or_expired(offer, yacht, mon):
    h = hold(offer, yacht, at(mon, "12:00"), 120, token="cart-a")
    assert at(mon, "13:00") not in rentals.free_slots(offer, yacht, mon)
    assert at(mon, "14:30") in rentals.free_slots(offer, yacht, mon)
    assert at(mon, "14:00") not in rentals.free_slots(offer, yacht, mon)  # turnaround after 14:00
    assert rentals.release("cart-a") == 1
    assert at(mon, "13:00") in rentals.free_slots(offer, yacht, mon)
    VesselOccupancy.objects.filter(pk=h.pk).update(released_at=None, expires=now() - timedelta(seconds=1))
    assert at(mon, "13:00") in rentals.free_slots(offer, yacht, mon)  # expired: ignored by reads
    hold(offer, yacht, at(mon, "12:00"), 60, token="cart-b")  # and released by the next write
    h.refresh_from_db()
    assert h.released_at is not None


def test_availability_calendar(offer, yacht, mon):
    hold(offer, yacht, at(mon, "10:00"), 480)
    cal = rentals.availability_calendar(offer, yacht, mon, mon + timedelta(days=2))
    assert list(cal) == [mon, mon + timedelta(days=1), mon + timedelta(days=2)]
    assert cal[mon][0] == at(mon, "18:30") and len(cal[mon + timedelta(days=1)]) == 23


# ---- validation ---------------------------------------------------------------------------------------------

def test_a_complete_offer_is_valid(offer):
    validate_offer(offer)


def test_max_guests_above_certified_capacity_is_refused(offer, yacht):
    rv = RentalVessel(offer=offer, vessel=yacht, max_guests=13)
    with override("en"), pytest.raises(ValidationError) as e:
        rv.clean()
    assert "certified for 12 passengers" in str(e.value)


def test_offer_field_errors(offer):
    offer.min_duration_minutes, offer.max_duration_minutes = 120, 60
    offer.opening_hours = {"0": ["10:00"], "9": ["10:00", "12:00"]}
    with override("en"), pytest.raises(ValidationError) as e:
        offer.clean()
    assert "cannot be shorter" in str(e.value) and "is not a weekday" in str(e.value)
    offer.min_duration_minutes, offer.max_duration_minutes, offer.step_minutes = 60, 500, 45
    offer.opening_hours = {"0": ["10:00", "25:00"]}
    with override("en"), pytest.raises(ValidationError) as e:
        offer.clean()
    assert "multiples of the step of 45 minutes" in str(e.value) and "two times such as" in str(e.value)


def test_only_rental_events_offer_charters(offer, charter):
    EventKind.objects.filter(event=charter).update(kind=EventKind.KIND_EXCURSION)
    with override("en"), pytest.raises(ValidationError, match="Rental"):
        offer.clean()


def test_overlapping_and_missing_rates_are_reported(offer):
    from datetime import time

    RentalRate.objects.create(offer=offer, weekdays=[0], start_time=time(17), end_time=time(19),
                              hourly_price=Decimal("1.00"))
    offer.rates.filter(weekdays=WEEKEND).delete()
    with override("en"), pytest.raises(ValidationError) as e:
        validate_offer(offer)
    text = " ".join(e.value.messages)
    assert "overlap" in text and "No hourly rate is set for Saturday at 10:00" in text


def test_rate_field_errors(offer):
    from datetime import time

    rate = RentalRate(offer=offer, weekdays=[7], start_time=time(10), end_time=time(10), hourly_price=Decimal("-1"))
    with override("en"), pytest.raises(ValidationError) as e:
        rate.clean()
    assert set(e.value.message_dict) == {"weekdays", "hourly_price"}


@pytest.mark.parametrize(("start", "minutes", "guests", "message"), [
    ("12:00", 75, None, "in steps of 30 minutes"),
    ("12:00", 510, None, "from 60 to 480 minutes"),
    ("21:30", 60, None, "within the opening hours"),
    ("09:00", 60, None, "within the opening hours"),
    ("12:15", 60, None, "every 30 minutes"),
    ("12:00", 60, 11, "at most 10 guests"),
])
def test_charter_requests_outside_the_rules_are_refused(offer, yacht, mon, start, minutes, guests, message):
    with override("en"), pytest.raises(RentalError, match=message):
        hold(offer, yacht, at(mon, start), minutes, guests=guests)


def test_a_vessel_outside_the_offer_cannot_be_chartered(offer, boat, mon):
    with override("en"), pytest.raises(RentalError, match="cannot be chartered"):
        rentals.free_slots(offer, boat, mon)


# ---- sailings and charters share the vessel -----------------------------------------------------------------

def test_a_charter_cannot_overlap_a_sailing(offer, yacht, mon, series, pier):
    factories.make_sailing(series, yacht, pier, at(mon, "12:00"), minutes=90)
    with override("en"), pytest.raises(SlotTaken) as e:
        hold(offer, yacht, at(mon, "13:30"), 60)  # right after the sailing, inside its turnaround
    assert "Evening cruise" in str(e.value) and "30 minutes" in str(e.value)
    hold(offer, yacht, at(mon, "14:00"), 60)


def test_a_sailing_cannot_overlap_a_charter_and_names_the_order(offer, yacht, mon, series, pier, charter):
    h = hold(offer, yacht, at(mon, "12:00"), 120)
    with override("en"), pytest.raises(ScheduleConflict, match="a customer's cart holds this time"):
        factories.make_sailing(series, yacht, pier, at(mon, "14:00"))
    order = factories.make_order(charter, None, [charter.items.first()])
    rentals.confirm(h, order.positions.first())
    with override("en"), pytest.raises(ScheduleConflict) as e:
        factories.make_sailing(series, yacht, pier, at(mon, "14:00"))
    assert f"order {order.code}" in str(e.value) and "chartered" in str(e.value)
    factories.make_sailing(series, yacht, pier, at(mon, "14:30"))


def test_moving_a_sailing_into_a_charter_is_refused_and_a_move_frees_the_old_time(offer, yacht, mon, series, pier):
    sailing = factories.make_sailing(series, yacht, pier, at(mon, "16:00"), minutes=90)
    hold(offer, yacht, at(mon, "12:00"), 60)
    sailing.subevent.date_from = at(mon, "12:30")
    with pytest.raises(ScheduleConflict):
        sailing.subevent.save()
    sailing.subevent.date_from = at(mon, "19:00")
    sailing.subevent.save()
    occ = VesselOccupancy.objects.get(sailing=sailing)
    assert (occ.starts_at, occ.ends_at, occ.blocked_until) == (at(mon, "19:00"), at(mon, "20:30"), at(mon, "21:00"))
    hold(offer, yacht, at(mon, "16:00"), 120, token="cart-2")  # the old time is free now


def test_a_cancelled_sailing_frees_the_vessel_for_charters(offer, yacht, mon, series, pier):
    sailing = factories.make_sailing(series, yacht, pier, at(mon, "12:00"))
    mark_canceled(sailing, "Шторм")
    assert VesselOccupancy.objects.get(sailing=sailing).released_at is not None
    hold(offer, yacht, at(mon, "12:00"), 120)


def test_a_shorter_turnaround_applies_to_existing_rows(offer, yacht, mon, series, pier, organizer):
    factories.make_sailing(series, yacht, pier, at(mon, "12:00"), minutes=90)
    organizer.settings.ticketing_turnaround_minutes = 0
    hold(offer, yacht, at(mon, "13:30"), 60)
    assert VesselOccupancy.objects.filter(kind="sailing").get().blocked_until == at(mon, "13:30")


def test_a_released_hold_cannot_be_confirmed(offer, yacht, mon, charter):
    h = hold(offer, yacht, at(mon, "12:00"), 60)
    rentals.release("cart-1")
    order = factories.make_order(charter, None, [charter.items.first()])
    with pytest.raises(SlotTaken):
        rentals.confirm(h, order.positions.first())


def test_the_database_refuses_overlapping_rows_of_one_vessel(offer, yacht, mon, organizer):
    """The exclusion constraint itself, bypassing every check of the services."""
    assert connection.vendor == "postgresql"
    first = hold(offer, yacht, at(mon, "12:00"), 60)
    row = {"vessel": yacht, "kind": "hold", "token": "raw", "expires": now() + timedelta(hours=1)}
    with pytest.raises(IntegrityError), transaction.atomic():  # inside the turnaround after 13:00
        VesselOccupancy.objects.create(starts_at=at(mon, "13:15"), ends_at=at(mon, "14:00"),
                                       blocked_until=at(mon, "14:30"), **row)
    VesselOccupancy.objects.create(starts_at=at(mon, "13:30"), ends_at=at(mon, "14:00"),
                                   blocked_until=at(mon, "14:30"), **row)
    other = factories.make_vessel(organizer, "Фонтанка", capacity=30)
    VesselOccupancy.objects.create(starts_at=at(mon, "12:00"), ends_at=at(mon, "13:00"),
                                   blocked_until=at(mon, "13:30"), **{**row, "vessel": other})
    first.released_at = now()
    first.save()
    VesselOccupancy.objects.create(starts_at=at(mon, "12:00"), ends_at=at(mon, "13:00"),
                                   blocked_until=at(mon, "13:30"), **row)


def test_the_migration_installs_the_same_constraint_the_suite_uses():
    """The suite's database is built without migrations; both must add the very same constraint."""
    import importlib

    from ticketing_rentals import dbconstraint

    migration = importlib.import_module("ticketing_core.migrations.0004_rentals")
    assert migration.ADD_CONSTRAINT == dbconstraint.ADD_CONSTRAINT
    assert dbconstraint.is_installed(connection)
