"""
Every passenger of a seated sailing has a seat (child and concession are passenger types of the seat), boarding
cards and PDF tickets name the seat, and drinks get no boarding pass.
"""
from decimal import Decimal
from io import BytesIO

import pytest
from django.test import Client
from django.utils.translation import override
from pypdf import PdfReader

from pretix.base.models import CartPosition, Item, SubEventItem
from pretix.base.services.cart import CartError
from pretix.base.signals import validate_cart

from ticketing_core.testing import factories
from ticketing_seating.services import assign, rules
from ticketing_seating.services.errors import SeatingError
from ticketing_website.testing import enable_accounts


def _url(event, path=""):
    return f"/{event.organizer.slug}/{event.slug}/{path}"


@pytest.fixture
def passengers(seated):
    """The seated series sells its child ticket again (make_seated switched it off) and mulled wine."""
    vessel, event, sailing, products = seated
    child = event.items.get(default_price=Decimal("900.00"))
    child.active = True
    child.save()
    wine = Item.objects.create(event=event, name={"ru": "Глинтвейн", "en": "Mulled wine"},
                               default_price=Decimal("350.00"), admission=False)
    event.quotas.create(name="Бар", subevent=sailing.subevent, size=None).items.add(wine)
    return event, sailing, products, child, wine


def _with_passenger_types(event, sailing, product):
    """The Standard seat's product sells adult, child and concession as variations (pretix's seating with them)."""
    adult = product.variations.create(value={"ru": "Взрослый", "en": "Adult"}, default_price=Decimal("1500.00"))
    child = product.variations.create(value={"ru": "Детский", "en": "Child"}, default_price=Decimal("900.00"),
                                      position=1)
    concession = product.variations.create(value={"ru": "Льготный", "en": "Concession"},
                                           default_price=Decimal("1100.00"), position=2)
    assign.apply_to_sailing(sailing)
    return adult, child, concession


def test_child_ticket_is_not_offered_on_a_seated_date_and_general_dates_still_sell_it(passengers, pier):
    event, sailing, products, child, wine = passengers
    html = Client().get(_url(event, f"{sailing.subevent_id}/")).content.decode()
    assert f'id="item_{child.pk}"' not in html  # pretix's per-date switch: no child ticket without a seat
    assert f'id="item_{wine.pk}"' in html       # what is not a passenger is still sold by quantity
    assert SubEventItem.objects.get(subevent=sailing.subevent, item=child).disabled
    general = factories.make_vessel(event.organizer, "Нева-2", capacity=60, reg="GA-2")
    other = factories.make_sailing(event, general, pier, sailing.subevent.date_from.replace(year=2099))
    assert not SubEventItem.objects.filter(subevent=other.subevent, item=child, disabled=True).exists()


def test_cart_with_a_passenger_without_seat_on_a_seated_date_is_refused(passengers):
    event, sailing, products, child, wine = passengers
    cart = [CartPosition(event=event, subevent=sailing.subevent, item=child, price=Decimal("900.00"), cart_id="x"),
            CartPosition(event=event, subevent=sailing.subevent, item=wine, price=Decimal("350.00"), cart_id="x")]
    with override("en"), pytest.raises(SeatingError, match="every passenger needs a seat"):
        rules.check_positions(event, cart)
    with pytest.raises(CartError):
        validate_cart.send(event, positions=cart)
    rules.check_positions(event, cart[1:])  # mulled wine alone needs no seat


