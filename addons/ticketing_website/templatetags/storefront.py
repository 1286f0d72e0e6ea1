"""Template helpers of the storefront templates."""
from django import template
from django.utils.translation import gettext as _

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
