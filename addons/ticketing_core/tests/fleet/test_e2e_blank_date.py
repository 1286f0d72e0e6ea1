"""In the browser: staff create a sailing on pretix's blank date form by typing the date and choosing the vessel
and the pier only; pretix's quota panel stays untouched and the sailing gets the capacity guard's quota."""
import os
from datetime import timedelta

import pytest
from django.urls import get_resolver
from django.utils.timezone import now

from ticketing_core.models import Sailing
from ticketing_core.testing import factories

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PRICHAL_SCREENSHOTS", "")


@pytest.fixture(scope="session")
def _compress_root(tmp_path_factory):
    return str(tmp_path_factory.mktemp("compress-blank-date"))


def test_staff_create_a_sailing_with_date_vessel_and_pier(live_server, browser_page, settings, _compress_root):
    settings.COMPRESS_PRECOMPILERS = settings.COMPRESS_PRECOMPILERS_ORIGINAL
    settings.COMPRESS_ROOT = _compress_root
    assert get_resolver().url_patterns
    organizer = factories.make_organizer()
    series = factories.make_series(organizer)
    boat, pier = factories.make_vessel(organizer), factories.make_pier(organizer)
    earlier = factories.make_sailing(series, boat, pier, now() + timedelta(days=2))
    factories.make_admin(organizer)
    page = browser_page
    page.goto(f"{live_server.url}/control/login")
    page.fill("input[name=email]", "admin@example.org")
    page.fill("input[name=password]", "admin-password-123")
    page.locator("button[type=submit]").first.click()
    page.goto(f"{live_server.url}/control/event/{organizer.slug}/{series.slug}/subevents/add")
    day = (now() + timedelta(days=9)).astimezone(factories.MSK)
    if not page.input_value("#id_name_0"):
        page.fill("#id_name_0", "Вечерняя прогулка")
    page.fill("#id_date_from_0", day.strftime("%d.%m.%Y"))
    page.keyboard.press("Escape")  # closes pretix's date picker
    page.fill("#id_date_from_1", "19:00")
    page.keyboard.press("Escape")
    page.select_option("#id_ticketing_sailing-vessel", str(boat.pk))
    page.select_option("#id_ticketing_sailing-departure_pier", str(pier.pk))
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "blank-date-form.png"), full_page=True)
    page.get_by_role("button", name="Сохранить").click()
    page.wait_for_load_state()
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "blank-date-after.png"), full_page=True)
    assert "Пожалуйста, отправьте" not in page.content()
    new = Sailing.objects.filter(event=series).exclude(pk=earlier.pk).get()
    assert new.start.astimezone(factories.MSK).strftime("%d.%m %H:%M") == day.strftime("%d.%m 19:00")
    assert new.vessel == boat and list(new.subevent.quotas.all()) == [new.quota] and new.quota.size == 60
