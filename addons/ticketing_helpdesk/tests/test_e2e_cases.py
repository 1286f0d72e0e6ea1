"""In the browser: a customer writes through the contact form, an agent answers in the back office, and the
customer sees the reply on the page our e-mail links to."""
import os

import pytest
from django.core import mail

from ticketing_core.testing import factories

from ..models import SupportCase
from .cases_fixtures import PASSWORD, make_staff

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PRICHAL_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def _compress_root(tmp_path_factory):
    return str(tmp_path_factory.mktemp("compress"))


def test_agent_answers_a_case_and_the_customer_sees_the_reply(live_server, browser_page, settings, _compress_root):
    settings.SITE_URL = live_server.url  # the link in the e-mail leads to this server
    # pretix's test settings skip compiling its SCSS; compiled, the screenshots show the real pages
    settings.COMPRESS_PRECOMPILERS = settings.COMPRESS_PRECOMPILERS_ORIGINAL
    settings.COMPRESS_ROOT = _compress_root
    organizer = factories.make_organizer()
    make_staff(organizer, "agent@example.org", {"organizer.cases:read": True, "organizer.cases:write": True},
               name="Ольга Агентова")
    page = browser_page

    # the customer writes to us
    page.goto(f"{live_server.url}/{organizer.slug}/support/")
    page.fill("#id_name", "Анна Смирнова")
    page.fill("#id_email", "anna@example.org")
    page.select_option("#id_category", "accessibility")
    page.fill("#id_subject", "Коляска на борту")
    page.fill("#id_body", "Можно ли подняться на борт с инвалидной коляской?")
    page.check("#id_consent")
    shot(page, "01-contact-form")
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_selector(".alert-success")
    shot(page, "01b-contact-sent")
    case = SupportCase.objects.get()
    # the page does not show the case's link: it comes by e-mail, to the address given
    assert case.status == "new" and f"/support/{case.number}/" not in page.content()
    assert mail.outbox and mail.outbox[-1].to == ["anna@example.org"]
    customer_page = next(word for word in mail.outbox[-1].body.split() if f"/support/{case.number}/" in word)
    page.goto(customer_page)
    page.wait_for_selector("#case-conversation")

    # the agent answers in the back office
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/control/login")
    page.fill("input[name=email]", "agent@example.org")
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.goto(f"{live_server.url}/control/organizer/{organizer.slug}/cases/")
    page.wait_for_selector("#case-list")
    shot(page, "02-case-list")
    page.click(f"#case-list a:has-text('{case.reference}')")
    page.wait_for_selector("#reply-form")
    page.fill("#id_reply-body", "Да, на «Неве-1» есть пандус и широкий проход. Подойдите к причалу за 20 минут.")
    page.locator("#reply-form button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    assert "Ждём клиента" in page.inner_text("#case-status")
    shot(page, "03-case-answered")
    case.refresh_from_db()
    assert case.status == "waiting" and case.first_response_at is not None
    assert mail.outbox and mail.outbox[-1].to == ["anna@example.org"]
    assert customer_page in mail.outbox[-1].body  # the e-mail links to the customer's page

    # the customer follows the link from the e-mail and sees the reply
    page.context.clear_cookies()
    page.goto(customer_page)
    conversation = page.inner_text("#case-conversation")
    assert "есть пандус" in conversation
    shot(page, "04-customer-sees-reply")
