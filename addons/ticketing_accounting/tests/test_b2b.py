"""The buyer as an organisation: the checkout fields' checks, what is stored where (the contract with the
registers: ИНН in pretix's invoice address), the payment term and refunds of a bank-invoice order."""
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.utils import translation
from django.utils.timezone import now
from freezegun import freeze_time

from pretix.base.models import InvoiceAddress, OrderRefund
from pretix.base.payment import PaymentException

from ticketing_core.testing import factories

from ..b2b import services
from ..b2b.checkout import FIELD, b2b_fields, initial_from_account, requisites_from, sub
from ..payment import InvoicePayment
from .conftest import SCHOOL, mark_paid


class ContactForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(b2b_fields())


def form(**values):
    data = {FIELD: "on", sub("name"): SCHOOL["name"], sub("inn"): SCHOOL["inn"], sub("kpp"): SCHOOL["kpp"],
            sub("address"): SCHOOL["legal_address"], sub("email"): SCHOOL["documents_email"]}
    data.update(values)
    return ContactForm(data={k: v for k, v in data.items() if v is not None})


def test_a_private_buyer_fills_in_nothing():
    f = ContactForm(data={})
    assert f.is_valid() and f.cleaned_data[FIELD] is False


def test_complete_requisites_are_accepted_and_normalised():
    f = form(**{sub("inn"): "7841 000026"})
    assert f.is_valid(), f.errors
    assert requisites_from(f.cleaned_data)["inn"] == "7841000026"


def test_a_wrong_inn_is_refused_at_its_field_naming_it():
    f = form(**{sub("inn"): "7841000027"})
    assert not f.is_valid()
    assert "ИНН" in f.errors[sub("inn")][0]


def test_an_organisation_needs_a_kpp_and_a_sole_proprietor_has_none():
    f = form(**{sub("kpp"): ""})
    assert not f.is_valid() and "КПП" in " ".join(f.errors[FIELD])
    f = form(**{sub("inn"): "500100732259"})
    assert not f.is_valid() and "КПП" in " ".join(f.errors[FIELD])
    assert form(**{sub("inn"): "500100732259", sub("kpp"): ""}).is_valid()
    f = form(**{sub("kpp"): "78410100"})
    assert not f.is_valid() and "КПП" in f.errors[sub("kpp")][0]


def test_missing_requisites_are_named():
    f = form(**{sub("name"): "", sub("email"): ""})
    with translation.override("en"):
        assert not f.is_valid()
    text = " ".join(f.errors[FIELD])
    assert "Organisation or sole proprietor" in text and "E-mail for documents" in text


@pytest.mark.django_db
def test_the_inn_is_stored_in_pretixs_invoice_address_and_the_rest_with_the_order(school_order):
    address = InvoiceAddress.objects.get(order=school_order)
    assert (address.is_business, address.company, address.vat_id) == (True, SCHOOL["name"], SCHOOL["inn"])
    buyer = school_order.ticketing_b2b_buyer
    assert (buyer.kpp, buyer.documents_email) == (SCHOOL["kpp"], SCHOOL["documents_email"])


@pytest.mark.django_db
def test_a_customer_account_starts_from_its_last_requisites(school_order):
    customer = school_order.event.organizer.customers.create(email="buh@school239.example", is_active=True)
    assert initial_from_account(customer) == {}
    buyer = school_order.ticketing_b2b_buyer
    buyer.customer = customer
    buyer.save()
    assert initial_from_account(customer)[sub("inn")] == SCHOOL["inn"]


@pytest.mark.django_db
def test_payment_term_is_five_banking_days(school_order):
    msk = ZoneInfo("Europe/Moscow")
    with freeze_time(datetime(2026, 12, 7, 10, 0, tzinfo=msk)):  # Monday; the sailing is weeks later
        sailing = school_order.positions.first().subevent
        sailing.date_from = datetime(2027, 2, 1, 12, 0, tzinfo=msk)
        sailing.save()
        assert services.invoice_payment_deadline(school_order) == datetime(2026, 12, 14, 23, 59, 59, tzinfo=msk)
        school_order.event.organizer.settings.set("ticketing_accounting_payment_term_days", 2)
        assert services.invoice_payment_deadline(school_order).date() == datetime(2026, 12, 9).date()


