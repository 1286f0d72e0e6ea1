"""
How many SMS a text costs, counted the way the network splits it.

A text is sent in the GSM 7-bit default alphabet (3GPP TS 23.038, "GSM 03.38") when every character is in
its basic table or its extension table; anything else (Cyrillic, emoji, most typographic quotes) makes the
whole message UCS-2. The limits per SMS follow from the 140-byte payload:

* GSM-7: 160 septets in a single SMS; 153 per part once concatenated (the 6-byte UDH eats 7 septets).
  Extension characters (``€ [ ] { } \\ ^ ~ |`` and form feed) are sent as ESC + char: 2 septets each.
* UCS-2: 70 UTF-16 units in a single SMS; 67 per part once concatenated. Characters outside the Basic
  Multilingual Plane (most emoji) are surrogate pairs: 2 units each.

An escape sequence or a surrogate pair is never split between two parts, so a part can carry one unit
less than the limit; the count below packs parts the same way. Customers are billed per part, and our
notification texts must fit one or two (``MAX_SEGMENTS``); SMS.ru refuses more than eight.
"""
from dataclasses import dataclass
from typing import Literal

GSM7: Literal["GSM-7"] = "GSM-7"
UCS2: Literal["UCS-2"] = "UCS-2"

#: What our notifications may cost: one or two SMS.
MAX_SEGMENTS = 2

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67

# 3GPP TS 23.038 default alphabet, 0x00..0x7F in order, without ESC (0x1B), which is no character.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# The extension table: each is sent as ESC + character, so it costs two septets.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")


@dataclass(frozen=True)
class Segments:
    """
    The cost of one text.

    ``characters`` counts code points (what a person calls characters), ``units`` what the network counts
    (septets for GSM-7, UTF-16 units for UCS-2). ``per_segment`` is the capacity of one SMS as sent: 160/70
    for a single SMS, 153/67 per part of a longer one. ``remaining`` is how many units still fit in the last
    SMS before another one is needed, which is what an editor shows next to the text.
    """

    encoding: Literal["GSM-7", "UCS-2"]
    characters: int
    segments: int
    per_segment: int
    remaining: int
    units: int

    def fits(self, max_segments: int = MAX_SEGMENTS) -> bool:
        return self.segments <= max_segments


def is_gsm7(text: str) -> bool:
    """True when the whole text can go in the GSM 7-bit alphabet (basic or extension table)."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def _unit_costs(text: str, encoding: str) -> list[int]:
    if encoding == GSM7:
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _pack(costs: list[int], per_part: int) -> tuple[int, int]:
    """(parts, units used in the last part), never splitting a 2-unit character between parts."""
    parts, used = 1, 0
    for cost in costs:
        if used + cost > per_part:
            parts, used = parts + 1, cost
        else:
            used += cost
    return parts, used


def count_segments(text: str) -> Segments:
    """
    The number of SMS ``text`` is sent as, with its encoding and what still fits.

    >>> count_segments("Привет").segments, count_segments("Привет").encoding
    (1, 'UCS-2')
    """
    encoding = GSM7 if is_gsm7(text) else UCS2
    single, per_part = (GSM7_SINGLE, GSM7_PART) if encoding == GSM7 else (UCS2_SINGLE, UCS2_PART)
    costs = _unit_costs(text, encoding)
    units = sum(costs)
    if units <= single:
        return Segments(encoding, len(text), 1 if text else 0, single, single - units, units)
    parts, last = _pack(costs, per_part)
    return Segments(encoding, len(text), parts, per_part, per_part - last, units)


def fits(text: str, max_segments: int = MAX_SEGMENTS) -> bool:
    return count_segments(text).segments <= max_segments


def truncate(text: str, max_segments: int = MAX_SEGMENTS, ellipsis: str | None = None) -> str:
    """
    ``text`` shortened (with an ellipsis) to fit ``max_segments``, e.g. when a long event name would push a
    notification into a third SMS. The ellipsis defaults to "…" for UCS-2 texts and "..." for GSM-7 ones,
    so shortening never switches a Latin text to UCS-2 (which would halve what fits).
    """
    if fits(text, max_segments):
        return text
    if ellipsis is None:
        ellipsis = "..." if is_gsm7(text) else "…"
    low, high = 0, len(text)  # the longest prefix that fits with the ellipsis, by bisection
    while low < high:
        middle = (low + high + 1) // 2
        if fits(text[:middle].rstrip() + ellipsis, max_segments):
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ellipsis
