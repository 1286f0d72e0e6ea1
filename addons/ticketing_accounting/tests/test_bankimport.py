"""
Importing a statement: an exact payment confirms its order through pretix (tickets, e-mail), a second import of
the same statement confirms nothing, other payments wait for a person; a wrong file changes nothing.
"""
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pretix.base.models import LogEntry, Order, OrderPayment

from ..bankimport import services
from ..bankimport.models import BankPayment, StatementImport
from ..bankimport.parser import StatementError
from .conftest import pending_order
from .statements import document, statement


def _import(organizer, raw, user=None):
    return services.import_statement(organizer, raw, "statement.txt", user)


@pytest.mark.django_db
def test_an_exact_payment_confirms_the_order_once_however_often_the_statement_comes(organizer, transfer_order):
    raw = statement(document("412", transfer_order.total, f"Оплата по счёту, заказ {transfer_order.code}. Без НДС"))
    mail.outbox.clear()
    first = _import(organizer, raw)
    transfer_order.refresh_from_db()
    assert first.counts["matched"] == 1 and transfer_order.status == Order.STATUS_PAID
    payment = transfer_order.payments.get(state=OrderPayment.PAYMENT_STATE_CONFIRMED)
    assert payment.provider == "banktransfer" and payment.amount == Decimal("3300.00")
    assert payment.info_data["bank_document"]["number"] == "412"
    assert payment.payment_date.date().isoformat() == "2026-12-05" or payment.payment_date is not None
    assert any(transfer_order.code in m.subject or transfer_order.code in m.body for m in mail.outbox)

    second = _import(organizer, raw)
    assert second.counts == {"matched": 0, "partial": 0, "over": 0, "unmatched": 0, "duplicate": 1}
    assert transfer_order.payments.filter(state=OrderPayment.PAYMENT_STATE_CONFIRMED).count() == 1
    assert BankPayment.objects.filter(organizer=organizer).count() == 1
    assert StatementImport.objects.get(pk=second.statement.pk).duplicate == 1


@pytest.mark.django_db(transaction=False)
def test_results_are_counted_for_monitoring(organizer, transfer_order, monkeypatch, django_capture_on_commit_callbacks):
    from ..bankimport import metrics

    seen = []
    monkeypatch.setattr(metrics.bank_import_documents, "inc", lambda n=1, **labels: seen.append((labels, n)))
    monkeypatch.setattr(metrics.bank_import_files, "inc", lambda n=1, **labels: seen.append((labels, n)))
    raw = statement(document("1", transfer_order.total, f"Заказ {transfer_order.code}"), document("2", "5.00", "x"))
    with django_capture_on_commit_callbacks(execute=True):
        _import(organizer, raw)
    with django_capture_on_commit_callbacks(execute=True):
        _import(organizer, raw)
    with pytest.raises(StatementError):
        _import(organizer, b"not a statement")
    assert seen == [({"result": "imported"}, 1), ({"result": "matched"}, 1), ({"result": "unmatched"}, 1),
                    ({"result": "imported"}, 1), ({"result": "duplicate"}, 2), ({"result": "rejected"}, 1)]


@pytest.mark.django_db
def test_codes_typed_by_a_bank_clerk_are_found(organizer, transfer_order):
    cyrillic = transfer_order.code.lower().translate(str.maketrans("abekmhopctyx", "авекмнорстух"))
    raw = statement(document("9", transfer_order.total, f"заказ №{cyrillic}, группа 3А"))
    assert _import(organizer, raw).counts["matched"] == 1


@pytest.mark.django_db
def test_partial_over_and_unknown_payments_wait_for_a_person(organizer, bank_event, sailing, transfer_order):
    items = list(bank_event.items.order_by("pk"))
    other = pending_order(bank_event, sailing.subevent, [items[0]], email="agency@example.org")
    raw = statement(
        document("1", transfer_order.total - Decimal("300.00"), f"Заказ {transfer_order.code}, частично"),
        document("2", other.total + Decimal("0.01"), f"Заказ {other.code}"),
        document("3", "5400.00", "Предоплата по договору 15/2026", inn="7802123458"),
        document("4", "100.00", "Возврат займа", incoming=False),
    )
    counts = _import(organizer, raw).counts
    assert counts == {"matched": 0, "partial": 1, "over": 1, "unmatched": 1, "duplicate": 0}
    states = dict(BankPayment.objects.values_list("number", "state"))
    assert states == {"1": "partial", "2": "over", "3": "unmatched"}
    transfer_order.refresh_from_db()
    other.refresh_from_db()
    assert transfer_order.status == other.status == Order.STATUS_PENDING
    assert not OrderPayment.objects.filter(state=OrderPayment.PAYMENT_STATE_CONFIRMED).exists()


@pytest.mark.django_db
def test_a_person_assigns_and_ignores(organizer, admin, transfer_order):
    raw = statement(document("3", transfer_order.total, "Оплата за экскурсию без кода"),
                    document("5", "10.00", "Ошибочный платёж", inn="7802123458"))
    _import(organizer, raw)
    unknown = BankPayment.objects.get(number="3")
    services.assign(unknown, transfer_order, admin)
    transfer_order.refresh_from_db()
    assert transfer_order.status == Order.STATUS_PAID
    assert LogEntry.objects.filter(action_type="ticketing_accounting.bankimport.assigned").exists()
    with pytest.raises(ValueError):
        services.assign(BankPayment.objects.get(number="3"), transfer_order, admin)  # dealt with already
    stray = services.ignore(BankPayment.objects.get(number="5"), admin)
    assert stray.state == BankPayment.STATE_IGNORED and stray.resolved_by == admin
    assert transfer_order.payments.filter(state=OrderPayment.PAYMENT_STATE_CONFIRMED).count() == 1


@pytest.mark.django_db
def test_a_malformed_file_changes_nothing(organizer, transfer_order):
    good = document("412", transfer_order.total, f"Заказ {transfer_order.code}")
    broken = statement(good).replace("КонецФайла".encode("cp1251"), b"")
    with pytest.raises(StatementError):
        _import(organizer, broken)
    transfer_order.refresh_from_db()
    assert transfer_order.status == Order.STATUS_PENDING
    assert not StatementImport.objects.exists() and not BankPayment.objects.exists()


@pytest.mark.django_db
def test_the_upload_page_answers_a_wrong_file_with_its_line_and_a_large_one_with_a_limit(
        organizer, admin_client, transfer_order, monkeypatch):
    url = reverse("plugins:ticketing_accounting:bankimport", kwargs={"organizer": organizer.slug})
    assert admin_client.get(url).status_code == 200
    bad = SimpleUploadedFile("vypiska.txt", b"1CClientBankExchange\r\nVersion 1.03\r\n")
    r = admin_client.post(url, {"statement": bad})
    assert r.status_code == 400
    assert "ticketing-bankimport-error" in r.content.decode() and " 2" in r.content.decode()
    monkeypatch.setattr("ticketing_accounting.bankimport.views.MAX_UPLOAD", 100)
    big = SimpleUploadedFile("big.txt", statement(document("1", "1.00", "x")))
    r = admin_client.post(url, {"statement": big})
    assert r.status_code == 400 and not StatementImport.objects.exists()
    monkeypatch.undo()
    good = SimpleUploadedFile("ok.txt", statement(document("412", transfer_order.total,
                                                            f"Заказ {transfer_order.code}")))
    r = admin_client.post(url, {"statement": good})
    assert r.status_code == 302
    page = admin_client.get(r["Location"])
    assert page.status_code == 200 and transfer_order.code in page.content.decode()
