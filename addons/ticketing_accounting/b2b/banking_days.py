"""
Banking days of the Russian production calendar: Monday to Friday, except public holidays and the days off the
government moves onto weekdays, and including the Saturdays it makes working days. The ``holidays`` library keeps
Russia's calendar (holidays and transfers by year), so no hand-kept list goes stale here.
"""
from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=16)
def _calendar(year: int):
    return holidays.country_holidays("RU", years=[year - 1, year, year + 1])


@lru_cache(maxsize=16)
def _working_weekends(year: int) -> frozenset[date]:
    """Saturdays and Sundays declared working days (transfers), as the library knows them."""
    cal = _calendar(year)
    workdays = getattr(cal, "weekend_workdays", None) or set()
    return frozenset(workdays)


def is_banking_day(day: date) -> bool:
    if day in _working_weekends(day.year):
        return True
    return day.weekday() < 5 and day not in _calendar(day.year)


def add_banking_days(start: date, days: int) -> date:
    """The ``days``-th banking day after ``start`` (``start`` itself does not count, as in "5 banking days")."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_banking_day(day):
            left -= 1
    return day
