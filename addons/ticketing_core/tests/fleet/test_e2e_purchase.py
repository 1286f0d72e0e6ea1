"""A person walks the whole purchase in the shop offline: two adult tickets, paid at the pier."""
from datetime import timedelta

import pytest
from django.utils.timezone import now

from pretix.base.models import Order

from ticketing_core.fleet.capacity import sold_places
from ticketing_core.models import Sailing
from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import checkout_as_guest

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

def test_guest_buys_two_tickets_and_sees_the_refund_deadline(live_server, browser_page):
    organizer = factories.make_organizer()
    pier = factories.make_pier(organizer)
    vessel = factories.make_vessel(organizer, capacity=12)
    event = factories.make_series(organizer)
    sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(days=3))
    adult = event.items.filter(admission=True).order_by("pk").first()
    page = browser_page

    checkout_as_guest(page, live_server.url, sailing, adult, 2, "manual")
    page.wait_for_selector("#ticketing-refund-policy")

    order = Order.objects.get(email="anna@example.org")
    assert order.status == Order.STATUS_PENDING and order.positions.count() == 2
    assert sold_places(Sailing.objects.get(pk=sailing.pk)) == 2
    notice = page.inner_text("#ticketing-refund-policy")
    assert "24 часа" in notice and "UTC+03" in notice
