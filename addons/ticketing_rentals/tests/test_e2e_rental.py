"""A customer books the yacht for two hours in the shop and pays at the pier: the whole charter path in Chromium."""
import os
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from pretix.base.models import Order, Question

from ticketing_core.models import Vessel
from ticketing_core.testing import factories
from ticketing_core.testing.factories import MSK
from ticketing_rentals import testing as rental_testing
from ticketing_rentals.models import VesselOccupancy
from ticketing_rentals.testing import RATES, monday

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
# screenshots to look at, kept out of git (var/ is ignored)
SHOTS = os.environ.get("PRICHAL_SCREENSHOTS", str(Path(__file__).resolve().parents[3] / "var" / "screenshots"))


def shot(page, name: str) -> None:
    os.makedirs(SHOTS, exist_ok=True)
    page.screenshot(path=os.path.join(SHOTS, f"rental-{name}.png"), full_page=True)


def test_customer_books_the_yacht_for_two_hours(live_server, browser_page):
    organizer = factories.make_organizer()
    yacht = factories.make_vessel(organizer, "Аврора", capacity=12, reg="ЯХТ-1")
    yacht.vessel_type = Vessel.TYPE_YACHT
    yacht.save()
    event = rental_testing.make_rental_event(organizer)
    offer = rental_testing.make_rental_offer(event, {yacht: 10}, rates=RATES, pier=factories.make_pier(organizer))
    contact = Question.objects.create(event=event, question={"ru": "Контактное лицо на борту"}, type="S",
                                      required=True)
    contact.items.add(offer.item)
    day = monday()
    page = browser_page

    page.goto(f"{live_server.url}/{organizer.slug}/{event.slug}/")
    page.wait_for_selector(".charter-form")

    def rerender(action):
        """Each choice re-renders the form on the server (free times, price); wait until it is back."""
        with page.expect_response(lambda r: "fragment=1" in r.url):
            action()
        page.wait_for_timeout(100)

    rerender(lambda: (page.fill("#id_date", day.isoformat()), page.dispatch_event("#id_date", "change")))
    rerender(lambda: page.select_option("#id_duration", "120"))
    start = datetime.combine(day, time(12, 0), tzinfo=MSK)
    rerender(lambda: page.locator(f".charter-slot:has(input[value='{start.isoformat()}'])").click())
    rerender(lambda: (page.fill("#id_guests", "6"), page.dispatch_event("#id_guests", "change")))
    quote = page.inner_text(".charter-quote").replace("\xa0", " ").replace("\u202f", " ")
    assert "10 000,00" in quote and "12:00–14:00" in quote, quote  # 2 h × 5 000 ₽, the weekday daytime rate
    shot(page, "1-form")

    page.get_by_role("button", name="Забронировать и продолжить").click()
    page.wait_for_selector("#id_email")
    page.fill("#id_email", "olga@example.org")
    consent = page.locator("#id_ticketing_privacy_consent")
    if consent.count():
        consent.check()
    page.locator("input[name$='question_%d']" % contact.pk).fill("Ольга Иванова")
    shot(page, "2-questions")
    page.get_by_role("button", name="Продолжить").click()
    page.check("input[name=payment][value=manual]")
    page.get_by_role("button", name="Продолжить").click()
    shot(page, "3-confirm")
    assert "12:00–14:00" in page.inner_text(".charter-summary")
    page.get_by_role("button", name="Создать заказ").click()
    page.wait_for_selector("#ticketing-refund-policy")
    shot(page, "4-order")

    order = Order.objects.get(email="olga@example.org")
    assert order.total == Decimal("10000.00")
    charter = VesselOccupancy.objects.get(order_position__order=order)
    assert charter.kind == VesselOccupancy.KIND_RENTAL and charter.vessel == yacht and charter.guests == 6
    assert charter.starts_at == start and charter.ends_at - charter.starts_at == timedelta(hours=2)
    notice = page.inner_text("#ticketing-refund-policy")
    assert (start - timedelta(hours=24)).astimezone(MSK).strftime("%H:%M") in notice
