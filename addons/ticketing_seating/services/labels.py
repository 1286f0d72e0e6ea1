"""A seat as people read it — "Upper deck, row 3, seat 12" — in the active language."""
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
