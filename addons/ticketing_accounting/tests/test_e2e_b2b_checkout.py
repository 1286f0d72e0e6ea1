"""
In a browser, in Russian: a school's accountant buys three tickets as an organisation, first with a mistyped ИНН
(refused at the field, naming it), then correctly; pays by bank invoice and downloads the Счёт from the order page.
Screenshots go to $PRICHAL_SHOTS (default /tmp/prichal-shots/accounting), never into git.
"""
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils.timezone import now

from pretix.base.models import InvoiceAddress, Order

from ticketing_core.testing import factories

from ..documents.models import Document
from .conftest import SCHOOL, configure_supplier

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("PRICHAL_SHOTS") or Path(tempfile.gettempdir()) / "prichal-shots" / "accounting")


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_school_buys_as_an_organisation_and_gets_its_invoice(live_server, browser_page):
    organizer = factories.make_organizer()
    configure_supplier(organizer)
    event = factories.make_series(organizer)
    event.settings.set("payment_accounting_invoice__enabled", True)
    sailing = factories.make_sailing(event, factories.make_vessel(organizer, capacity=40),
                                     factories.make_pier(organizer), now() + timedelta(days=10))
    adult = event.items.filter(admission=True).order_by("pk").first()
    page = browser_page

    page.goto(f"{live_server.url}/{organizer.slug}/{event.slug}/{sailing.subevent_id}/")
    page.fill(f"#item_{adult.pk}", "3")
    page.click("#btn-add-to-cart")
    page.get_by_role("button", name="Приступить к оформлению заказа").click()
    page.wait_for_selector("#id_email, input[name=customer_mode][value=guest]")
    if page.locator("input[name=customer_mode][value=guest]").count():
        page.check("input[name=customer_mode][value=guest]")
        page.get_by_role("button", name="Продолжить").click()
        page.wait_for_selector("#id_email")
    page.fill("#id_email", "buh@school239.example")
    consent = page.locator("#id_ticketing_privacy_consent")
    if consent.count():
        consent.check()
    for field in page.locator("input[name$=attendee_name_parts_0]:visible").all():
        field.fill("Смирнова Елена")
    assert not page.locator("#id_ticketing_b2b_inn").is_visible()  # shown only for a purchase as an organisation
    page.check("#id_ticketing_b2b")
    page.fill("#id_ticketing_b2b_name", SCHOOL["name"])
    page.fill("#id_ticketing_b2b_inn", "7841000027")  # one digit wrong
    page.fill("#id_ticketing_b2b_address", SCHOOL["legal_address"])
    page.fill("#id_ticketing_b2b_email", SCHOOL["documents_email"])
    page.get_by_role("button", name="Продолжить").click()
    page.wait_for_selector(".has-error")
    errors = " ".join(page.locator(".has-error").all_inner_texts())
    assert "ИНН" in errors and "контрольн" in errors.lower() and "КПП" in errors
    _shot(page, "b2b-checkout-errors")

    page.fill("#id_ticketing_b2b_inn", SCHOOL["inn"])
    page.fill("#id_ticketing_b2b_kpp", SCHOOL["kpp"])
    page.get_by_role("button", name="Продолжить").click()
    page.check("input[name=payment][value=accounting_invoice]")
    _shot(page, "b2b-checkout-payment")
    page.get_by_role("button", name="Продолжить").click()
    page.get_by_role("button", name="Создать заказ").click()
    page.wait_for_selector("#ticketing-accounting-documents")
    _shot(page, "b2b-order-page")

    order = Order.objects.get(email="buh@school239.example")
    assert order.status == Order.STATUS_PENDING
    address = InvoiceAddress.objects.get(order=order)
    assert (address.vat_id, address.is_business) == (SCHOOL["inn"], True)
    assert order.ticketing_b2b_buyer.kpp == SCHOOL["kpp"]
    assert order.expires <= sailing.subevent.date_from - timedelta(hours=24)
    doc = Document.objects.get(order=order, kind=Document.INVOICE)
    with page.expect_download() as download:
        page.get_by_text(f"Счёт на оплату № {doc.number}").click()
    assert download.value.suggested_filename == doc.filename()