def test_placing_an_order_refuses_a_passenger_without_seat_on_a_seated_date_and_loads_nothing_on_general_dates(
        passengers, pier, django_assert_num_queries):
    from datetime import timedelta

    from django.utils.timezone import now

    from pretix.base.services.orders import OrderError

    from ticketing_seating.signals import order_rules

    event, sailing, products, child, wine = passengers
    expires = now() + timedelta(minutes=30)
    for item, price in ((child, "900.00"), (wine, "350.00")):
        CartPosition.objects.create(event=event, subevent=sailing.subevent, item=item, price=Decimal(price),
                                    cart_id="seated", expires=expires)
    with override("en"), pytest.raises(OrderError, match="every passenger needs a seat"):
        order_rules(event, positions=CartPosition.objects.filter(cart_id="seated"))

    general = factories.make_vessel(event.organizer, "Нева-2", capacity=60, reg="GA-2")
    other = factories.make_sailing(event, general, pier, sailing.subevent.date_from.replace(year=2099))
    CartPosition.objects.create(event=event, subevent=other.subevent, item=child, price=Decimal("900.00"),
                                cart_id="general", expires=expires)
    with django_assert_num_queries(1):  # one statement that finds no position a seat rule could concern
        order_rules(event, positions=CartPosition.objects.filter(cart_id="general"))


def test_operator_may_sell_a_small_child_without_a_seat(passengers):
    event, sailing, products, child, wine = passengers
    event.settings.ticketing_seating_seatless_items = str(child.pk)
    assign.sync_passenger_products(event, sailing.subevent)
    assert not SubEventItem.objects.get(subevent=sailing.subevent, item=child).disabled
    rules.check_positions(event, [CartPosition(event=event, subevent=sailing.subevent, item=child,
                                               price=Decimal("0.00"), cart_id="x")])


def test_seat_with_child_and_concession_passenger_types_goes_into_the_cart(passengers):
    event, sailing, products, child, wine = passengers
    standard = products["Standard"]
    adult_v, child_v, concession_v = _with_passenger_types(event, sailing, standard)
    client = Client()
    html = client.get(_url(event, f"{sailing.subevent_id}/"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "choose the passenger type (adult, child, concession)" in html
    client.post(_url(event, "cart/add"), {
        "subevent": sailing.subevent_id,
        f"seat_{standard.pk}_{child_v.pk}": "d1-r2-s1", f"seat_{standard.pk}_{concession_v.pk}": "d1-r2-s2",
        f"seat_{standard.pk}_{adult_v.pk}": "d1-r2-s3"}, follow=True)
    got = {cp.seat.seat_guid: (cp.variation_id, cp.price) for cp in CartPosition.objects.filter(event=event)}
    assert got == {"d1-r2-s1": (child_v.pk, Decimal("900.00")), "d1-r2-s2": (concession_v.pk, Decimal("1100.00")),
                   "d1-r2-s3": (adult_v.pk, Decimal("1500.00"))}


def _seated_order(event, sailing, product, guid, extra=()):
    order = factories.make_order(event, sailing.subevent, [product, *extra])
    p = order.positions.get(item=product)
    p.seat = sailing.subevent.seats.get(seat_guid=guid)
    p.save()
    return order


def test_boarding_cards_and_pdf_name_the_seat_and_mulled_wine_gets_no_boarding_pass(passengers):
    event, sailing, products, child, wine = passengers
    enable_accounts(event.organizer, event)
    order = _seated_order(event, sailing, products["Window"], "d1-r1-s2", extra=[wine])
    url = _url(event, f"order/{order.code}/{order.secret}/")
    html = Client().get(url, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    panel = html.split('id="ticketing-tickets"')[1].split("</section>")[0]
    assert "Место: Главная палуба, ряд 1, место 2" in panel
    assert panel.count('class="ticketing-qr-card"') == 1  # the passenger's; mulled wine is no boarding pass
    assert "Глинтвейн" not in panel
    assert [p.item for p in order.positions_with_tickets] == [products["Window"]]

    from pretix.plugins.ticketoutputpdf.ticketoutput import PdfTicketOutput

    _name, _type, data = PdfTicketOutput(event).generate_order(order)
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    assert "Главная палуба, ряд 1, место 2" in text
    assert len(PdfReader(BytesIO(data)).pages) == 1  # one ticket: the passenger's