@pytest.mark.django_db
def test_payment_term_never_passes_the_refund_deadline(school_order):
    sailing = school_order.positions.first().subevent
    sailing.date_from = now() + timedelta(days=3)
    sailing.save()
    assert services.invoice_payment_deadline(school_order) == sailing.date_from - timedelta(hours=24)
    assert services.apply_payment_term(school_order)
    school_order.refresh_from_db()
    assert school_order.expires == sailing.date_from - timedelta(hours=24)


def test_the_bank_invoice_is_offered_only_while_a_transfer_can_arrive():
    at = now()
    assert services.payment_possible(at + timedelta(days=3), at=at)
    assert not services.payment_possible(at + timedelta(hours=47), at=at)


@pytest.mark.django_db
def test_refund_within_the_policy_is_a_manual_transfer_to_the_payer(school_order):
    mark_paid(school_order, payer_account="40702810438000034726", payer_bik="044525225")
    payment = school_order.payments.get()
    refund = school_order.refunds.create(provider="accounting_invoice", amount=Decimal("900.00"),
                                         state=OrderRefund.REFUND_STATE_CREATED, source="admin", payment=payment)
    provider = InvoicePayment(school_order.event)
    provider.execute_refund(refund)
    refund.refresh_from_db()
    assert refund.state == OrderRefund.REFUND_STATE_TRANSIT
    assert refund.info_data["payer_account"] == "40702810438000034726"
    assert refund.info_data["payer_inn"] == SCHOOL["inn"]
    late = school_order.refunds.create(provider="accounting_invoice", amount=Decimal("900.00"),
                                       state=OrderRefund.REFUND_STATE_CREATED, source="admin", payment=payment)
    with freeze_time(now() + timedelta(days=9, hours=1)), pytest.raises(PaymentException):
        provider.execute_refund(late)


@pytest.mark.django_db
def test_a_private_order_is_not_b2b(vat_series):
    event, sailing = vat_series
    order = factories.make_order(event, sailing.subevent, list(event.items.all()[:1]), status="n")
    assert not hasattr(order, "ticketing_b2b_buyer")
    assert services.record_from_checkout(order) is None


@pytest.mark.django_db
def test_the_b2b_invoice_kill_switch_withdraws_the_bank_invoice(school_order, monkeypatch):
    from ticketing_core import flags

    from .. import payment

    admin_user = factories.make_admin(school_order.event.organizer)
    asked = []
    monkeypatch.setattr(payment, "cart_session", lambda request: asked.append(request) or {})
    provider = InvoicePayment(school_order.event)
    flags.switch("b2b_invoice", False, admin_user, reason="bank holiday")
    assert provider.is_allowed(object()) is False
    assert asked == []  # off: not even the cart is looked at
    flags.switch("b2b_invoice", True, admin_user)
    assert provider.is_allowed(object()) is False  # on: a private cart is still no B2B purchase
    assert len(asked) == 1


@pytest.mark.django_db
def test_the_shredder_removes_the_contact_person_and_keeps_the_requisites(school_order):
    import json

    from pretix.base.signals import register_data_shredders

    from ..b2b.shredder import B2BContactShredder

    event = school_order.event
    assert B2BContactShredder in [r for _, r in register_data_shredders.send(event)]
    shredder = B2BContactShredder(event)
    exported = json.loads(next(iter(shredder.generate_files()))[2])
    assert exported[0]["contact_person"] == SCHOOL["contact_person"]
    shredder.shred_data()
    buyer = school_order.ticketing_b2b_buyer
    buyer.refresh_from_db()
    assert (buyer.contact_person, buyer.documents_email) == ("", "")
    assert (buyer.name, buyer.inn, buyer.kpp) == (SCHOOL["name"], SCHOOL["inn"], SCHOOL["kpp"])
