"""
One idempotent path from YooKassa's state to pretix's. The customer's return, a webhook and the
reconciliation task all call :func:`sync_payment` / :func:`sync_refund`, which never trust what
they were told: the object is re-fetched with the shop's own credentials, then the pretix record
is locked and moved only forward (pending → confirmed or failed). Calling them twice, late or out
of order changes nothing the first call did not.
"""
import logging
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext
from i18nfield.strings import LazyI18nString

from pretix.base.i18n import language
from pretix.base.models import Order, OrderPayment, OrderRefund, Quota
from pretix.base.templatetags.money import money_filter

from .. import metrics
from ..models import YooKassaObject
from . import remote as api

logger = logging.getLogger(__name__)

OPEN_PAYMENT_STATES = (OrderPayment.PAYMENT_STATE_CREATED, OrderPayment.PAYMENT_STATE_PENDING)


def _reference(payment: OrderPayment) -> YooKassaObject | None:
    return YooKassaObject.objects.filter(payment=payment, kind=YooKassaObject.KIND_PAYMENT).first()


def sync_payment(payment: OrderPayment) -> str:
    """Re-fetch ``payment`` from YooKassa and apply its state; returns YooKassa's status ("" if unknown)."""
    ref = _reference(payment)
    if ref is None:
        return ""
    credentials = api.created_with(payment)  # the shop and API it was made at, never the current settings
    return apply_payment(payment, api.fetch_payment(credentials, ref.reference), credentials)


def apply_payment(payment: OrderPayment, obj, credentials) -> str:
    """Apply a payment object fetched from YooKassa with ``credentials`` (never one from a notification body)."""
    confirmed = False
    with transaction.atomic():
        locked = OrderPayment.objects.select_for_update(of=("self",)).select_related("order").get(pk=payment.pk)
        # Recorded in the same transaction as the state change: "final" must never be visible while the
        # payment it settles is still open, or the return view, the poll and the reconciliation stop looking.
        ref = api.remember(YooKassaObject.KIND_PAYMENT, obj.id, credentials, payment.order, payment=payment,
                           status=obj.status, receipt_status=getattr(obj, "receipt_registration", None) or "")
        if ref.payment_id != payment.pk:
            logger.error("YooKassa payment %s belongs to %s, not %s", obj.id, ref.payment_id, payment.pk)
            return ""
        locked.info_data = {**locked.info_data, **api.remote_payment_info(obj)}
        locked.save(update_fields=["info"])
        if obj.status == "succeeded" and locked.state != OrderPayment.PAYMENT_STATE_CONFIRMED:
            if api.amount_of(obj) != locked.amount:
                # Never confirm a different sum; staff see the log entry and the payment stays open.
                logger.error("YooKassa payment %s is %s, ours %s", obj.id, obj.amount.value, locked.amount)
                locked.order.log_action("ticketing_yoomoney.payment.amount_mismatch", data={
                    "payment": locked.full_id, "yookassa_id": obj.id, "yookassa_amount": str(obj.amount.value),
                    "amount": str(locked.amount)})
                return obj.status
            try:
                locked.confirm()
            except Quota.QuotaExceededException:
                pass  # pretix has recorded the payment as confirmed but could not re-open the order
            confirmed = True
            metrics.payment_settled(obj, "succeeded")
        elif obj.status == "canceled" and locked.state in OPEN_PAYMENT_STATES:
            locked.fail(info=locked.info_data, log_data={"yookassa_id": obj.id,
                                                         "cancellation": locked.info_data.get("cancellation")})
            metrics.payment_settled(obj, "canceled")
        elif obj.status == "pending" and locked.state == OrderPayment.PAYMENT_STATE_CREATED:
            locked.state = OrderPayment.PAYMENT_STATE_PENDING
            locked.save(update_fields=["state"])
    if confirmed:
        refund_surplus(OrderPayment.objects.get(pk=payment.pk))
    return obj.status


def surplus_of(payment: OrderPayment) -> Decimal:
    """
    Money of ``payment`` that no order needs: all of it when the order expired without places or was
    cancelled meanwhile, the overpaid part when the order was paid another way meanwhile.
    """
    order = Order.objects.get(pk=payment.order_id)
    left = payment.amount - payment.refunded_amount  # pretix's sum of done, transit and created refunds
    if order.status == Order.STATUS_EXPIRED:
        return max(left, Decimal("0.00"))
    return max(min(left, -order.pending_sum), Decimal("0.00"))


