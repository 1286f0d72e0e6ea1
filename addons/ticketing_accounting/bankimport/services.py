"""
Importing a statement: every incoming payment document is recorded once and either confirms the pending
bank-transfer payment of the order it names (exact amount) or waits for a person (less, more, no order).

Why not pretix's own ``pretix.plugins.banktransfer`` import (``BankImportJob``/``BankTransaction`` and
``tasks.process_banktransfers``), though its ideas are kept (order code in the reference, duplicate detection,
a list for a person to assign or ignore):

* it confirms whatever amount arrives: a partial transfer becomes a confirmed partial payment with no person
  looking, while an accountant must decide on a payment that does not match the Счёт;
* it books every transfer as a payment of its own ``banktransfer`` provider, not of our bank-invoice provider
  (``accounting_invoice``) whose pending payment the buyer chose;
* its transaction keeps no payer ИНН, which is part of a Russian payment document's identity, and its
  duplicate check is a checksum compared in Python without a database constraint, so two uploads running at
  the same time can both pass it;
* it needs the bank-transfer plugin active in each event.

Here the identity (number, date, payer ИНН, amount) is a unique constraint: the second insert of the same
document waits for the first upload's transaction and then fails, and is counted as a duplicate. The payment is
confirmed with pretix's ``OrderPayment.confirm`` (tickets and e-mails as for any payment).
"""
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils.timezone import now
from django.utils.translation import gettext_noop

from pretix.base.models import Order, OrderPayment, Organizer, Quota, User
from pretix.base.payment import PaymentException

from .matching import orders_named
from .metrics import bank_import_documents, bank_import_files
from .models import BankPayment, StatementImport
from .parser import PaymentDocument, Statement, StatementError, parse

logger = logging.getLogger(__name__)

# The bank-invoice provider of this addon (B2B), and pretix's own bank transfer: the payments a statement pays.
INVOICE_PROVIDER = "accounting_invoice"
BANK_PROVIDERS = (INVOICE_PROVIDER, "banktransfer")
OPEN_PAYMENT_STATES = (OrderPayment.PAYMENT_STATE_CREATED, OrderPayment.PAYMENT_STATE_PENDING)


@dataclass
class ImportResult:
    statement: StatementImport
    counts: dict = field(default_factory=dict)


def import_statement(organizer: Organizer, raw: bytes, filename: str, user: User | None = None) -> ImportResult:
    """Read ``raw`` and book its incoming documents; a :class:`StatementError` leaves everything as it was."""
    try:
        statement = parse(raw)
    except StatementError:
        bank_import_files.inc(result="rejected")
        raise
    result = _book(organizer, statement, raw, filename, user)
    counts = result.counts

    def report():
        bank_import_files.inc(result="imported")
        for key, n in counts.items():
            if n and key in ("matched", "partial", "over", "unmatched", "duplicate"):
                bank_import_documents.inc(n, result=key)

    transaction.on_commit(report)
    return result


@transaction.atomic
def _book(organizer: Organizer, statement: Statement, raw: bytes, filename: str, user: User | None) -> ImportResult:
    incoming = statement.incoming()
    job = StatementImport.objects.create(
        organizer=organizer, user=user, filename=filename[:200], sha256=hashlib.sha256(raw).hexdigest(),
        accounts=", ".join(sorted(statement.accounts))[:200], date_from=statement.date_from,
        date_to=statement.date_to, documents=len(statement.documents),
        outgoing=len(statement.documents) - len(incoming))
    counts = {"matched": 0, "partial": 0, "over": 0, "unmatched": 0, "duplicate": 0}
    for doc in incoming:
        try:
            with transaction.atomic():
                bp = BankPayment.objects.create(
                    organizer=organizer, statement=job, number=doc.number, date=doc.date,
                    payer_inn=doc.payer_inn if doc.payer_inn != "0" else "", amount=doc.amount,
                    received=doc.received, payer_name=doc.payer_name[:300], payer_account=doc.payer_account[:30],
                    purpose=doc.purpose[:2000], state=BankPayment.STATE_UNMATCHED)
        except IntegrityError:  # the same document came with an earlier (or a concurrent) statement
            counts["duplicate"] += 1
            continue
        _match(bp, doc, user)
        key = bp.state if bp.state in counts else "matched"
        counts[key] += 1
    job.matched, job.partial = counts["matched"], counts["partial"]
    job.unmatched, job.duplicate = counts["unmatched"] + counts["over"], counts["duplicate"]
    job.save(update_fields=["matched", "partial", "unmatched", "duplicate"])
    organizer.log_action("ticketing_accounting.bankimport.imported", user=user, data={
        "statement": job.pk, "filename": job.filename, "documents": job.documents, **counts})
    return ImportResult(job, counts)


def _paid_at(doc: PaymentDocument, organizer: Organizer) -> datetime:
    """When the money arrived: the bank's ДатаПоступило (noon, the operator's time) if before today."""
    day = doc.received or doc.date
    current = now()
    tz = ZoneInfo(organizer.settings.timezone)
    if day and day < current.astimezone(tz).date():
        return datetime.combine(day, time(12), tzinfo=tz)
    return current


