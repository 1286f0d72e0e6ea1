"""
An operator cancels a sailing for the weather as a person does in the back office (marker ``journey``, in ``make
test``): logs in, opens the event from pretix's menu, the sailings from the event's menu, presses "Cancel sailing",
types the reason and confirms; the customer's e-mail (Django's test outbox) names the sailing's date, time and
reason.
"""
# ruff: noqa: F811 - the journey_browser fixture imported from ticketing_core.testing.journeys is an argument
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils.timezone import now
from django.utils.translation import gettext, override

from pretix.base.models import Order

from ticketing_core.models import Sailing
from ticketing_core.testing import factories
from ticketing_core.testing.journeys import Person, journey_browser  # noqa: F401 - fixture

pytestmark = [pytest.mark.e2e, pytest.mark.journey, pytest.mark.django_db(transaction=True)]
REASON = "Штормовое предупреждение МЧС: ветер до 18 м/с"


def test_operator_cancels_a_sailing_for_weather_from_the_menus_and_the_customer_is_told(live_server,
                                                                                       journey_browser, settings):
    from django.urls import get_resolver

    settings.SITE_URL = live_server.url  # pretix's back office polls its task at the site's address

    assert get_resolver().url_patterns  # import every URL module here, where scopes are off
    organizer = factories.make_organizer()
    admin = factories.make_admin(organizer)
    admin.locale = "ru"
    admin.save()
    event = factories.make_series(organizer)
    sailing = factories.make_sailing(event, factories.make_vessel(organizer), factories.make_pier(organizer),
                                     now() + timedelta(days=2))
    adult = event.items.filter(admission=True).order_by("pk").first()
    order = factories.make_order(event, sailing.subevent, [adult, adult], email="anna@example.org")
    with override("ru"):
        events, sailings = gettext("Events"), gettext("Sailings")
        cancel, confirm = gettext("Cancel sailing"), gettext("Cancel sailing and refund all orders")
    mail.outbox = []

    person = Person(journey_browser, "ru", "desktop", "weather-ru-desktop")
    page = person.page
    page.goto(f"{live_server.url}/control/login")
    person.type(page.locator("input[name=email]"), admin.email)
    person.type(page.locator("input[name=password]"), "admin-password-123")
    person.press(page.locator("form button[type=submit]"))
    page.wait_for_url(lambda url: "/control/login" not in url)
    person.press(page.locator("#side-menu").get_by_role("link", name=events, exact=True))
    person.press(page.get_by_role("link", name="Вечерняя прогулка"))
    person.press(page.locator("#side-menu").get_by_role("link", name=sailings, exact=True))
    page.wait_for_load_state()
    person.shot("sailings")
    page.wait_for_selector("table")
    person.press(page.get_by_role("link", name=cancel))
    person.type(page.locator("#id_reason"), REASON)
    person.press(page.locator("#id_confirm"))
    person.shot("cancel-form")
    person.press(page.get_by_role("button", name=confirm))
    page.wait_for_url(re.compile(r"/sailings/$"))
    page.wait_for_selector(".alert-success")
    person.shot("cancelled")
    assert REASON in page.inner_html("body") or page.locator(".label-danger").count()
    person.close()

    sailing.refresh_from_db()
    assert Sailing.objects.get(pk=sailing.pk).cancel_reason == REASON
    assert Order.objects.get(pk=order.pk).status == Order.STATUS_CANCELED
    notice = next(m for m in mail.outbox if m.to == ["anna@example.org"] and REASON in m.body)
    start = sailing.start.astimezone(factories.MSK)
    assert start.strftime("%d.%m.%Y") in notice.body and start.strftime("%H:%M") in notice.body
    assert f"Причина: {REASON}" in notice.body
