"""Where the YooKassa addon touches pretix."""
import logging

from django.dispatch import receiver
from django.urls import resolve, reverse
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from pretix.base.logentrytype_registry import LogEntryType, log_entry_types
from pretix.base.logentrytypes import OrderLogEntryType
from pretix.base.signals import email_filter, order_placed, periodic_task, register_payment_providers
from pretix.control.signals import nav_organizer
from pretix.helpers.periodic import minimum_interval
from pretix.presale.signals import html_page_header

logger = logging.getLogger(__name__)
APP = "ticketing_yoomoney"


@receiver(order_placed, dispatch_uid="ticketing_yoomoney_payment_term")
def hold_within_reservation_time(sender, order, **kwargs):
    """
    A YooKassa order is paid at once or not at all: its places are held no longer than a cart's (the event's
    reservation time), not for pretix's payment term; ticketing_core caps every order at departure anyway.
    """
    from datetime import timedelta

    from django.utils.timezone import now

    from ticketing_core.policy.payment_term import limit_expiry

    from .payment import YooKassaProvider

    if any(p.provider == YooKassaProvider.identifier for p in order.payments.all()):
        minutes = sender.settings.get("reservation_time", as_type=int) or 30
        limit_expiry(order, now() + timedelta(minutes=minutes))


def _is_order_placed_mail(order, outgoing_mail) -> bool:
    """Is this pretix's "order placed" e-mail (its subject as pretix renders it for the order)?"""
    from pretix.base.email import get_email_context
    from pretix.base.i18n import language
    from pretix.helpers.format import format_map

    with language(order.locale, order.event.settings.region):
        context = get_email_context(event=order.event, order=order)
        subject = str(format_map(str(order.event.settings.mail_subject_order_placed), context))
    return bool(subject) and outgoing_mail.subject.endswith(subject.replace("\n", " ").replace("\r", "")[:900])


@receiver(email_filter, dispatch_uid="ticketing_yoomoney_placed_mail")
def withhold_placed_mail(sender, message, order=None, outgoing_mail=None, **kwargs):
    """
    One purchase, the e-mails a buyer needs, once: a YooKassa order is paid on YooKassa's page right after it is
    placed, so pretix's "order placed, please pay until …" e-mail (the first one pretix queues for an order) is
    withheld; pretix's "payment received" e-mail with the tickets follows the payment. Orders paid any other way
    (at the pier) keep it: they are paid later and need the "pay until".
    """
    from pretix.base.models import OutgoingMail
    from pretix.base.services.mail import WithholdMailException

    from .payment import YooKassaProvider

    if order is None or outgoing_mail is None:
        return message
    first_payment = order.payments.order_by("local_id").first()
    if first_payment is None or first_payment.provider != YooKassaProvider.identifier:
        return message
    first_mail = OutgoingMail.objects.filter(order=order).order_by("created", "pk").values_list("pk", flat=True)
    if first_mail.first() == outgoing_mail.pk and _is_order_placed_mail(order, outgoing_mail):
        raise WithholdMailException(error="ticketing_yoomoney.placed_mail",
                                    error_detail="Paid on YooKassa right away: no 'pay until' e-mail.")
    return message


@receiver(register_payment_providers, dispatch_uid="ticketing_yoomoney_provider")
def register_provider(sender, **kwargs):
    from .payment import YooKassaProvider

    return YooKassaProvider


@receiver(nav_organizer, dispatch_uid="ticketing_yoomoney_nav_organizer")
def navbar_organizer(sender, request, organizer, **kwargs):
    if not request.user.has_organizer_permission(organizer, "organizer.settings.general:write", request=request):
        return []
    url = resolve(request.path_info)
    return [{
        "label": _("YooKassa"), "icon": "credit-card",
        "url": reverse(f"plugins:{APP}:organizer.settings", kwargs={"organizer": organizer.slug}),
        "active": url.namespace == f"plugins:{APP}",
    }]


@receiver(periodic_task, dispatch_uid="ticketing_yoomoney_reconcile")
@scopes_disabled()
@minimum_interval(minutes_after_success=2, minutes_after_error=2)
def reconcile(sender, **kwargs):
    """Payments and refunds whose webhook never came are settled here."""
    from .metrics import update_pending
    from .services.reconcile import reconcile_open

    counts = reconcile_open()
    update_pending()
    if any(counts.values()):
        logger.info("YooKassa reconciliation: %s", counts)


@receiver(periodic_task, dispatch_uid="ticketing_yoomoney_settlements")
@scopes_disabled()
@minimum_interval(minutes_after_success=30, minutes_after_error=10)
def settlements(sender, **kwargs):
    """Settlement receipts for sailings that have taken place."""
    from .services.settlements import send_due_settlements

    sent = send_due_settlements()
    if sent:
        logger.info("YooKassa settlement receipts sent: %s", sent)


@log_entry_types.new_from_dict({
    "ticketing_yoomoney.late_payment.refunded": _("A payment of {amount} arrived when the order no longer needed "
                                                   "it; it was refunded automatically."),
    "ticketing_yoomoney.late_payment.mail": _("The customer was told that their late payment was refunded."),
    "ticketing_yoomoney.payment.amount_mismatch": _("YooKassa reports {yookassa_amount} for payment {payment}, "
                                                     "which was for {amount}; it was not confirmed."),
    "ticketing_yoomoney.settlement.sent": _("The settlement receipt for {amount} was sent to YooKassa."),
})
class YooKassaOrderLogEntryType(OrderLogEntryType):
    pass


@log_entry_types.new_from_dict({
    "ticketing_yoomoney.settings.changed": _("The YooKassa settings were changed."),
})
class YooKassaOrganizerLogEntryType(LogEntryType):
    pass


@receiver(html_page_header, dispatch_uid="ticketing_yoomoney_checkout_notice")
def checkout_notice(sender, request=None, **kwargs):
    """
    With the YooKassa kill switch off (ticketing_core.flags ``yookassa_checkout``), the payment step tells the
    customer why card payment is missing, instead of silently offering only the other methods.
    """
    from django.template.loader import get_template

    from ticketing_core import flags

    match = getattr(request, "resolver_match", None)
    if (flags.enabled("yookassa_checkout") or match is None or match.url_name != "event.checkout"
            or match.kwargs.get("step") != "payment" or not _yookassa_active(sender)):
        return ""
    # rendered without the request: its context processors would send html_page_header again (recursion)
    return get_template("ticketing_yoomoney/checkout_unavailable.html").render({})


def _yookassa_active(event) -> bool:
    """Whether the event would offer YooKassa were the switch on (the provider is enabled for it)."""
    return bool(event.settings.get("payment_yookassa__enabled", as_type=bool))
