"""Banking days of the Russian production calendar (weekends, public holidays and their transfers)."""
from datetime import date

from ..b2b.banking_days import add_banking_days, is_banking_day


def test_an_ordinary_week():
    assert add_banking_days(date(2026, 12, 7), 5) == date(2026, 12, 14)  # Monday → the next Monday


def test_the_new_year_holidays_are_skipped():
    # 31 December 2026 is a day off (transferred), 1–8 January are holidays: 29, 30 Dec, then 11, 12, 13 Jan
    assert not is_banking_day(date(2026, 12, 31))
    assert not is_banking_day(date(2027, 1, 5))
    assert add_banking_days(date(2026, 12, 28), 5) == date(2027, 1, 13)


def test_weekends_are_not_banking_days():
    assert not is_banking_day(date(2026, 12, 12)) and not is_banking_day(date(2026, 12, 13))
    assert is_banking_day(date(2026, 12, 11))
