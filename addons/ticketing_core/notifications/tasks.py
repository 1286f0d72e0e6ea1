"""
Sending, in Celery tasks with retries and backoff. A row moves pending → sending → sent (→ delivered)
or failed; it is claimed under a row lock, so two workers never send it twice, and a row found stuck
in "sending" (a worker died mid-call) is marked "outcome unknown" for staff instead of being sent again.
"""
import logging
from datetime import timedelta

from django.db import transaction
from django.utils.timezone import now
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from pretix.base.i18n import language
from pretix.base.services.tasks import ProfiledTask
from pretix.celery_app import app

from .. import flags
from .kinds import EMAIL, KINDS
from .metrics import count_outcome
from .models import Notification
from .sms.base import GatewayRefused, GatewayUnavailable

logger = logging.getLogger(__name__)

MAX_RETRIES = 8
STUCK_AFTER = timedelta(minutes=15)


def _claim(pk: int) -> Notification | None:
    with transaction.atomic():
        n = Notification.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
        if n is None or n.status not in (Notification.PENDING,):
            return None
        n.status, n.attempts = Notification.SENDING, n.attempts + 1
        n.save(update_fields=["status", "attempts"])
    return n


def _finish(n: Notification, status: str, detail: str = "", **fields) -> None:
    n.status, n.detail, n.status_at = status, detail, now()
    if status in (Notification.SENT, Notification.DELIVERED):
        n.sent_at = n.sent_at or now()
    for k, v in fields.items():
        setattr(n, k, v)
    n.save()
    count_outcome(n.channel, n.kind, status)
    if n.order_id and status in (Notification.SENT, Notification.DELIVERED, Notification.FAILED,
                                 Notification.UNKNOWN):
        n.order.log_action(f"ticketing_core.notification.{status}",
                           data={"kind": n.kind, "channel": n.channel, "recipient": _mask(n), "detail": detail,
                                 "notification": n.pk})


def _mask(n: Notification) -> str:
    from .sms.phone import mask_phone

    return n.recipient if n.channel == EMAIL else mask_phone(n.recipient)


def send_email(n: Notification) -> None:
    from pretix.base.services.mail import mail

    from .literal import literal_mail, literal_subject

    order = n.order
    kind = KINDS[n.kind]
    if kind.customer_text:  # what the customer typed arrives as literal text, never as Markdown/HTML
        template, context = literal_mail(n.text, links=(n.context or {}).get("links") or ())
    else:  # the text is final: braces in it must not be read as placeholders
        template, context = LazyI18nString(n.text.replace("{", "{{").replace("}", "}}")), {}
    if order is None:  # a message not about an order (notify_contact): the organizer's sender and settings
        with language(n.locale or "ru", n.organizer.settings.region):
            outgoing = mail(n.recipient, literal_subject(n.subject), template, context, event=n.event,
                            organizer=n.organizer, locale=n.locale or "ru", customer=n.customer, auto_email=True)
        _finish(n, Notification.DELIVERED if outgoing is not None and outgoing.status == "sent"
                else Notification.SENT, outgoing_mail=outgoing)
        return
    with language(n.locale or order.locale, order.event.settings.region):
        outgoing = mail(
            n.recipient, literal_subject(n.subject), template, context, event=order.event,
            locale=n.locale or order.locale, order=order,
            attach_tickets=kind.attach_tickets and order.status == "p",
        )
    # with an eager mail queue (development, tests) pretix has already talked to the mail server
    done = outgoing is not None and outgoing.status == "sent"
    _finish(n, Notification.DELIVERED if done else Notification.SENT, outgoing_mail=outgoing)


def send_sms(n: Notification) -> None:
    from .sms.factory import gateway_for

    gateway, sender = gateway_for(n.organizer)
    result = gateway.send(n.recipient, n.text, sender=sender, idempotency_key=n.key)
    _finish(n, Notification.SENT, gateway_id=result.message_id or "", segments=result.segments)


@app.task(base=ProfiledTask, bind=True, max_retries=MAX_RETRIES, acks_late=True)
@scopes_disabled()
def send_notification(self, pk: int) -> str:
    n = _claim(pk)
    if n is None:
        return "not pending"
    if n.channel != EMAIL and not flags.enabled("sms_sending"):
        # the kill switch (Administration → Feature flags): recorded as skipped, visible in the delivery log
        _finish(n, Notification.SKIPPED, "SMS sending switched off (feature flag sms_sending)")
        return "switched off"
    try:
        if n.channel == EMAIL:
            send_email(n)
        else:
            send_sms(n)
    except GatewayRefused as e:
        _finish(n, Notification.FAILED, str(e))
        return "refused"
    except GatewayUnavailable as e:
        if e.maybe_sent:
            # The request reached the gateway and the answer was lost: sending again could send twice.
            _finish(n, Notification.UNKNOWN, f"{e}: the gateway may have sent it; check before sending again")
            return "unknown"
        # Nothing was sent: back to pending and try again later, with growing pauses.
        n.status, n.detail = Notification.PENDING, str(e)
        n.save(update_fields=["status", "detail"])
        if self.request.retries >= MAX_RETRIES:
            _finish(n, Notification.FAILED, f"gave up after {n.attempts} attempts: {e}")
            return "gave up"
        countdown = max(e.retry_after or 0, min(30 * 2 ** self.request.retries, 3600))
        raise self.retry(exc=e, countdown=countdown)
    except Exception as e:  # noqa: BLE001 - unexpected: recorded, visible, never silently lost
        logger.exception("Notification %s failed", n.pk)
        _finish(n, Notification.FAILED, f"{type(e).__name__}: {e}")
        return "error"
    return n.status


@scopes_disabled()
def sweep(at=None) -> dict:
    """Pending rows whose task was lost are sent again; rows stuck mid-send are marked for staff."""
    at = at or now()
    counts = {"requeued": 0, "unknown": 0}
    for n in Notification.objects.filter(status=Notification.PENDING, created__lt=at - timedelta(minutes=5),
                                         created__gt=at - timedelta(days=2)):
        send_notification.apply_async(args=(n.pk,))
        counts["requeued"] += 1
    stuck = Notification.objects.filter(status=Notification.SENDING, created__lt=at - STUCK_AFTER)
    for n in stuck:
        _finish(n, Notification.UNKNOWN, "the sending worker stopped; check before sending again")
        counts["unknown"] += 1
    return counts
