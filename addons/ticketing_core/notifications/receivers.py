"""When messages are sent: pretix's order signals, refunds, the periodic task, and pretix's webhooks."""
import logging

from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from pretix.api.signals import register_webhook_events
from pretix.api.webhooks import ParametrizedOrderWebhookEvent
from pretix.base.i18n import language
from pretix.base.models import OrderPayment, OrderRefund
from pretix.base.signals import order_paid, order_placed, periodic_task
from pretix.helpers.periodic import minimum_interval

from .checkout import save_preferences
from .service import notify

logger = logging.getLogger(__name__)


def _active(event) -> bool:
    return "ticketing_core" in (event.plugins or "")


@receiver(order_paid, dispatch_uid="ticketing_core_notify_paid")
def on_paid(sender, order, **kwargs):
    if not _active(sender):
        return
    notify(order, "order_confirmed")
    payment = order.payments.filter(state=OrderPayment.PAYMENT_STATE_CONFIRMED).order_by("-payment_date").first()
    if payment is not None and payment.amount > 0:
        with language(order.locale, order.event.settings.region):
            method = str(payment.payment_provider.public_name) if payment.payment_provider else payment.provider
            receipt = gettext("The fiscal receipt (54-FZ) is sent to you by the payment service.") \
                if payment.info_data.get("receipt_status") else ""
        notify(order, "payment_receipt", occasion=f"p{payment.pk}",
               extra={"amount": payment.amount, "method": method, "receipt": receipt})


@receiver(order_placed, dispatch_uid="ticketing_core_notify_placed")
def on_placed(sender, order, **kwargs):
    if not _active(sender):
        return
    save_preferences(order)
    if order.status == order.STATUS_PAID:  # free orders are paid when placed
        notify(order, "order_confirmed")


@receiver(post_save, sender=OrderRefund, dispatch_uid="ticketing_core_notify_refund")
def on_refund(sender, instance: OrderRefund, **kwargs):
    if instance.state != OrderRefund.REFUND_STATE_DONE or instance.provider in ("offsetting", "giftcard"):
        return
    with scopes_disabled():
        order = instance.order
        if _active(order.event):
            notify(order, "refund_confirmed", occasion=f"r{instance.pk}", extra={"amount": instance.amount})


@receiver(periodic_task, dispatch_uid="ticketing_core_notify_reminders")
@scopes_disabled()
@minimum_interval(minutes_after_success=5, minutes_after_error=5)
def reminders(sender, **kwargs):
    from .reminders import send_due_reminders
    from .tasks import sweep

    send_due_reminders()
    sweep()


@receiver(periodic_task, dispatch_uid="ticketing_core_notify_sms_status")
@scopes_disabled()
@minimum_interval(minutes_after_success=10, minutes_after_error=10)
def sms_status(sender, **kwargs):
    """Delivery reports whose callback never came are asked for."""
    from .delivery import poll_sms_statuses

    poll_sms_statuses()


@receiver(register_webhook_events, dispatch_uid="ticketing_core_notify_webhooks")
def webhook_events(sender, **kwargs):
    return (
        ParametrizedOrderWebhookEvent("ticketing_core.notification.delivered",
                                      _("Message to the customer delivered (e-mail sent or SMS delivered)")),
        ParametrizedOrderWebhookEvent("ticketing_core.notification.failed",
                                      _("Message to the customer failed")),
    )
