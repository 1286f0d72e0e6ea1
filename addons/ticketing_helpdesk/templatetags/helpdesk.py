"""Small template helpers of the helpdesk pages."""
from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    """``{{ classes|get:case.status }}``: a dictionary lookup with a variable key."""
    return mapping.get(key, "") if hasattr(mapping, "get") else ""
