"""The storefront theme in the page head: our stylesheet (served locally)."""
import re

from django.conf import settings as django_settings
from django.templatetags.static import static
from django.utils.html import format_html

# the operator's colour settings, checked where the back office uses them (theme/backoffice.py)
HEX = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_PRIMARY = "#0b4f71"
STYLESHEET = "ticketing_website/theme.css"


def stylesheet_url() -> str:
    """
    Our stylesheet's URL. Production serves static files through a manifest that ``pretix rebuild`` writes;
    a server started before that step still shows the shop (unstyled by us) instead of failing every page.
    """
    try:
        return static(STYLESHEET)
    except ValueError:
        return django_settings.STATIC_URL + STYLESHEET


def theme_head(settings) -> str:
    """
    Our stylesheet only. The operator's primary colour reaches it through pretix's own theme stylesheet
    (``--pretix-brand-primary``, compiled from the colour setting): an inline ``<style>`` would break pretix's
    Content-Security-Policy (``style-src 'self'``), which logged an error on every storefront page.
    """
    return format_html('<link rel="stylesheet" href="{}">', stylesheet_url())
