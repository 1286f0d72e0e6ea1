"""Template helpers of the storefront templates."""
from decimal import Decimal
from functools import lru_cache

from django import template
from django.utils.formats import date_format
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from pretix.base.templatetags.money import money_filter

register = template.Library()


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key) if mapping else None


@register.filter
def duration_text(minutes) -> str:
    """90 → "1 h 30 min" in the active language."""
    if minutes in (None, ""):
        return ""
    hours, mins = divmod(int(minutes), 60)
    if hours and mins:
        return _("{hours} h {minutes} min").format(hours=hours, minutes=mins)
    if hours:
        return _("{hours} h").format(hours=hours)
    return _("{minutes} min").format(minutes=mins)


@register.filter
def day_month(value) -> str:
    """26 ноября / 26 November / 11月26日: day and month as each language writes them."""
    if not value:
        return ""
    return date_format(value, pgettext("date format: day and month", "j F"))


@register.filter
def month_year(value) -> str:
    """Ноябрь 2026 / November 2026 / 2026年11月."""
    if not value:
        return ""
    return date_format(value, pgettext("date format: month and year", "F Y"))


@lru_cache(maxsize=4096)
def _money(value: str, currency: str, language: str) -> str:
    return money_filter(Decimal(value), currency)


@register.filter
def price(value, currency: str) -> str:
    """pretix's money format (1 500,00 ₽), remembered per amount and language: a schedule repeats a few prices
    hundreds of times and pretix's formatter asks babel each time."""
    if value is None or value == "":
        return ""
    return _money(str(value), currency, get_language())
