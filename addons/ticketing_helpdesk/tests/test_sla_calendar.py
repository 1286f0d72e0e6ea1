"""Business-time arithmetic: nights, weekends, holidays and pauses (no database)."""
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ticketing_helpdesk.sla.calendar import Calendar, subtract

MSK = ZoneInfo("Europe/Moscow")
# Monday to Friday 09:00–18:00; 2027-01-04 is a Monday
CAL = Calendar(tz=MSK, holidays=frozenset({date(2027, 1, 7)}))


def at(day: int, hour: int, minute: int = 0, month: int = 1) -> datetime:
    return datetime(2027, month, day, hour, minute, tzinfo=MSK)


def test_time_inside_one_working_day_counts_fully():
    assert CAL.seconds_between(at(4, 10), at(4, 12)) == 2 * 3600
    assert CAL.add(at(4, 10), 2 * 3600) == at(4, 12)


def test_a_target_started_in_the_evening_continues_next_morning():
    # 17:00 Monday + 2 business hours = 10:00 Tuesday (the night does not count)
    assert CAL.add(at(4, 17), 2 * 3600) == at(5, 10)
    assert CAL.seconds_between(at(4, 17), at(5, 10)) == 2 * 3600


def test_a_request_at_night_starts_counting_at_nine():
    assert CAL.add(at(5, 2), 3600) == at(5, 10)


def test_friday_evening_rolls_over_the_weekend_to_monday():
    # 2027-01-08 is a Friday; 17:30 + 1 h = Monday 2027-01-11 09:30
    assert CAL.add(at(8, 17, 30), 3600) == at(11, 9, 30)
    assert CAL.seconds_between(at(8, 18), at(11, 9)) == 0


def test_a_holiday_is_skipped():
    # Wednesday 2027-01-06 17:00 + 2 h: Thursday 7 January is a holiday, so Friday 10:00
    assert CAL.add(at(6, 17), 2 * 3600) == at(8, 10)
    assert CAL.seconds_between(at(7, 0), at(8, 0)) == 0


def test_a_closed_pause_is_left_out_and_an_open_pause_stops_the_clock():
    pause = [(at(4, 11), at(4, 13))]
    assert CAL.add(at(4, 10), 2 * 3600, pause) == at(4, 14)
    assert CAL.seconds_between(at(4, 10), at(4, 14), pause) == 2 * 3600
    assert CAL.add(at(4, 10), 2 * 3600, [(at(4, 11), None)]) is None


def test_a_pause_over_a_weekend_does_not_count_twice():
    pause = [(at(8, 17), at(11, 10))]  # waiting from Friday 17:00 until Monday 10:00
    assert CAL.seconds_between(at(8, 16), at(11, 11), pause) == 2 * 3600


def test_custom_hours_and_time_zone_of_the_calendar():
    saturday_short = Calendar(tz=MSK, hours={5: (time(10), time(14))})
    # only Saturdays 10–14 work: from Saturday 13:00, 2 h end on the next Saturday at 11:00
    assert saturday_short.add(at(9, 13), 2 * 3600) == at(16, 11)
    # an instant given in UTC is the same moment
    utc = at(4, 10).astimezone(ZoneInfo("UTC"))
    assert CAL.add(utc, 3600) == at(4, 11)


def test_a_calendar_without_working_time_never_ends():
    assert Calendar(tz=MSK, hours={}).add(at(4, 10), 60) is None


def test_subtract_cuts_pauses_out_of_an_interval():
    parts = subtract((at(4, 9), at(4, 18)), [(at(4, 10), at(4, 11)), (at(4, 17), None)])
    assert parts == [(at(4, 9), at(4, 10)), (at(4, 11), at(4, 17))]
    assert subtract((at(4, 9), at(4, 10)), [(at(4, 9) - timedelta(hours=1), at(4, 12))]) == []
