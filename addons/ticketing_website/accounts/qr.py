"""
QR codes for boarding, drawn on our server as SVG (no outside service ever sees a ticket's secret). The content is
the position's ``secret``, exactly what pretix puts in the QR code of the PDF ticket, so the check-in scanner
accepts the screen and the paper alike.
"""
import re
from functools import lru_cache

import qrcode
import qrcode.image.svg
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_L, ERROR_CORRECT_M


def error_level(content: str) -> int:
    """The same error correction pretix's PDF renderer chooses for the same content."""
    if len(content) > 128:
        return ERROR_CORRECT_L
    if len(content) > 32:
        return ERROR_CORRECT_M
    return ERROR_CORRECT_H


@lru_cache(maxsize=256)  # the order page is reloaded while a buyer waits to board; drawing a code costs ~10 ms
def qr_svg(content: str, label: str = "") -> SafeString:
    """An inline ``<svg>`` that scales to its container (the fixed size in millimetres is removed). Safe to put
    in a page as it is: the drawing is the qrcode library's and the only text, the label, is escaped."""
    code = qrcode.QRCode(error_correction=error_level(content), border=4,
                         image_factory=qrcode.image.svg.SvgPathImage)
    code.add_data(content)
    code.make(fit=True)
    svg = code.make_image().to_string(encoding="unicode")
    svg = re.sub(r'^<svg width="[^"]*" height="[^"]*"', '<svg', svg, count=1)
    aria = f' role="img" aria-label="{escape(label)}"' if label else ""
    svg = svg.replace("<svg", f'<svg class="ticketing-qr-svg" preserveAspectRatio="xMidYMid meet"{aria}', 1)
    return mark_safe(svg)  # noqa: S308  # nosec B308 B703  # nosemgrep: prichal-mark-safe-non-literal -- label escaped