def _match(bp: BankPayment, doc: PaymentDocument, user: User | None) -> None:
    orders = list(orders_named(bp.organizer, bp.purpose))
    if len(orders) > 1:
        pending = [o for o in orders if o.status == Order.STATUS_PENDING]
        orders = pending if len(pending) == 1 else orders
    if not orders:
        bp.message = gettext_noop("No order code of this organizer in the purpose of payment.")
        bp.save(update_fields=["message"])
        return
    if len(orders) > 1:
        bp.message = gettext_noop("The purpose names several orders.")
        bp.save(update_fields=["message"])
        return
    order = Order.objects.select_for_update(of=("self",)).get(pk=orders[0].pk)  # one import books an order at once
    bp.order = order
    if order.status == Order.STATUS_CANCELED:
        bp.message = gettext_noop("The order is cancelled.")
    elif order.status == Order.STATUS_PAID and order.pending_sum <= 0:
        bp.state, bp.message = BankPayment.STATE_OVER, gettext_noop("The order is already paid.")
    else:
        due = order.pending_sum
        if bp.amount < due:
            bp.state = BankPayment.STATE_PARTIAL
        elif bp.amount > due:
            bp.state = BankPayment.STATE_OVER
        else:
            bp.payment = confirm(order, bp, user, _paid_at(doc, bp.organizer))
            bp.state = BankPayment.STATE_MATCHED
    bp.save(update_fields=["state", "message", "order", "payment"])


def _provider_for(order: Order) -> str:
    providers = order.event.get_payment_providers()
    for name in (INVOICE_PROVIDER, "banktransfer"):
        if name in providers:
            return name
    return "manual"


def confirm(order: Order, bp: BankPayment, user: User | None, paid_at: datetime | None = None) -> OrderPayment:
    """
    Book ``bp`` on ``order`` through pretix: the pending bank payment of the order (the Счёт's) with the amount
    that arrived, or a new one; then pretix's confirmation (order paid, tickets and e-mails).
    """
    payment = order.payments.filter(provider__in=BANK_PROVIDERS, state__in=OPEN_PAYMENT_STATES).order_by("-pk").first()
    if payment is None:
        payment = order.payments.create(provider=_provider_for(order), amount=bp.amount,
                                        state=OrderPayment.PAYMENT_STATE_CREATED)
    payment.amount = bp.amount
    payment.info_data = {**payment.info_data, "bank_document": {
        "number": bp.number, "date": bp.date.isoformat(), "payer": bp.payer_name, "inn": bp.payer_inn,
        "account": bp.payer_account, "purpose": bp.purpose[:500], "bank_payment": bp.pk}}
    payment.save(update_fields=["amount", "info"])
    try:
        payment.confirm(user=user, payment_date=paid_at, ignore_date=True)
    except Quota.QuotaExceededException:
        # the money is booked; pretix leaves the order pending for a person, as its own bank import does
        bp.message = gettext_noop("Payment booked, but the order could not be marked paid: no places left.")
    except PaymentException as e:  # pragma: no cover - the providers used here do not refuse a confirmation
        logger.warning("Bank payment %s not confirmed on %s: %s", bp.pk, order.code, e)
        raise
    for other in order.payments.filter(provider__in=BANK_PROVIDERS, state__in=OPEN_PAYMENT_STATES).exclude(
            pk=payment.pk):
        other.state = OrderPayment.PAYMENT_STATE_CANCELED
        other.save(update_fields=["state"])
    return payment


@transaction.atomic
def assign(bp: BankPayment, order: Order, user: User) -> BankPayment:
    """A person books an open document on ``order`` (any amount: pretix keeps a partial payment pending)."""
    bp = BankPayment.objects.select_for_update().get(pk=bp.pk)
    if not bp.is_open:
        raise ValueError(gettext_noop("This payment document was already dealt with."))
    order = Order.objects.select_for_update(of=("self",)).get(pk=order.pk)
    if order.status == Order.STATUS_CANCELED:
        raise ValueError(gettext_noop("The order is cancelled."))
    bp.order, bp.payment = order, confirm(order, bp, user)
    bp.state, bp.resolved_by, bp.resolved_at = BankPayment.STATE_ASSIGNED, user, now()
    bp.save(update_fields=["order", "payment", "state", "resolved_by", "resolved_at", "message"])
    order.log_action("ticketing_accounting.bankimport.assigned", user=user, data={
        "number": bp.number, "date": bp.date.isoformat(), "amount": str(bp.amount)})
    return bp


@transaction.atomic
def ignore(bp: BankPayment, user: User) -> BankPayment:
    """A person decides the document pays no order here (a deposit, another business)."""
    bp = BankPayment.objects.select_for_update().get(pk=bp.pk)
    if not bp.is_open:
        raise ValueError(gettext_noop("This payment document was already dealt with."))
    bp.state, bp.resolved_by, bp.resolved_at = BankPayment.STATE_IGNORED, user, now()
    bp.save(update_fields=["state", "resolved_by", "resolved_at"])
    bp.organizer.log_action("ticketing_accounting.bankimport.ignored", user=user, data={
        "number": bp.number, "date": bp.date.isoformat(), "amount": str(bp.amount)})
    return bp


def total(payments) -> Decimal:
    return sum((p.amount for p in payments), Decimal("0.00"))
