"""A seat as people read it — "Upper deck, row 3, seat 12" — in the active language."""
import re

from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pretix.base.models import Seat

from ..models import VesselSeatMap
from .layout import label


def labels_for(event_id: int, subevent_id: int | None) -> dict:
    """The deck and category names in every language, from the seat map of the date's vessel."""
    qs = VesselSeatMap.objects.filter(vessel__sailings__event_id=event_id)
    qs = qs.filter(vessel__sailings__subevent_id=subevent_id) if subevent_id else qs.filter(
        vessel__sailings__subevent__isnull=True)
    seat_map = qs.only("labels").first()
    return seat_map.labels if seat_map else {}


def seat_text(deck: str, row: str, number: str) -> str:
    return _("{deck}, row {row}, seat {seat}").format(deck=deck, row=row, seat=number)


def describe(seat: Seat, labels: dict | None = None, lang: str | None = None) -> str:
    """Deck, row and seat in the active language (deck names translated where the map has them)."""
    if labels is None:
        labels = labels_for(seat.event_id, seat.subevent_id)
    deck = label(labels, "zones", seat.zone_name, lang or get_language())
    return seat_text(deck, seat.row_name, seat.seat_number)


# pretix's seat pictogram (templates/icons/seat.svg): where pretix names a seat in its cart, checkout and order
# lines, it draws this icon before the seat's own name
PRETIX_SEAT_ICON = b"M7.713 3.573c"
SEAT_AFTER_ICON = re.compile(rb"(" + re.escape(PRETIX_SEAT_ICON) + rb".*?</svg>\s*)([^<]*)", re.DOTALL)
DECKS_CACHE_KEY = "ticketing_seating_deck_names"
DECKS_CACHE_SECONDS = 300


def deck_names(event) -> dict:
    """The deck names of the event's seat maps as staff typed them, with their names per language (cached)."""
    def compute() -> dict:
        names = {}
        for labels in VesselSeatMap.objects.filter(vessel__sailings__event_id=event.pk).values_list("labels",
                                                                                                   flat=True):
            names.update((labels or {}).get("zones") or {})
        return names

    return event.cache.get_or_set(DECKS_CACHE_KEY, compute, DECKS_CACHE_SECONDS)


def translate_pretix_seats(request, response) -> None:
    """
    pretix names a seat by its deck as typed ("Главная палуба, Ряд 2, Место 3", ``Seat.__str__``) in its cart,
    checkout and order lines, and offers no hook for it; on pages in another language the typed deck names are
    replaced by the seat map's names in that language ("主甲板, 排2, 座位3"). Pages without pretix's seat icon
    are left alone without a query.
    """
    event = getattr(request, "event", None)
    if event is None or "text/html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
        return
    if PRETIX_SEAT_ICON not in response.content:
        return
    lang = get_language()
    names = {typed: label({"zones": {typed: texts}}, "zones", typed, lang)
             for typed, texts in deck_names(event).items()}
    # as the page has them: escaped by pretix's template
    shown = {escape(typed).encode(): escape(name).encode() for typed, name in names.items() if name != typed}
    if not shown:
        return

    def seat_name(match: re.Match) -> bytes:
        text = match.group(2)
        for typed, text_in_language in shown.items():
            text = text.replace(typed, text_in_language)
        return match.group(1) + text

    # only the seat's name right after pretix's icon: never the picker's data or anything else on the page
    response.content = SEAT_AFTER_ICON.sub(seat_name, response.content)
