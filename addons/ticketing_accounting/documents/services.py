"""
Issuing documents: the number is taken under the counter's row lock in the same transaction that saves the
document and its PDF, so a failure rolls both back and the number is given again. A cancelled document keeps its
number and its file.
"""
import logging
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.timezone import now
from django.utils.translation import gettext as _
from i18nfield.strings import LazyI18nString

from pretix.base.i18n import language
from pretix.base.models import Order
from pretix.base.services.mail import SendMailException, mail

from ..b2b.services import invoice_payment_deadline
from ..requisites.settings import supplier
from . import content, metrics
from .models import Document
from .numbering import next_number
from .pdf import RENDERERS

logger = logging.getLogger(__name__)


class DocumentError(Exception):
    """A document cannot be issued; the message is translated and says why."""


def local_today(order: Order) -> date:
    return now().astimezone(ZoneInfo(str(order.event.settings.timezone))).date()


def _issue(order: Order, kind: str, day: date, user=None, due: date | None = None) -> Document:
    series = Document.INVOICE if kind == Document.INVOICE else Document.ACT
    with transaction.atomic():
        number = next_number(order.event.organizer, series, day.year)
        data = content.build(order, kind, number, day, due=due)
        if kind == Document.UPD:
            data["upd_status"] = supplier(order.event.organizer).upd_status
        doc = Document(organizer=order.event.organizer, order=order, kind=kind, year=day.year, number=number,
                       date=day, total=Decimal(data["total"]), data=data, upd_status=data.get("upd_status"))
        doc.file.save(doc.filename(), ContentFile(RENDERERS[kind](data)), save=False)
        doc.save()
        order.log_action("ticketing_accounting.document.issued", user=user,
                         data={"kind": kind, "number": number, "year": day.year, "document": doc.pk})
    metrics.documents_issued.inc(kind=kind)
    return doc


def issue_invoice(order: Order, user=None, day: date | None = None) -> Document:
    """The Счёт for an order (dated today unless ``day``); the previous active one is cancelled, keeping its
    number."""
    if not supplier(order.event.organizer).complete:
        raise DocumentError(_("The supplier's requisites are incomplete: fill them in under Organizer → "
                              "Accounting requisites."))
    with transaction.atomic():
        for old in Document.objects.select_for_update().filter(order=order, kind=Document.INVOICE, canceled=False):
            cancel(old, user=user)
        deadline = invoice_payment_deadline(order)
        due = deadline.astimezone(ZoneInfo(str(order.event.settings.timezone))).date() if deadline else None
        return _issue(order, Document.INVOICE, day or local_today(order), user=user, due=due)


def last_sailing_day(order: Order) -> date | None:
    from ticketing_core.hooks import departure_of_position

    tz = ZoneInfo(str(order.event.settings.timezone))
    days = [departure_of_position(p, order.event).start.astimezone(tz).date() for p in order.positions.all()]
    return max(days) if days else None


def issue_closing_document(order: Order, user=None) -> Document:
    """
    The Акт (or УПД, per the organizer's setting) of a paid order after its last sailing, dated that day. A
    cancelled order gets none; an order gets one (cancel the old one to issue it again).
    """
    if order.status != Order.STATUS_PAID:
        raise DocumentError(_("Only a paid order gets a certificate of services; this one is not paid or was "
                              "cancelled."))
    day = last_sailing_day(order)
    if day is None or day > local_today(order):
        raise DocumentError(_("The certificate of services is issued after the last sailing of the order."))
    with transaction.atomic():
        Order.objects.select_for_update().filter(pk=order.pk).first()  # one closing document per order at a time
        if Document.objects.filter(order=order, kind__in=(Document.ACT, Document.UPD), canceled=False).exists():
            raise DocumentError(_("This order already has a certificate of services."))
        kind = Document.UPD if organizer_uses_upd(order) else Document.ACT
        return _issue(order, kind, day, user=user)


def organizer_uses_upd(order: Order) -> bool:
    return bool(order.event.organizer.settings.get("ticketing_accounting_closing_document", as_type=str) == "upd")


def cancel(doc: Document, user=None) -> None:
    """Mark a document cancelled: it keeps its number and file (the series must not have holes)."""
    if doc.canceled:
        return
    doc.canceled = True
    doc.save(update_fields=["canceled"])
    doc.order.log_action("ticketing_accounting.document.canceled", user=user,
                         data={"kind": doc.kind, "number": doc.number, "year": doc.year, "document": doc.pk})


def send_document(doc: Document) -> None:
    """E-mail the PDF to the buyer's address for documents (the order's e-mail if there is none)."""
    buyer = getattr(doc.order, "ticketing_b2b_buyer", None)
    to = buyer.documents_email if buyer and buyer.documents_email else doc.order.email
    if not to:
        return
    with language(doc.order.locale, doc.order.event.settings.region):
        subject = _("{title} № {number} for order {code}").format(title=doc.title, number=doc.number,
                                                                  code=doc.order.code)
        body = _("Hello,\n\nplease find attached the document “{title}” № {number} of {date} for your order "
                 "{code}.\n\nBest regards,\n{supplier}").format(
            title=doc.title, number=doc.number, date=doc.date.strftime("%d.%m.%Y"), code=doc.order.code,
            supplier=doc.data.get("supplier", {}).get("name", ""))
    try:
        # a LazyI18nString is a text (a str would be a template name); braces of the names are not placeholders
        text = LazyI18nString(str(body).replace("{", "{{").replace("}", "}}"))
        mail(to, str(subject), text, event=doc.order.event, order=doc.order, locale=doc.order.locale,
             attach_other_files=[doc.file.name], plain_text_only=True, auto_email=True)
    except SendMailException:
        metrics.documents_failed.inc(kind=doc.kind, step="send")
        logger.exception("Could not send document %s of order %s", doc.pk, doc.order.code)
        return
    doc.order.log_action("ticketing_accounting.document.sent", data={"number": doc.number, "kind": doc.kind,
                                                                      "email": to})


def due_closing_orders(organizer=None):
    """Paid bank-invoice orders whose last sailing is over and which have no closing document yet."""
    from ..b2b.models import B2BBuyer

    qs = B2BBuyer.objects.filter(order__status=Order.STATUS_PAID).select_related("order", "order__event")
    if organizer is not None:
        qs = qs.filter(order__event__organizer=organizer)
    for buyer in qs.exclude(order__ticketing_documents__kind__in=(Document.ACT, Document.UPD),
                            order__ticketing_documents__canceled=False):
        order = buyer.order
        day = last_sailing_day(order)
        if day is not None and day < local_today(order):
            yield order
