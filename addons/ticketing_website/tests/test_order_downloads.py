"""
The order page offers each ticket's PDF one way: the boarding card's button. pretix's own download block (with its
"present the ticket when entering the event") and its PDF button on every product line are hidden by a stylesheet
loaded with the cards; the cards' buttons download the PDF for every kind of ticket — passenger, seat, charter —
and for a pending order where the event lets pending orders download.
"""
import re
import uuid
from datetime import datetime, time

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils.translation import override

from pretix.base.models import CartPosition, Order
from pretix.base.services.orders import perform_order

from ticketing_core.testing import factories
from ticketing_core.testing.factories import MSK
from ticketing_rentals import cart as rental_cart
from ticketing_website.testing import adult, enable_accounts, numbered, order_url

pytestmark = pytest.mark.django_db

ONE_DOWNLOAD = "ticketing_website/one_download.css"
MANUAL = [{"provider": "manual", "max_value": None, "min_value": None, "multi_use_supported": False,
           "info_data": {}}]


def _page(order, lang="ru") -> str:
    return Client().get(order_url(order), HTTP_ACCEPT_LANGUAGE=lang).content.decode()


def _cards_download(order, html: str) -> int:
    """Every boarding card's PDF button posts to pretix's download of that position and gets a PDF."""
    panel = html.split('id="ticketing-tickets"')[1].split("</section>")[0]
    urls = re.findall(r'action="([^"]*/download/(\d+)/pdf)"', panel)
    client = Client()
    for url, _pk in urls:
        resp = client.post(url, follow=True)
        body = b"".join(resp.streaming_content) if resp.streaming else resp.content
        assert resp.status_code == 200 and body.startswith(b"%PDF"), url
    return len(urls)


def _pretix_downloads_hidden(html: str) -> None:
    assert ONE_DOWNLOAD in html
    css = open(finders.find(ONE_DOWNLOAD)).read()
    # pretix's block above the order and its button on every product line are the selectors hidden
    assert 'class="info-download"' in html and "download-desktop" in html  # pretix still renders them…
    assert ".info-download { display: none; }" in css  # …and our stylesheet leaves them out
    assert ".cart-row .download-desktop .download-btn-form { display: none; }" in css


def test_paid_passenger_order_offers_the_pdf_once_on_each_boarding_card(paid_order):
    html = _page(paid_order)
    _pretix_downloads_hidden(html)
    assert _cards_download(paid_order, html) == 2


def test_pending_order_downloads_from_its_cards_where_the_event_allows_it(series, sailing, account_shop):
    series.settings.ticket_download_pending = True
    order = numbered(factories.make_order(series, sailing.subevent, [adult(series)], status=Order.STATUS_PENDING))
    html = _page(order)
    _pretix_downloads_hidden(html)
    assert _cards_download(order, html) == 1


def test_pending_order_without_download_keeps_pretixs_page_untouched(series, sailing, account_shop):
    order = factories.make_order(series, sailing.subevent, [adult(series)], status=Order.STATUS_PENDING)
    html = _page(order)
    assert ONE_DOWNLOAD not in html and "/download/" not in html


def test_seat_ticket_downloads_from_its_card(seated):
    _v, event, sailing, products = seated
    enable_accounts(event.organizer, event)
    order = factories.make_order(event, sailing.subevent, [products["Window"]], locale="zh-hans")
    position = order.positions.get()
    position.seat = sailing.subevent.seats.get(seat_guid="d1-r1-s2")
    position.save()
    html = _page(order, "zh-hans")
    _pretix_downloads_hidden(html)
    assert _cards_download(order, html) == 1


def test_charter_ticket_downloads_from_its_card(offer, yacht, mon, charter):
    enable_accounts(charter.organizer, charter)
    cart_id = f"cart-{uuid.uuid4().hex}"
    rental_cart.book(offer, yacht, datetime.combine(mon, time(18, 0), tzinfo=MSK), 180, 6, [], cart_id,
                     charter.organizer.sales_channels.get(identifier="web"))
    positions = [str(p.pk) for p in CartPosition.objects.filter(event=charter, cart_id=cart_id)]
    perform_order(charter.pk, MANUAL, positions, email="guest@example.org", locale="ru", cart_id=cart_id)
    order = Order.objects.get(event=charter)
    order.payments.first().confirm()
    html = _page(order)
    _pretix_downloads_hidden(html)
    assert _cards_download(order, html) == 1


def test_pretixs_ticket_hint_speaks_of_boarding():
    msgid = "Please have your ticket ready when entering the event."
    from django.utils.translation import gettext

    with override("ru"):
        assert gettext(msgid) == "Пожалуйста, предъявите билет при посадке."
    with override("zh-hans"):
        assert "登船" in gettext(msgid)
