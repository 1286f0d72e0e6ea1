"""
Travel documents on inter-regional and international routes.

Russian transport-security rules want the passenger's document, date of birth and citizenship on the manifest
of such routes. The operator marks the event (setting ``ticketing_documents_required``, *Sailing and refund
policy* page); :func:`ensure_questions` then creates pretix questions (identifiers ``prichal_doc_*``) for every
admission product, so pretix's own checkout asks them per passenger, for those events only. The answers are read
by the manifest (:func:`documents_of`), masked where the suite lists them (:func:`mask`), erased by pretix's data
shredder (:class:`DocumentShredder`) and by a periodic task once the retention after departure has passed
(``ticketing_documents_retention_days``, default 30).
"""
import json
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from pretix.base.models import Event, Question, QuestionAnswer
from pretix.base.shredder import BaseDataShredder

FLAG = "ticketing_documents_required"
RETENTION = "ticketing_documents_retention_days"
DOC_TYPE, DOC_NUMBER, BIRTH_DATE, CITIZENSHIP = ("prichal_doc_type", "prichal_doc_number", "prichal_birth_date",
                                                 "prichal_citizenship")
IDENTIFIERS = (DOC_TYPE, DOC_NUMBER, BIRTH_DATE, CITIZENSHIP)
DOC_TYPES = (("passport_ru", _("Russian passport")), ("passport_int", _("International passport")),
             ("birth_certificate", _("Birth certificate")), ("foreign_passport", _("Foreign passport")))


def _i18n(text) -> dict:
    from pretix.base.i18n import language

    out = {}
    for lng in ("ru", "en", "zh-hans"):
        with language(lng):
            out[lng] = str(text)
    return out


QUESTIONS = (
    (DOC_TYPE, Question.TYPE_CHOICE, _("Identity document")),
    (DOC_NUMBER, Question.TYPE_STRING, _("Document series and number")),
    (BIRTH_DATE, Question.TYPE_DATE, _("Date of birth")),
    (CITIZENSHIP, Question.TYPE_COUNTRYCODE, _("Citizenship")),
)


def route_requires_documents(event: Event) -> bool:
    return bool(event.settings.get(FLAG, as_type=bool))


def ensure_questions(event: Event) -> list[Question]:
    """The four questions, asked for every admission product; created once, re-attached to new products."""
    items = list(event.items.filter(admission=True))
    out = []
    with transaction.atomic():
        for position, (identifier, qtype, label) in enumerate(QUESTIONS, start=100):
            q = event.questions.filter(identifier=identifier).first()
            if q is None:
                q = event.questions.create(identifier=identifier, type=qtype, question=_i18n(label), required=True,
                                           position=position)
                if qtype == Question.TYPE_CHOICE:
                    for i, (code, text) in enumerate(DOC_TYPES):
                        q.options.create(identifier=code, answer=_i18n(text), position=i)
            q.items.add(*items)
            out.append(q)
    return out


def set_required(event: Event, required: bool, user=None) -> None:
    event.settings.set(FLAG, required)
    if required:
        ensure_questions(event)
    else:  # questions stay (answers already given keep their meaning) but are no longer asked
        for q in event.questions.filter(identifier__in=IDENTIFIERS):
            q.items.clear()
    event.log_action("ticketing_core.documents.changed", data={"required": required}, user=user)


def documents_of(op) -> dict:
    answers = {a.question.identifier: a for a in op.answers.all() if a.question.identifier in IDENTIFIERS}
    return {k: str(a) for k, a in answers.items()}


def mask(value: str) -> str:
    """"45 •• ••••67": the last two characters, for lists that must not show the document."""
    value = str(value or "")
    return "" if not value else "•" * max(len(value) - 2, 2) + value[-2:]


def _answers(event: Event):
    return QuestionAnswer.objects.filter(orderposition__order__event=event, question__event=event,
                                         question__identifier__in=IDENTIFIERS)


def purge_expired(at=None) -> int:
    """Erase the document answers of sailings that departed more than the retention ago. Returns rows erased."""
    from ..fleet.models import Sailing

    at = at or now()
    erased = 0
    for event in Event.objects.filter(questions__identifier=DOC_TYPE).distinct():
        days = int(event.settings.get(RETENTION, as_type=int) or 30)
        cutoff = at - timedelta(days=days)
        gone = Sailing.objects.filter(event=event).filter(
            Q(subevent__date_from__lt=cutoff) | Q(subevent__isnull=True, event__date_from__lt=cutoff))
        qs = _answers(event).filter(
            Q(orderposition__subevent__in=gone.values("subevent"))
            | Q(orderposition__subevent__isnull=True, orderposition__order__event__date_from__lt=cutoff))
        n = qs.count()
        if n:
            qs.delete()
            event.log_action("ticketing_core.documents.purged", data={"answers": n, "days": days})
            erased += n
    return erased


class DocumentShredder(BaseDataShredder):
    verbose_name = _("Travel documents")
    identifier = "ticketing_travel_documents"
    description = _("This will remove the passengers' identity documents, dates of birth and citizenship asked "
                    "on inter-regional and international routes.")

    def generate_files(self):
        yield "travel-documents.json", "application/json", json.dumps([
            {"position": f"{a.orderposition.order.code}-{a.orderposition.positionid}",
             "question": a.question.identifier, "answer": a.answer}
            for a in _answers(self.event).select_related("orderposition__order", "question")
        ], indent=4)

    def shred_data(self, progress_callback=None):
        _answers(self.event).delete()
