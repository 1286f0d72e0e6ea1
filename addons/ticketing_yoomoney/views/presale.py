"""The customer's return from YooKassa and the pending page's status poll; both only trigger a re-fetch."""
import hmac
import logging

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from pretix.base.models import OrderPayment
from pretix.base.services.locking import LockTimeoutException
from pretix.multidomain.urlreverse import eventreverse

from ..models import YooKassaObject
from ..services import remote
from ..services.sync import sync_payment

logger = logging.getLogger(__name__)

POLL_INTERVAL = 3  # seconds between two re-fetches of one payment, whoever polls
FINAL_STATES = (OrderPayment.PAYMENT_STATE_CONFIRMED, OrderPayment.PAYMENT_STATE_FAILED,
                OrderPayment.PAYMENT_STATE_CANCELED, OrderPayment.PAYMENT_STATE_REFUNDED)


def _payment_of(request, kwargs) -> OrderPayment:
    order = request.event.orders.filter(code=kwargs["order"]).first()
    if order is None or not hmac.compare_digest(order.tagged_secret("ticketing_yoomoney"), kwargs["hash"]):
        raise Http404()
    payment = order.payments.filter(pk=kwargs["payment"], provider="yookassa").first()
    if payment is None:
        raise Http404()
    return payment


def _refresh(payment: OrderPayment) -> None:
    """Re-fetch at most every few seconds per payment, however many tabs poll; always reload our record."""
    if _worth_asking(payment) and cache.add(f"ticketing_yoomoney:poll:{payment.pk}", 1, POLL_INTERVAL):
        try:
            sync_payment(payment)
        except (remote.Unreachable, remote.Refused, LockTimeoutException) as e:
            logger.warning("Could not check YooKassa payment %s: %s", payment.full_id, e)
    payment.refresh_from_db()  # a webhook may have settled it meanwhile


def _worth_asking(payment: OrderPayment) -> bool:
    if payment.state in (OrderPayment.PAYMENT_STATE_CONFIRMED, OrderPayment.PAYMENT_STATE_REFUNDED):
        return False
    # a payment cancelled on our side can still succeed at YooKassa until YooKassa's state is final
    return not YooKassaObject.objects.filter(payment=payment, kind=YooKassaObject.KIND_PAYMENT, final=True).exists()


def return_view(request, *args, **kwargs):
    """The customer comes back from YooKassa's page: look the payment up and show the order."""
    payment = _payment_of(request, kwargs)
    _refresh(payment)  # throttled like the poll: reloading this address does not call YooKassa each time
    order = payment.order
    if payment.state in (OrderPayment.PAYMENT_STATE_FAILED, OrderPayment.PAYMENT_STATE_CANCELED):
        messages.error(request, _("The payment was declined or cancelled. Your places stay reserved until the "
                                  "order expires; you can try again."))
    elif payment.state != OrderPayment.PAYMENT_STATE_CONFIRMED:
        messages.info(request, _("Your payment is being confirmed. This usually takes a few seconds."))
    url = eventreverse(request.event, "presale:event.order", kwargs={"order": order.code, "secret": order.secret})
    return redirect(url + ("?paid=yes" if payment.state == OrderPayment.PAYMENT_STATE_CONFIRMED else ""))


def status_view(request, *args, **kwargs):
    """Polled by the pending page; answers whether the payment has reached a final state."""
    payment = _payment_of(request, kwargs)
    _refresh(payment)
    return JsonResponse({"state": payment.state, "final": payment.state in FINAL_STATES})
