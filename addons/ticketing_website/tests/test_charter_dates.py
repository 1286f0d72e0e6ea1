"""
A charter's own date and time (not the rental event's pretix date) on every surface a customer sees: the cart
and order position (core's ``position_departure`` hook, answered by ticketing_rentals), the order page's boarding
cards, the PDF ticket; extras such as a photographer get no boarding card.
"""
import uuid
from datetime import datetime, time
from io import BytesIO

import pytest
from django.test import Client
from pypdf import PdfReader

from pretix.base.models import CartPosition, Order
from pretix.base.services.orders import perform_order

from ticketing_core.hooks import departure_of_position
from ticketing_core.testing.factories import MSK
from ticketing_rentals import cart as rental_cart
from ticketing_rentals.cart import Extra
from ticketing_website.testing import enable_accounts

pytestmark = pytest.mark.django_db

MANUAL = [{"provider": "manual", "max_value": None, "min_value": None, "multi_use_supported": False,
           "info_data": {}}]


@pytest.fixture
def charter_order(offer, yacht, mon, charter):
    """Monday 18:00–21:00 on «Аврора» with a buffet, paid; the rental event's own date is another day."""
    enable_accounts(charter.organizer, charter)
    charter.refresh_from_db()
    cart_id = f"cart-{uuid.uuid4().hex}"
    buffet = charter.items.get(free_price=False)
    start = datetime.combine(mon, time(18, 0), tzinfo=MSK)
    rental_cart.book(offer, yacht, start, 180, 6, [Extra(buffet, 1)], cart_id,
                     charter.organizer.sales_channels.get(identifier="web"))
    charter_cp = CartPosition.objects.get(event=charter, cart_id=cart_id, item=offer.item)
    assert departure_of_position(charter_cp).text(charter) == f"{mon:%d.%m.%Y} 18:00–21:00"
    positions = [str(p.pk) for p in CartPosition.objects.filter(event=charter, cart_id=cart_id)]
    perform_order(charter.pk, MANUAL, positions, email="guest@example.org", locale="ru", cart_id=cart_id)
    order = Order.objects.get(event=charter)
    order.payments.first().confirm()
    order.refresh_from_db()
    assert charter.date_from.astimezone(MSK).date() != mon
    return order


def test_order_position_departs_at_the_charter(charter_order, offer, mon):
    position = charter_order.positions.get(item=offer.item)
    departure = departure_of_position(position)
    assert departure.local(charter_order.event)[0] == datetime.combine(mon, time(18), tzinfo=MSK)
    assert departure.text(charter_order.event) == f"{mon:%d.%m.%Y} 18:00–21:00"


def test_boarding_card_shows_the_charter_time_and_extras_get_none(charter_order, mon):
    event = charter_order.event
    url = f"/{event.organizer.slug}/{event.slug}/order/{charter_order.code}/{charter_order.secret}/"
    html = Client().get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    panel = html.split('id="ticketing-tickets"')[1].split("</section>")[0]
    assert f"{mon:%d.%m.%Y} 18:00–21:00" in panel
    assert f"{event.date_from.astimezone(MSK):%d.%m.%Y}" not in panel
    assert panel.count('class="ticketing-qr-card"') == 1 and "Фуршет" not in panel


def test_pdf_ticket_prints_the_charter_date_and_time(charter_order, mon):
    from pretix.plugins.ticketoutputpdf.ticketoutput import PdfTicketOutput

    _name, _type, data = PdfTicketOutput(charter_order.event).generate_order(charter_order)
    reader = PdfReader(BytesIO(data))
    text = "".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 1  # the charter time's ticket; the buffet has none
    assert f"{mon:%d.%m.%Y} 18:00" in text
    assert f"{charter_order.event.date_from.astimezone(MSK):%d.%m.%Y}" not in text


def test_order_emails_give_the_charter_date_and_time(offer, yacht, mon, charter, mailoutbox):
    """The "order placed" e-mail and the "paid" e-mail (pretix's) and our payment receipt name the charter's time."""
    cart_id = f"cart-{uuid.uuid4().hex}"
    rental_cart.book(offer, yacht, datetime.combine(mon, time(18, 0), tzinfo=MSK), 180, 6, [], cart_id,
                     charter.organizer.sales_channels.get(identifier="web"))
    positions = [str(p.pk) for p in CartPosition.objects.filter(event=charter, cart_id=cart_id)]
    perform_order(charter.pk, MANUAL, positions, email="guest@example.org", locale="ru", cart_id=cart_id)
    Order.objects.get(event=charter).payments.first().confirm()
    period = f"{mon:%d.%m.%Y} 18:00–21:00"
    bodies = [m.body for m in mailoutbox if "guest@example.org" in m.to]
    assert len(bodies) >= 2 and all(period in body for body in bodies), bodies


def test_checkout_confirm_page_names_the_charter_date_and_time(client, offer, yacht, mon, charter):
    """Before "place order" the confirm page's charter panel (``checkout_confirm_page_content``) gives the period."""
    from django.test import RequestFactory

    from ticketing_rentals.signals import charter_confirm_summary

    start = datetime.combine(mon, time(18, 0), tzinfo=MSK)
    response = client.post(f"/{charter.organizer.slug}/{charter.slug}/rentals/", {
        "vessel": yacht.pk, "date": mon.isoformat(), "duration": 180, "start": start.isoformat(), "guests": 4,
        "action": "book"})
    assert response.status_code == 302
    request = RequestFactory().get("/")
    request.session, request.event, request.organizer = client.session, charter, charter.organizer
    html = str(charter_confirm_summary(sender=charter, request=request))
    assert "Аврора" in html and "18:00–21:00" in html and f"{mon.day} " in html and str(mon.year) in html
