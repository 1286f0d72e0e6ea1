"""The demo's boarding day finds its sailings whatever the hour `make run` starts at (CI once failed at 16:19)."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils.timezone import now

from ticketing_core.boarding.demo import _sailing, _today_candidates
from ticketing_core.testing import factories

MSK = ZoneInfo("Europe/Moscow")


@pytest.mark.django_db
@pytest.mark.parametrize("hour, minute", [(0, 5), (9, 0), (16, 19), (18, 0), (21, 10), (22, 50), (23, 30)])
def test_today_demo_sailing_departs_later_today_around_a_full_evening_timetable(series, boat, pier, hour, minute):
    """The route's boat sails at 19:00 and 21:00 (90 minutes, 30 minutes' turnaround), as in the demo."""
    today = (now() + timedelta(days=2)).astimezone(MSK).date()  # a day the tests' clock has not reached
    for t in (time(19, 0), time(21, 0)):
        factories.make_sailing(series, boat, pier, datetime.combine(today, t, tzinfo=MSK))
    local_now = datetime.combine(today, time(hour, minute), tzinfo=MSK)

    sailing = _sailing(series, [boat], [pier], _today_candidates(local_now))

    start = sailing.start.astimezone(MSK)
    assert start.date() == today
    assert start > local_now  # still boarding: passengers aboard and passengers awaited


@pytest.mark.django_db
def test_only_just_before_midnight_the_today_sailing_is_one_that_left_earlier(series, boat, pier):
    today = (now() + timedelta(days=2)).astimezone(MSK).date()
    factories.make_sailing(series, boat, pier, datetime.combine(today, time(21, 0), tzinfo=MSK))
    local_now = datetime.combine(today, time(23, 50), tzinfo=MSK)

    start = _sailing(series, [boat], [pier], _today_candidates(local_now)).start.astimezone(MSK)

    assert start.date() == today and start <= local_now
