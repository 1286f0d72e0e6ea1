"""Every CSV download neutralises formulas and reads correctly in the person's spreadsheet program."""
import csv
import io
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from ticketing_core.dateranges import DateRangeForm, day_bounds, parse_day, range_error
from ticketing_core.exports import csv_response, csv_text, safe_cell


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://evil\")", "+7 916 123-45-67", "-1+2", "@SUM(A1)",
                                  "\tcmd", "\rcmd"])
def test_a_cell_that_would_start_a_formula_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text
    with translation.override("en"):
        row = next(csv.reader(io.StringIO(csv_text([[text, "plain"]], ["a", "b"])[len("a,b\r\n"):])))
    assert row == ["'" + text, "plain"]


def test_plain_text_numbers_and_the_header_are_kept():
    assert safe_cell("Анна") == "Анна" and safe_cell(5) == 5 and safe_cell(None) is None
    with translation.override("en"):
        text = csv_text([["=1+1", 3]], ["=header", "n"])
    assert text.splitlines()[0] == "'=header,n"


def test_russian_users_get_semicolons_and_a_decimal_comma():
    rows = [["Возврат", Decimal("1500.50"), 2, 1.5], ["=cmd", Decimal("0.00"), 0, None]]
    with translation.override("ru"):
        text = csv_text(rows, ["Причина", "Сумма", "Число", "Доля"])
    assert text.splitlines() == ["Причина;Сумма;Число;Доля", "Возврат;1500,50;2;1,5", "'=cmd;0,00;0;"]
    with translation.override("en"):
        text = csv_text(rows, ["Reason", "Amount", "Count", "Share"])
    assert text.splitlines()[1] == "Возврат,1500.50,2,1.5"


def test_the_download_is_utf8_with_a_bom_and_an_attachment():
    with translation.override("ru"):
        response = csv_response([["Пётр", Decimal("10.00")]], ["Имя", "Сумма"], "manifest.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="manifest.csv"'
    assert response.content.startswith("\ufeff".encode())
    assert response.content.decode("utf-8-sig").splitlines() == ["Имя;Сумма", "Пётр;10,00"]


def test_date_ranges_are_checked_the_same_way_everywhere():
    with translation.override("en"):
        assert range_error(date(2030, 1, 2), date(2030, 1, 1)) == "The end date must not be before the start date."
        assert range_error(date(2030, 1, 1), date(2030, 1, 31), max_days=31) is None
        assert range_error(date(2030, 1, 1), date(2030, 2, 1), max_days=31) == \
            "The period can be at most 31 days long."
        assert range_error(None, date(2030, 1, 1)) is None
        with pytest.raises(ValueError, match="is not a date"):
            parse_day("2030-02-30")
    assert parse_day(" 2030-02-28 ") == date(2030, 2, 28)
    tz = ZoneInfo("Europe/Moscow")
    first, after = day_bounds(date(2030, 1, 1), date(2030, 1, 2), tz)
    assert (first.isoformat(), after.isoformat()) == ("2030-01-01T00:00:00+03:00", "2030-01-03T00:00:00+03:00")

    class Filter(DateRangeForm):
        from django import forms

        start = forms.DateField(required=False)
        end = forms.DateField(required=False)
        max_days = 7

    assert Filter({"start": "2030-01-01", "end": "2030-01-07"}).is_valid()
    assert not Filter({"start": "2030-01-02", "end": "2030-01-01"}).is_valid()
    assert not Filter({"start": "2030-01-01", "end": "2030-01-08"}).is_valid()