def refund_surplus(payment: OrderPayment) -> OrderRefund | None:
    """
    Money that arrived when it could no longer buy anything goes back automatically, with a refund
    record, a log entry and a message to the customer in their language: nothing is left unaccounted.
    """
    amount = surplus_of(payment)
    if amount <= 0:
        return None
    order = payment.order
    full = amount == payment.amount
    with transaction.atomic():
        refund = order.refunds.create(
            payment=payment, source=OrderRefund.REFUND_SOURCE_ADMIN, state=OrderRefund.REFUND_STATE_CREATED,
            amount=amount, provider=payment.provider,
            comment="Automatic refund: the payment arrived when the order no longer needed it",
        )
        order.log_action("ticketing_yoomoney.late_payment.refunded", data={
            "payment": payment.full_id, "amount": str(amount), "refund": refund.full_id,
            "order_status": order.status})
    try:
        payment.payment_provider.execute_refund(refund)
    except Exception:  # noqa: BLE001 - the refund record stays "created"; reconciliation sends it again
        logger.exception("Automatic refund of late payment %s failed", payment.full_id)
    with language(order.locale, order.event.settings.region):
        amount_text = money_filter(amount, order.event.currency)
        if order.status == Order.STATUS_PAID:
            body = gettext("Hello,\n\nwe received your payment for order {code} after the order had already been "
                           "paid. We have refunded {amount} to your original payment method.\n\nYour tickets "
                           "remain valid.")
        else:
            body = gettext("Hello,\n\nyour payment for order {code} reached us after the reservation had expired "
                           "or the order had been cancelled, and the places are no longer available. We have "
                           "refunded {amount} {full} to your original payment method.\n\nWe are sorry for the "
                           "inconvenience.")
        order.send_mail(
            gettext("Your payment for order {code} has been refunded").format(code=order.code),
            LazyI18nString(body.format(code=order.code, amount=amount_text,
                                       full=gettext("in full") if full else "").replace("  ", " ")),
            {}, "ticketing_yoomoney.late_payment.mail",
        )
    return refund


def sync_refund(refund: OrderRefund) -> str:
    """Re-fetch ``refund`` from YooKassa and apply its state (and its receipt's)."""
    ref = YooKassaObject.objects.filter(refund=refund, kind=YooKassaObject.KIND_REFUND).first()
    if ref is None:
        return ""
    credentials = api.created_with(refund.payment)
    return apply_refund(refund, api.fetch_refund(credentials, ref.reference), credentials)


def apply_refund(refund: OrderRefund, obj, credentials) -> str:
    """Apply a refund object fetched from YooKassa; recorded under the same lock as the state change."""
    with transaction.atomic():
        locked = OrderRefund.objects.select_for_update(of=("self",)).get(pk=refund.pk)
        api.remember(YooKassaObject.KIND_REFUND, obj.id, credentials, refund.order,
                     payment=refund.payment, refund=refund, status=obj.status,
                     receipt_status=getattr(obj, "receipt_registration", None) or "")
        locked.info_data = {**locked.info_data, "id": obj.id, "status": obj.status,
                            "receipt_status": getattr(obj, "receipt_registration", None) or "",
                            **api.cancellation_of(obj)}
        locked.save(update_fields=["info"])
        if obj.status == "succeeded" and locked.state != OrderRefund.REFUND_STATE_DONE:
            locked.done()
            metrics.refund("succeeded")
        elif obj.status == "canceled" and locked.state in (OrderRefund.REFUND_STATE_CREATED,
                                                          OrderRefund.REFUND_STATE_TRANSIT):
            locked.state = OrderRefund.REFUND_STATE_FAILED
            locked.save(update_fields=["state"])
            metrics.refund("canceled")
            locked.order.log_action("pretix.event.order.refund.failed", data={
                "local_id": locked.local_id, "provider": locked.provider, "yookassa_id": obj.id})
        elif obj.status == "pending" and locked.state == OrderRefund.REFUND_STATE_CREATED:
            locked.state = OrderRefund.REFUND_STATE_TRANSIT
            locked.save(update_fields=["state"])
    refund.refresh_from_db()
    return obj.status
