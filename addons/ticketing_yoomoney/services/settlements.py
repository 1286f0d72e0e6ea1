"""
Settlement receipts (54-FZ): the customer prepaid when buying; once the sailing has taken place the
service is rendered and a second receipt, ``full_payment`` settled against that prepayment, must be
registered. Sent once per payment: the idempotence key and a unique constraint both make sure.
"""
import logging
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Max, Q
from django.db.models.functions import Coalesce
from django.utils.timezone import now as utcnow

from pretix.base.models import Order, OrderPayment, OrderRefund

from ticketing_core.models import Sailing

from ..models import YooKassaObject
from . import remote
from .receipts import ReceiptError, build_settlement_receipt

logger = logging.getLogger(__name__)


def service_end(order: Order) -> datetime:
    """When the last sailing of the order has ended (its arrival), or the date's end or start."""
    positions = list(order.positions.select_related("subevent"))
    subevents = {p.subevent for p in positions if p.subevent_id}
    sailings = {s.subevent_id: s for s in Sailing.objects.filter(event=order.event).filter(
        Q(subevent__in=subevents) | Q(subevent__isnull=True)).select_related("subevent", "event")}

    def end(date, key):
        sailing = sailings.get(key)
        return sailing.end if sailing else (date.date_to or date.date_from)

    ends = [end(se, se.pk) for se in subevents]
    if not positions or any(not p.subevent_id for p in positions):
        ends.append(end(order.event, None))
    return max(ends)


def _open_refunds(payment: OrderPayment) -> bool:
    open_states = (OrderRefund.REFUND_STATE_CREATED, OrderRefund.REFUND_STATE_TRANSIT)
    return payment.refunds.filter(state__in=open_states).exists()


def _net(payment: OrderPayment) -> Decimal:
    refunded = sum((r.amount for r in payment.refunds.filter(state=OrderRefund.REFUND_STATE_DONE)), Decimal("0.00"))
    return payment.amount - refunded


def due_payments(now: datetime):
    """Confirmed YooKassa payments of paid orders whose dates have all started, without a settlement yet."""
    return (
        OrderPayment.objects.filter(provider="yookassa", state=OrderPayment.PAYMENT_STATE_CONFIRMED,
                                    order__status=Order.STATUS_PAID)
        .exclude(pk__in=YooKassaObject.objects.filter(kind=YooKassaObject.KIND_SETTLEMENT).values("payment_id"))
        .annotate(last_start=Max(Coalesce("order__all_positions__subevent__date_from", "order__event__date_from"),
                                 filter=Q(order__all_positions__canceled=False)))
        .filter(Q(last_start__lt=now) | Q(last_start__isnull=True, order__event__date_from__lt=now))
        .select_related("order__event__organizer").order_by(F("last_start").asc(nulls_first=True))
    )


def send_settlement(payment: OrderPayment, now: datetime | None = None) -> YooKassaObject | None:
    """The settlement receipt of one payment, if it is due and wanted; None otherwise."""
    now = now or utcnow()
    provider = payment.payment_provider
    if not provider.settings.get("settlement_receipts", as_type=bool, default=True):
        return None
    if service_end(payment.order) > now or _open_refunds(payment):
        return None
    amount = _net(payment)
    if amount <= 0 or not payment.info_data.get("id"):
        return None
    try:
        params = build_settlement_receipt(payment, amount, provider.settings)
    except ReceiptError as e:
        logger.error("No settlement receipt for %s: %s", payment.full_id, e)
        return None
    credentials = remote.created_with(payment)  # the receipt belongs to the shop that holds the payment
    receipt = remote.create_receipt(credentials, params, remote.settlement_key(payment))
    try:
        with transaction.atomic():
            obj = remote.remember(YooKassaObject.KIND_SETTLEMENT, receipt.id, credentials, payment.order,
                                  payment=payment, status=receipt.status)
    except IntegrityError:  # another worker recorded it first; YooKassa answered both with the same receipt
        return YooKassaObject.objects.get(payment=payment, kind=YooKassaObject.KIND_SETTLEMENT)
    payment.info_data = {**payment.info_data, "settlement": {"id": receipt.id, "status": receipt.status,
                                                             "amount": str(amount)}}
    payment.save(update_fields=["info"])
    payment.order.log_action("ticketing_yoomoney.settlement.sent", data={
        "payment": payment.full_id, "receipt": receipt.id, "amount": str(amount)})
    return obj


def send_due_settlements(now: datetime | None = None, limit: int = 500) -> int:
    now = now or utcnow()
    sent = 0
    for payment in due_payments(now)[:limit]:
        try:
            if send_settlement(payment, now):
                sent += 1
        except (remote.Unreachable, remote.Refused) as e:
            logger.warning("Settlement receipt for %s not sent: %s", payment.full_id, e)
    return sent
