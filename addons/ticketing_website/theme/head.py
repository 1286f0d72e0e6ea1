"""The storefront theme in the page head: our stylesheet (served locally) and the operator's primary colour."""
import re

from django.conf import settings as django_settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString

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
    """pretix compiles the operator's colours into its own theme.css; we only pass the primary colour on."""
    primary = settings.get("primary_color") or DEFAULT_PRIMARY
    primary = primary if HEX.match(primary) else DEFAULT_PRIMARY
    return SafeString(  # nosec B703 # format_html parts, colour checked against HEX
        format_html('<link rel="stylesheet" href="{}">', stylesheet_url())
        + format_html("<style>:root{{--tw-primary:{};}}</style>", primary)
    )
