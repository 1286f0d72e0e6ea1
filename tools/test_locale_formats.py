"""Money, dates and numbers follow each shop language's conventions, as pretix renders them.

Nothing of ours formats these: pretix's ``money`` filter (pretix/base/templatetags/money.py, also used by
its e-mails, PDFs and invoices) formats amounts with Babel's CLDR data for the active language, and dates
and numbers come from Django's locale formats (pretix's FORMAT_MODULE_PATH has no Russian or Chinese
module, so Django's own ru and zh_Hans formats apply). These tests pin the result, so an upgrade of pretix,
Babel or Django that changes what customers read is noticed:

- ru: "1 500,00 ₽" — non-breaking spaces as group separator and before the sign, decimal comma;
  "5 июля 2026 г.", "05.07.2026 14:30".
- en: "RUB1,500.00" and zh-hans "RUB1,500.00" — CLDR has no local symbol for the rouble in these languages,
  so the ISO code is written (Babel does not add CLDR's currency spacing); "July 5, 2026", "2026年7月5日".
"""
import datetime
from decimal import Decimal

import pytest
from django.utils import formats, translation

from pretix.base.templatetags.money import money_filter

NBSP = "\xa0"


@pytest.mark.parametrize(("language", "amount", "expected"), [
    ("ru", "1500", f"1{NBSP}500,00{NBSP}₽"),
    ("ru", "1500.5", f"1{NBSP}500,50{NBSP}₽"),
    ("ru", "0.99", f"0,99{NBSP}₽"),
    ("ru", "1234567.89", f"1{NBSP}234{NBSP}567,89{NBSP}₽"),
    ("ru", "-250", f"-250,00{NBSP}₽"),
    ("en", "1500", "RUB1,500.00"),
    ("en", "1234567.89", "RUB1,234,567.89"),
    ("zh-hans", "1500", "RUB1,500.00"),
    ("zh-hans", "1234567.89", "RUB1,234,567.89"),
])
def test_money_in_roubles(language, amount, expected):
    with translation.override(language):
        assert money_filter(Decimal(amount), "RUB") == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", f"1{NBSP}500,00"),
    ("en", "1,500.00"),
    ("zh-hans", "1500.00"),  # Django's zh_Hans formats group no digits
])
def test_amount_without_currency(language, expected):
    """Amounts without the sign (money_without_currency, e.g. in tables) keep the locale's separators."""
    with translation.override(language):
        assert money_filter(Decimal("1500"), "RUB", hide_currency=True) == expected


SAILING = datetime.datetime(2026, 7, 5, 14, 30)


@pytest.mark.parametrize(("language", "fmt", "expected"), [
    ("ru", "DATE_FORMAT", "5 июля 2026 г."),
    ("ru", "SHORT_DATE_FORMAT", "05.07.2026"),
    ("ru", "SHORT_DATETIME_FORMAT", "05.07.2026 14:30"),
    ("en", "DATE_FORMAT", "July 5, 2026"),
    ("en", "SHORT_DATETIME_FORMAT", "2026-07-05 14:30"),
    ("zh-hans", "DATE_FORMAT", "2026年7月5日"),
    ("zh-hans", "SHORT_DATETIME_FORMAT", "2026年7月5日 14:30"),
])
def test_dates(language, fmt, expected):
    with translation.override(language):
        assert formats.date_format(SAILING, fmt) == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", "14:30"),
    ("en", "14:30"),
    ("zh-hans", "14:30"),
])
def test_times_are_24_hour(language, expected):
    with translation.override(language):
        assert formats.time_format(SAILING.time(), "TIME_FORMAT") == expected


@pytest.mark.parametrize(("language", "expected"), [
    ("ru", "22,5"),
    ("en", "22.5"),
    ("zh-hans", "22.5"),
])
def test_decimal_numbers(language, expected):
    """Tax rates and other decimals shown next to prices ("в т.ч. НДС 22,5 %")."""
    with translation.override(language):
        assert formats.localize(Decimal("22.5")) == expected
