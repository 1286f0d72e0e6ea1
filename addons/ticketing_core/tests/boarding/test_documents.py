"""Travel documents: asked only on routes marked inter-regional/international, on the manifest, shredded, expired."""
from datetime import timedelta

import pytest
from django.utils.timezone import now

from pretix.base.models import Question, QuestionAnswer

from ticketing_core.boarding import documents, manifest
from ticketing_core.testing import factories

pytestmark = pytest.mark.django_db


def _answer(position, identifier, value):
    q = position.order.event.questions.get(identifier=identifier)
    a = QuestionAnswer.objects.create(orderposition=position, question=q, answer=value)
    if q.type == Question.TYPE_CHOICE:
        a.options.add(q.options.get(identifier=value))
        a.answer = str(q.options.get(identifier=value).answer)
        a.save()
    return a


def test_documents_are_asked_only_on_flagged_routes_shown_on_the_manifest_and_erased(organizer, series, boat, pier):
    local = factories.make_series(organizer, slug="local", with_addon=False)
    documents.set_required(series, True)
    adult = series.items.filter(admission=True).order_by("pk").first()
    qs = series.questions.filter(identifier__in=documents.IDENTIFIERS)
    assert qs.count() == 4 and all(q.required and adult in q.items.all() for q in qs)
    assert not series.questions.filter(identifier="prichal_doc_type", items__admission=False).exists()
    assert not local.questions.exists()  # an ordinary route asks nothing
    later = series.items.create(name={"ru": "Льготный"}, default_price=700, admission=True)
    assert all(later in q.items.all() for q in qs)  # a new passenger product asks them too

    sailing = factories.make_sailing(series, boat, pier, now() - timedelta(days=40))
    recent = factories.make_sailing(series, factories.make_vessel(organizer, "Заря"), pier, now() + timedelta(days=2))
    old_pos = factories.make_order(series, sailing.subevent, [adult]).positions.get()
    new_pos = factories.make_order(series, recent.subevent, [adult]).positions.get()
    for pos in (old_pos, new_pos):
        _answer(pos, documents.DOC_TYPE, "passport_ru")
        _answer(pos, documents.DOC_NUMBER, "4510 123456")
        _answer(pos, documents.BIRTH_DATE, "1990-05-01")
        _answer(pos, documents.CITIZENSHIP, "RU")
    m = manifest.build(recent, mask=True)
    assert m.with_documents and m.rows[0].documents[documents.DOC_NUMBER] == "4510 123456"
    assert documents.mask("4510 123456") == "•••••••••56"
    assert not manifest.build(factories.make_sailing(local, factories.make_vessel(organizer, "Ока"), pier,
                                                     now() + timedelta(days=1)), mask=True).with_documents

    assert documents.purge_expired() == 4  # the sailing 40 days ago is past the 30-day retention
    assert not old_pos.answers.exists() and new_pos.answers.count() == 4
    assert series.logentry_set.filter(action_type="ticketing_core.documents.purged").exists()

    shredder = documents.DocumentShredder(series)
    exported = "".join(content for _name, _mime, content in shredder.generate_files())
    assert "4510 123456" in exported
    shredder.shred_data()
    assert not QuestionAnswer.objects.filter(question__identifier__in=documents.IDENTIFIERS).exists()


def test_shredder_is_offered_by_pretix(series):
    from pretix.base.signals import register_data_shredders

    offered = [r for _recv, r in register_data_shredders.send(series)]
    assert documents.DocumentShredder in offered
