"""
A charter's PDF ticket prints what was booked: the date with the time range in the offer's time zone and the
vessel, in the order's language — not the rental event's first day, nor only the start (pretix's default
layout prints ``event_begin``).
"""
from datetime import timedelta

import pytest

from pretix.plugins.ticketoutputpdf.ticketoutput import PdfTicketOutput

from ticketing_core.testing.pdf import pdf_png, pdf_text

from .test_rentals_checkout import at, book, place

pytestmark = pytest.mark.django_db


def _text(data: bytes) -> str:
    text = pdf_text(data)
    return " ".join(text.replace("\xa0", " ").replace("\u202f", " ").split())


@pytest.fixture
def charter_order(offer, yacht, mon):
    event = offer.event
    event.enable_plugin("pretix.plugins.ticketoutputpdf")
    event.save()
    event.settings.ticket_download = True
    event.settings.ticketoutput_pdf__enabled = True
    cart_id, _occ = book(offer, yacht, at(mon, 18), minutes=180)
    return place(event, cart_id)


@pytest.mark.parametrize("locale", ["ru", "zh-hans"])
def test_charter_ticket_pdf_prints_the_booked_date_time_range_and_vessel(charter_order, mon, locale):
    charter_order.locale = locale
    charter_order.save()
    data = PdfTicketOutput(charter_order.event).generate_order(charter_order)[2]
    text = _text(data)
    day = f"{mon:%d.%m.%Y}" if locale == "ru" else f"{mon.year}年{mon.month}月{mon.day}日"
    booked = f"{day} 18:00–21:00, Аврора" if locale == "ru" else f"{day} 18:00–21:00，Аврора"
    assert booked in text, text
    pdf_png(data, f"pdf-charter-ticket-{locale}")


def test_single_position_pdf_of_a_charter_prints_the_range_as_well(charter_order, mon):
    position = charter_order.positions.get()
    text = _text(PdfTicketOutput(charter_order.event).generate(position)[2])
    assert f"{mon:%d.%m.%Y} 18:00–21:00" in text, text


def test_a_charter_into_the_night_names_both_days(mon):
    from django.utils.translation import override

    from ..documents import period_text

    with override("ru"):
        assert period_text(at(mon, 22), at(mon, 22) + timedelta(hours=4)) == (
            f"{mon:%d.%m.%Y} 22:00–{mon + timedelta(days=1):%d.%m.%Y} 02:00")
