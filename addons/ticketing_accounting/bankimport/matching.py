"""
Which order a payment document pays: the order code written in its НазначениеПлатежа.

Buyers and bank clerks retype the code, so the search forgives what they do: Cyrillic letters that look like
Latin ones (``А`` for ``A``, ``О`` for ``O``…), lower case, the event's slug in front (``EVENING-AB3CD``),
and pretix's own fallback normalisation of digits that look like letters.
"""
import re

from django.conf import settings
from django.db.models import QuerySet

from pretix.base.models import Order, Organizer

# Cyrillic capitals that print like Latin ones (after upper-casing the text).
HOMOGLYPHS = str.maketrans("АВЕКМНОРСТУХ", "ABEKMHOPCTYX")


def candidate_codes(purpose: str) -> list[str]:
    """Every word of the purpose that could be an order code, in the order written."""
    length = settings.ENTROPY["order_code"]
    text = purpose.upper().translate(HOMOGLYPHS)
    words = re.findall(r"(?<![A-Z0-9])[A-Z0-9]{%d}(?![A-Z0-9])" % length, text)
    found: list[str] = []
    for word in words:
        for code in (word, Order.normalize_code(word, is_fallback=True)):
            if code not in found:
                found.append(code)
    return found


def orders_named(organizer: Organizer, purpose: str) -> QuerySet:
    """The organizer's orders whose code the purpose names (usually none or one)."""
    codes = candidate_codes(purpose)
    return Order.objects.filter(event__organizer=organizer, code__in=codes[:50]).select_related("event")
