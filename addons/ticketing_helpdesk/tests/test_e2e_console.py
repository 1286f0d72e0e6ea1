"""In the browser: an agent finds an order by its ticket number and by the customer's phone (typed the Russian
way) and refunds it within the policy from the customer's profile; after the deadline the button is gone and the
reason is shown."""
import os
from datetime import timedelta

import pytest
from django.urls import get_resolver
from django.utils.timezone import now

from pretix.base.models import Order, OrderRefund

from ticketing_core.testing import factories

from .console_fixtures import PASSWORD, later_today, make_order, staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PRICHAL_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"console-{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def _compress_root(tmp_path_factory):
    return str(tmp_path_factory.mktemp("compress-console"))


def test_agent_finds_order_by_phone_and_refunds_within_policy(live_server, browser_page, settings, _compress_root):
    settings.COMPRESS_PRECOMPILERS = settings.COMPRESS_PRECOMPILERS_ORIGINAL
    settings.COMPRESS_ROOT = _compress_root
    assert get_resolver().url_patterns  # load the URLs here, without scopes (see test_e2e_cases)
    organizer = factories.make_organizer()
    series = factories.make_series(organizer)
    boat, pier = factories.make_vessel(organizer), factories.make_pier(organizer)
    sailing = factories.make_sailing(series, boat, pier, now() + timedelta(days=3))
    too_late = factories.make_sailing(series, boat, pier, now() + timedelta(hours=20))
    order = make_order(sailing, phone="+79161234567", name="Анна Смирнова")
    late_order = make_order(too_late, phone="+79161234567", name="Анна Смирнова")
    staff(organizer, "support_agent", "agent@example.org")
    page = browser_page

    page.goto(f"{live_server.url}/control/login")
    page.fill("input[name=email]", "agent@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.goto(f"{live_server.url}/control/organizer/{organizer.slug}/helpdesk/console/")
    # the ticket number as printed on the customer's ticket ("QK7AR-1"), typed into the visible search field
    page.fill("#console-q", f"{order.code}-1")
    page.locator(".ticketing-console-search button[type=submit]").click()
    page.wait_for_selector(".ticketing-console-orders")
    found = page.inner_text(".ticketing-console-orders")
    assert order.code in found and late_order.code not in found
    shot(page, "00-search-by-ticket-number")
    page.fill("#console-q", "8 (916) 123-45-67")
    page.locator(".ticketing-console-search button[type=submit]").click()
    page.wait_for_selector(".ticketing-console-orders")
    text = page.inner_text(".ticketing-console-orders")
    assert order.code in text and late_order.code in text
    shot(page, "01-search-by-phone")

    page.locator(".ticketing-console-customers a").first.click()
    page.wait_for_selector(".ticketing-profile-orders")
    late_row = page.locator(f"tr[data-code='{late_order.code}']")
    assert late_row.locator(".ticketing-refund-link").count() == 0  # less than 24 hours before departure
    assert "24" in late_row.inner_text()
    shot(page, "02-profile")

    page.locator(f"tr[data-code='{order.code}'] .ticketing-refund-link").click()
    page.wait_for_selector(".ticketing-refund-form")
    shot(page, "03-refund-page")
    page.locator(".ticketing-refund-order").click()
    page.wait_for_selector(".alert-success")
    assert "2" in page.inner_text(".alert-success")
    shot(page, "04-refunded")

    # pretix's order page of the order too close to departure: the panel gives the reason, no refund button
    page.goto(f"{live_server.url}/control/event/{organizer.slug}/{series.slug}/orders/{late_order.code}/")
    page.wait_for_selector("#ticketing-support")
    assert page.locator("#ticketing-support .ticketing-support-refund").count() == 0
    assert "24" in page.inner_text("#ticketing-support .ticketing-support-no-refund")
    page.locator("#ticketing-support").scroll_into_view_if_needed()
    shot(page, "05-order-page-panel")

    order.refresh_from_db()
    late_order.refresh_from_db()
    assert order.status == Order.STATUS_CANCELED
    assert order.refunds.get().source == OrderRefund.REFUND_SOURCE_ADMIN
    assert late_order.status == Order.STATUS_PAID and not late_order.refunds.exists()

    # an administrator sees the refund in the audit trail (who, from where) and gives a team a role
    factories.make_admin(organizer, "boss@example.org")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/control/login")
    page.fill("input[name=email]", "boss@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.goto(f"{live_server.url}/control/organizer/{organizer.slug}/helpdesk/audit/"
              f"?action=ticketing_helpdesk.refund")
    page.wait_for_selector(".ticketing-audit-table")
    row = page.inner_text(".ticketing-audit-table tbody tr")
    assert "agent@example.org" in row and "127.0.0.1" in row and order.code in row
    shot(page, "06-audit")
    page.goto(f"{live_server.url}/control/organizer/{organizer.slug}/helpdesk/roles/")
    page.check("input[name=role][value=boarding]")
    page.locator(".ticketing-role-form button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    assert "Сотрудник посадки" in page.inner_text(".ticketing-role-teams")
    shot(page, "07-roles")

    # boarding staff open today's manifest
    other_boat = factories.make_vessel(organizer, "Нева-2")
    today = factories.make_sailing(series, other_boat, pier, later_today())
    make_order(today, phone="+79035550011", name="Пётр Иванов")
    staff(organizer, "boarding", "boarding@example.org")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/control/login")
    page.fill("input[name=email]", "boarding@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.goto(f"{live_server.url}/control/organizer/{organizer.slug}/helpdesk/manifest/")
    page.locator(".ticketing-manifest-sailings a").first.click()
    page.wait_for_selector(".ticketing-manifest")
    assert "Пётр Иванов" in page.inner_text(".ticketing-manifest")
    shot(page, "08-manifest")
