"""The Счёт, the Акт and the УПД of a school's order: numbers, dates, parties, VAT line, amount in words, as the
PDF's text (pdftotext) shows them; numbering per organizer and year without gaps; cancelled ones keep theirs."""
import shutil
import subprocess  # nosec B404 # pdftotext on our own PDFs
from datetime import timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.utils import translation
from django.utils.timezone import now
from freezegun import freeze_time

from pretix.base.models import Order

from ..documents import services
from ..documents.models import Document
from ..documents.words import amount_in_words
from .conftest import SCHOOL, b2b_order, mark_paid

pytestmark = pytest.mark.django_db


def pdf_text(doc: Document) -> str:
    with doc.file.open("rb") as f:
        data = f.read()
    assert data.startswith(b"%PDF")
    if shutil.which("pdftotext"):  # poppler-utils, as an accountant's viewer reads it
        out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,  # nosec B603 B607
                             check=True).stdout.decode()
    else:  # without poppler: pypdf, as core's PDF tests
        from pypdf import PdfReader
        out = "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return " ".join(out.replace("\u00a0", " ").split())


def test_invoice_pdf_names_number_date_parties_vat_and_words(school_order):
    doc = services.issue_invoice(school_order)
    text = pdf_text(doc)
    total = Decimal("2") * Decimal("1500.00") + Decimal("3") * Decimal("900.00")
    assert doc.number == 1 and doc.kind == Document.INVOICE and doc.total == total
    assert f"Счёт на оплату № 1 от {doc.data['date_text']}" in text
    assert "ООО «Нева Круиз»" in text and "ИНН 7707083893" in text and "044525225" in text
    assert "40702810438000034726" in text and "30101810400000000225" in text
    assert SCHOOL["name"] in text and "ИНН 7841000026" in text and "КПП 784101001" in text
    vat = sum(p.tax_value for p in school_order.positions.all())
    assert vat > 0
    assert "В том числе НДС 22 %: " + f"{vat:,.2f}".replace(",", " ").replace(".", ",") in text
    assert amount_in_words(total) == "Пять тысяч семьсот рублей 00 копеек"
    assert amount_in_words(total) in text
    assert f"заказ {school_order.code}" in text  # the purpose of payment carries the order code
    assert "Вечерняя прогулка" in text and " 3 шт" in text and " 2 шт" in text


def test_numbers_per_organizer_and_year_without_gaps_and_a_cancelled_one_keeps_its_number(school_order):
    first = services.issue_invoice(school_order)
    second = services.issue_invoice(school_order)  # a new Счёт: the first is cancelled, keeps № 1
    first.refresh_from_db()
    assert (first.number, first.canceled) == (1, True)
    assert (second.number, second.canceled) == (2, False)
    with freeze_time(now() + timedelta(days=400)):
        assert services.issue_invoice(school_order).number == 1  # a new year starts again at 1
    assert Document.objects.filter(order=school_order).count() == 3


def test_act_after_the_last_sailing_dated_that_day(school_order):
    mark_paid(school_order)
    with pytest.raises(services.DocumentError):
        services.issue_closing_document(school_order)  # before the sailing: no act
    sailing_day = services.last_sailing_day(school_order)
    with freeze_time(now() + timedelta(days=11)):
        assert list(services.due_closing_orders()) == [school_order]
        act = services.issue_closing_document(school_order)
        assert list(services.due_closing_orders()) == []
        with pytest.raises(services.DocumentError):
            services.issue_closing_document(school_order)  # one per order
    assert act.kind == Document.ACT and act.date == sailing_day and act.number == 1
    text = pdf_text(act)
    assert f"Акт № 1 от {act.data['date_text']}" in text
    assert "Пять тысяч семьсот рублей 00 копеек" in text and SCHOOL["name"] in text
    assert "претензий" in text


def test_usn_supplier_prints_without_vat_and_its_upd_has_status_2(school_order):
    organizer = school_order.event.organizer
    organizer.settings.set("ticketing_accounting_closing_document", "upd")
    organizer.settings.set("ticketing_accounting_vat_payer", False)
    school_order.positions.update(tax_rate=Decimal("0"), tax_value=Decimal("0"))
    text = pdf_text(services.issue_invoice(school_order))
    assert "Без НДС (УСН)" in text and "В том числе НДС" not in text
    mark_paid(school_order)
    with freeze_time(now() + timedelta(days=11)):
        upd = services.issue_closing_document(school_order)
    assert upd.kind == Document.UPD and upd.upd_status == 2
    text = pdf_text(upd)
    assert "Статус: 2" in text and f"Счёт-фактура № 1 от {upd.data['date_text']}" in text and "без НДС" in text


def test_a_cancelled_order_gets_no_act(school_order):
    school_order.status = Order.STATUS_CANCELED
    school_order.save()
    with freeze_time(now() + timedelta(days=11)):
        assert list(services.due_closing_orders()) == []
        with pytest.raises(services.DocumentError):
            services.issue_closing_document(school_order)


def test_a_refund_is_reflected_in_the_act(school_order):
    mark_paid(school_order)
    school_order.refunds.create(provider="accounting_invoice", amount=Decimal("900.00"), state="done",
                                source="admin", payment=school_order.payments.first())
    with freeze_time(now() + timedelta(days=11)):
        act = services.issue_closing_document(school_order)
    assert act.total == Decimal("4800.00")
    text = pdf_text(act)
    assert "Возвращено заказчику" in text and "Четыре тысячи восемьсот рублей 00 копеек" in text


def test_no_invoice_without_the_supplier_requisites(vat_series):
    event, sailing = vat_series
    event.organizer.settings.set("ticketing_accounting_bank_account", "")
    order = b2b_order(event, sailing.subevent, list(event.items.all()[:1]))
    with translation.override("en"), pytest.raises(services.DocumentError, match="requisites"):
        services.issue_invoice(order)


def test_an_expired_order_cancels_its_invoice_which_keeps_its_number(school_order):
    from pretix.base.services.orders import mark_order_expired

    doc = services.issue_invoice(school_order)
    mark_order_expired(school_order)
    doc.refresh_from_db()
    assert doc.canceled and doc.number == 1 and doc.file
