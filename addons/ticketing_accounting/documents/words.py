"""
The amount in words of a Russian document ("Одна тысяча пятьсот рублей 50 копеек"): roubles in words, kopecks in
digits, as accountants write it. num2words reads a plain ``int`` as kopecks in its currency mode, so the amount is
always turned into a ``Decimal`` with two places first.
"""
from decimal import ROUND_HALF_UP, Decimal

from num2words import num2words


def amount_in_words(amount: Decimal) -> str:
    """"Двадцать один рубль 05 копеек" for ``Decimal("21.05")``, in Russian whatever the UI language."""
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = num2words(value, lang="ru", to="currency", currency="RUB", cents=False).replace(",", "")
    return text[:1].upper() + text[1:]
