"""Amounts in words as Russian documents write them: roubles in words agreeing with the number, kopecks in
digits agreeing too."""
from decimal import Decimal

import pytest

from ..documents.words import amount_in_words


@pytest.mark.parametrize("amount,words", [
    ("0", "Ноль рублей 00 копеек"),
    ("1", "Один рубль 00 копеек"),
    ("2", "Два рубля 00 копеек"),
    ("5", "Пять рублей 00 копеек"),
    ("11", "Одиннадцать рублей 00 копеек"),
    ("21", "Двадцать один рубль 00 копеек"),
    ("101", "Сто один рубль 00 копеек"),
    ("1001", "Одна тысяча один рубль 00 копеек"),
    ("1000000.01", "Один миллион рублей 01 копейка"),
    ("22.22", "Двадцать два рубля 22 копейки"),
    ("1500.50", "Одна тысяча пятьсот рублей 50 копеек"),
])
def test_amount_in_words(amount, words):
    assert amount_in_words(Decimal(amount)) == words


def test_an_int_is_roubles_not_kopecks():
    """num2words alone reads a plain int as kopecks; ours turns everything into roubles first."""
    assert amount_in_words(21) == amount_in_words(Decimal("21.00")) == "Двадцать один рубль 00 копеек"
