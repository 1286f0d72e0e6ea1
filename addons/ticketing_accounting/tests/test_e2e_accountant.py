"""In the browser, as the accountant: the Accounting menu, every register of the demo month, and the bank
statement import that pays the school's order."""
import os
from pathlib import Path

import pytest

from pretix.base.models import Order, Team, User

from ticketing_core.demo import DemoContext, _Tally

from ..demo import SCHOOL_CODE, loaders
from ..permissions import BANK_IMPORT, DOCUMENTS, REGISTERS

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("PRICHAL_SCREENSHOTS", "")
SAMPLE = Path(__file__).resolve().parents[1] / "bankimport" / "samples" / "statement_demo.txt"
PASSWORD = "accountant-password-123"  # noqa: S105 - a test user's password


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture(scope="session")
def _compress_root(tmp_path_factory):
    return str(tmp_path_factory.mktemp("compress"))


def test_the_accountant_reads_the_registers_and_imports_the_statement(live_server, browser_page, settings,
                                                                      _compress_root, organizer, series, sailing):
    settings.COMPRESS_PRECOMPILERS = settings.COMPRESS_PRECOMPILERS_ORIGINAL
    settings.COMPRESS_ROOT = _compress_root
    context = DemoContext(organizer=organizer, tally=_Tally(), events=[series])
    for loader in loaders():
        loader.load(context)
    user = User.objects.create_user("buh@example.org", PASSWORD, fullname="Марина Бухова")
    user.locale = "ru"
    user.save()
    team = Team.objects.create(organizer=organizer, name="Бухгалтер", all_events=True,
                               limit_organizer_permissions={REGISTERS: True, BANK_IMPORT: True, DOCUMENTS: True},
                               limit_event_permissions={"event.orders:read": True})
    team.members.add(user)
    page = browser_page
    page.goto(f"{live_server.url}/control/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("button[type=submit]").first.click()
    page.goto(f"{live_server.url}/control/organizer/{organizer.slug}/")
    page.get_by_role("link", name="Бухгалтерия").first.click()
    page.wait_for_selector(".ticketing-register-table")
    for tab, name in (("Реестр оплат и возвратов", "payments"), ("Авансы и реализация", "advances"),
                      ("Итоги дня по способам оплаты и ставкам НДС", "daily"), ("Сверка с ЮKassa", "yookassa")):
        page.locator(".nav-tabs").get_by_role("link", name=tab).click()
        page.wait_for_selector(".ticketing-register-totals")
        assert page.locator(".ticketing-register-table tbody tr").count() > 1, name
        shot(page, f"accounting-{name}")
    page.get_by_role("link", name="Загрузка банковской выписки").first.click()
    page.set_input_files("input[name=statement]", str(SAMPLE))
    page.locator(".ticketing-bankimport-upload button[type=submit]").click()
    page.wait_for_selector(".alert-success")
    assert "подтверждено 1" in page.inner_text(".alert-success")
    shot(page, "accounting-statement")
    assert Order.objects.get(code=SCHOOL_CODE).status == Order.STATUS_PAID
    page.get_by_role("link", name="Назад к загрузке выписки").click()
    page.wait_for_selector(".ticketing-bankimport-unmatched")
    shot(page, "accounting-bankimport")
