"""A person walks the whole purchase in the shop offline: two adult tickets, paid at the pier."""
from datetime import timedelta

import pytest
from django.utils.timezone import now

from pretix.base.models import Order

from ticketing_core.models import Sailing
from ticketing_core.services.capacity import sold_places
from ticketing_core.testing import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

def test_guest_buys_two_tickets_and_sees_the_refund_deadline(live_server, browser_page):
    organizer = factories.make_organizer()
    pier = factories.make_pier(organizer)
    vessel = factories.make_vessel(organizer, capacity=12)
    event = factories.make_series(organizer)
    sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(days=3))
    adult = event.items.filter(admission=True).order_by("pk").first()
    page = browser_page

    page.goto(f"{live_server.url}/{organizer.slug}/{event.slug}/{sailing.subevent_id}/")
    page.fill(f"#item_{adult.pk}", "2")
    page.click("#btn-add-to-cart")
    page.get_by_role("button", name="Приступить к оформлению заказа").click()
    page.wait_for_selector("#id_email")  # the account step appears only where customer accounts are on
    page.fill("#id_email", "anna@example.org")
    for field in page.locator("input[name$=attendee_name_parts_0]:visible").all():
        field.fill("Анна Смирнова")
    page.get_by_role("button", name="Продолжить").click()
    page.check("input[name=payment][value=manual]")
    page.get_by_role("button", name="Продолжить").click()
    page.get_by_role("button", name="Создать заказ").click()
    page.wait_for_selector("#ticketing-refund-policy")

    order = Order.objects.get(email="anna@example.org")
    assert order.status == Order.STATUS_PENDING and order.positions.count() == 2
    assert sold_places(Sailing.objects.get(pk=sailing.pk)) == 2
    notice = page.inner_text("#ticketing-refund-policy")
    assert "24 часа" in notice and "UTC+03" in notice
