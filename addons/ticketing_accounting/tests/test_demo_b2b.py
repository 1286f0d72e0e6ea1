"""The demo's B2B part: a school group with its Счёт on an upcoming sailing, a group with its Акт after a past
sailing; a second run adds nothing. (Core's demo tests run it inside the whole demo, too.)"""
import pytest

from ticketing_core.demo import DemoContext, _Tally

from .. import demo_b2b
from ..demo_b2b import loaders
from ..documents.models import Document

pytestmark = pytest.mark.django_db


def test_demo_has_a_school_group_with_an_invoice_and_an_act_after_a_past_sailing(vat_series, monkeypatch):
    monkeypatch.setattr(demo_b2b, "PUPILS", 3)  # a smaller class: pretix's test-mode checks make each ticket slow
    monkeypatch.setattr(demo_b2b, "PAST_GROUP", 2)
    event, _sailing = vat_series
    event.organizer.settings.delete("ticketing_accounting_supplier_inn")
    first = DemoContext(organizer=event.organizer, tally=_Tally(), events=[event])
    for loader in loaders():
        loader.load(first)
    assert any(k.startswith("school group with a Счёт") for k in first.tally.created), first.tally.created
    assert any(k.startswith("group with an Акт") for k in first.tally.created), first.tally.created
    assert not first.tally.skipped
    school = Document.objects.get(kind=Document.INVOICE, order__ticketing_b2b_buyer__inn="7841000026")
    assert school.order.status == "n" and school.file and school.order.positions.count() == 5
    act = Document.objects.get(kind=Document.ACT)
    assert act.order.status == "p" and act.date < school.date
    again = DemoContext(organizer=event.organizer, tally=_Tally(), events=[event])
    for loader in loaders():
        loader.load(again)
    assert again.tally.created == {}
    assert Document.objects.count() == 3  # the school's Счёт, the past group's Счёт and Акт
