"""
The font of PDF tickets and invoices. pretix's own PDF font (Open Sans) has neither the rouble sign (₽) nor
Chinese, so every price on a ticket or an invoice read "1 500,00 ▯". LXGW WenKai (Debian's fonts-lxgw-wenkai,
OFL) has Latin, Cyrillic, ₽ and CJK in TrueType outlines, which reportlab (pretix's PDF library) can embed;
Noto Sans CJK has PostScript outlines, which it cannot. The font files are the Debian package's, reached from
this addon's static directory through symbolic links (pretix finds PDF fonts among the static files), so
`make test`, `make run` and the production image install the package.
"""
import json
import logging

from django.contrib.staticfiles import finders
from django.db.models.signals import pre_save
from django.dispatch import receiver

from pretix.base.settings import settings_hierarkey
from pretix.plugins.ticketoutputpdf.models import TicketLayout
from pretix.plugins.ticketoutputpdf.signals import override_layout
from pretix.presale.style import register_fonts

from .layouts import edited_layout

logger = logging.getLogger(__name__)

FONT = "LXGW WenKai"
FILES = {"regular": "ticketing_core/fonts/LXGWWenKai-Regular.ttf", "bold": "ticketing_core/fonts/LXGWWenKai-Bold.ttf"}
# pretix's bundled font and the legacy layouts' built-in one: neither draws ₽ or Chinese
REPLACED = {"Open Sans", "Helvetica"}

# invoices of every event use it unless staff choose another font in the invoice settings
settings_hierarkey.add_default("invoice_renderer_font", FONT, str)


_found = False  # once found, the installed package stays (pretix asks for its fonts on every shop page)


def available() -> bool:
    """The font package is installed (its files are reached through the static links)."""
    global _found
    if not _found:
        _found = all(finders.find(path) for path in FILES.values())
    return _found


@receiver(register_fonts, dispatch_uid="ticketing_core_pdf_font")
def pdf_font(sender, **kwargs):
    if not available():
        logger.warning("The PDF font %s is missing: install the Debian package fonts-lxgw-wenkai.", FONT)
        return {}
    regular, bold = {"truetype": FILES["regular"]}, {"truetype": FILES["bold"]}
    # no separate italic cut: italic text uses the upright one. Not "pdf_only", so that pretix's invoice settings
    # offer it (their font choice lists web fonts only).
    return {FONT: {"regular": regular, "bold": bold, "italic": regular, "bolditalic": bold}}


def with_font(elements: list) -> bool:
    """Text of the layout in a font without ₽ and Chinese gets ours; True when something changed."""
    changed = False
    for e in elements:
        if isinstance(e, dict) and e.get("fontfamily") in REPLACED:
            e["fontfamily"] = FONT
            changed = True
    return changed


@receiver(override_layout, dispatch_uid="ticketing_core_ticket_font")
def ticket_font(sender, layout, orderposition, **kwargs):
    """Tickets drawn with pretix's default layout (or any in Open Sans) use the font that has ₽ and Chinese."""
    if layout is None or not available():
        return layout
    return edited_layout(layout, sender, with_font)


@receiver(pre_save, sender=TicketLayout, dispatch_uid="ticketing_core_new_layout_font")
def new_layout_font(sender, instance, raw=False, **kwargs):
    """A layout staff create starts in the font as well, so the editor shows what the ticket will look like."""
    if raw or instance.pk or not available():
        return
    try:
        elements = json.loads(instance.layout)
    except (TypeError, ValueError):
        return
    if with_font(elements):
        instance.layout = json.dumps(elements)
