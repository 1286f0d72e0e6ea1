"""The document downloads (the buyer by the order's secret, staff by permission) and staff's group order within the
sailing's capacity."""
from datetime import timedelta

import pytest
from django.utils.timezone import now

from pretix.base.models import Order, Team, User

from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login

from ..documents import services
from ..documents.models import Document
from .conftest import SCHOOL

pytestmark = pytest.mark.django_db


def test_buyer_downloads_by_the_secret_link_and_a_wrong_secret_gets_404(client, school_order):
    doc = services.issue_invoice(school_order)
    base = f"/{school_order.event.organizer.slug}/{school_order.event.slug}/order/{school_order.code}"
    ok = client.get(f"{base}/{school_order.secret}/accounting/document/{doc.pk}/")
    assert ok.status_code == 200 and ok["Content-Type"] == "application/pdf"
    assert b"".join(ok.streaming_content).startswith(b"%PDF")
    assert client.get(f"{base}/wrongsecret123/accounting/document/{doc.pk}/").status_code == 404


def test_staff_need_order_permission(client, school_order, admin):
    doc = services.issue_invoice(school_order)
    url = (f"/control/event/{school_order.event.organizer.slug}/{school_order.event.slug}/orders/"
           f"{school_order.code}/accounting/document/{doc.pk}/")
    outsider = User.objects.create_user("outsider@example.org", "admin-password-123")
    team = Team.objects.create(organizer=school_order.event.organizer, name="Pier", all_events=True)
    team.members.add(outsider)
    login(client, outsider)
    assert client.get(url).status_code in (403, 404)
    client.logout()
    login(client, admin)
    assert client.get(url).status_code == 200
    page = client.get(f"/control/event/{school_order.event.organizer.slug}/{school_order.event.slug}/orders/"
                      f"{school_order.code}/")
    assert "ticketing-accounting-documents" in page.content.decode() and SCHOOL["inn"] in page.content.decode()


def test_group_order_within_capacity_and_refused_beyond_it(admin_client, supplier_organizer, boat, pier):
    event = factories.make_series(supplier_organizer)
    sailing = factories.make_sailing(event, boat, pier, now() + timedelta(days=10), sellable_capacity=5)
    adult = event.items.filter(admission=True).order_by("pk").first()
    url = f"/control/event/{supplier_organizer.slug}/{event.slug}/accounting/group-order/"
    data = {"subevent": sailing.subevent_id, "name": SCHOOL["name"], "inn": SCHOOL["inn"], "kpp": SCHOOL["kpp"],
            "legal_address": SCHOOL["legal_address"], "documents_email": SCHOOL["documents_email"],
            f"item_{adult.pk}": 6}
    assert admin_client.get(url).status_code == 200
    refused = admin_client.post(url, data)
    assert refused.status_code == 200 and not Order.objects.filter(event=event).exists()
    assert "5" in refused.content.decode()
    bad_kpp = admin_client.post(url, {**data, "kpp": "", f"item_{adult.pk}": 4})
    assert bad_kpp.status_code == 200 and "КПП" in bad_kpp.content.decode()
    placed = admin_client.post(url, {**data, f"item_{adult.pk}": 4})
    assert placed.status_code == 302
    order = Order.objects.get(event=event)
    assert order.status == Order.STATUS_PENDING and order.positions.count() == 4
    assert order.payments.get().provider == "accounting_invoice"
    assert order.ticketing_b2b_buyer.inn == SCHOOL["inn"]
    assert Document.objects.filter(order=order, kind=Document.INVOICE).count() == 1


def test_requisites_form_checks_every_requisite(admin_client, organizer):
    from .conftest import SUPPLIER
    url = f"/control/organizer/{organizer.slug}/accounting/requisites/"
    assert admin_client.get(url).status_code == 200
    data = {f"ticketing_accounting_{k}": v for k, v in SUPPLIER.items()}
    data.update(ticketing_accounting_closing_document="act", ticketing_accounting_payment_term_days=5)
    bad = admin_client.post(url, {**data, "ticketing_accounting_bank_account": "40702810438000034727",
                                  "ticketing_accounting_supplier_kpp": ""})
    assert bad.status_code == 200
    assert set(bad.context["form"].errors) == {"ticketing_accounting_bank_account", "ticketing_accounting_supplier_kpp"}
    assert not organizer.settings.get("ticketing_accounting_bank_account")
    assert admin_client.post(url, data).status_code == 302
    organizer.settings.flush()
    assert organizer.settings.get("ticketing_accounting_bank_account") == SUPPLIER["bank_account"]
