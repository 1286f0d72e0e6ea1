"""
Delivery reports: the SMS gateway's callbacks (or, when they never come, polling), and pretix's own
record of each e-mail. Each final report is logged on the order, which is what pretix's webhooks
("message delivered", "message failed") are made of.
"""
import hmac
import logging
from datetime import timedelta

from django.db import transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils.timezone import now
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from pretix.base.models import Organizer

from .models import Notification
from .sms.base import GatewayRefused, GatewayUnavailable

logger = logging.getLogger(__name__)

MAP = {"delivered": Notification.DELIVERED, "failed": Notification.FAILED, "expired": Notification.FAILED}


def apply_status(n: Notification, status: str, detail: str = "") -> bool:
    """Move ``n`` to a reported state (never backwards from a final one); True when it changed."""
    from .tasks import _finish

    new = MAP.get(status)
    if new is None:
        return False
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=n.pk)
        if locked.status in (Notification.DELIVERED, Notification.FAILED, Notification.SKIPPED):
            return False
        _finish(locked, new, detail or status)
    return True


def sync_email_statuses(since=None) -> int:
    """pretix's outgoing mail decides whether an e-mail went out; mirror it into the delivery log."""
    changed = 0
    since = since or now() - timedelta(days=2)
    for n in Notification.objects.filter(channel="email", status=Notification.SENT, outgoing_mail__isnull=False,
                                         created__gt=since).select_related("outgoing_mail"):
        mail_status = n.outgoing_mail.status
        if mail_status == "sent":
            changed += apply_status(n, "delivered", "accepted by the mail server")
        elif mail_status in ("failed", "aborted", "bounced"):
            changed += apply_status(n, "failed", n.outgoing_mail.error or mail_status)
    return changed


@scopes_disabled()
def poll_sms_statuses(older_than: timedelta = timedelta(minutes=10)) -> int:
    from .sms.factory import gateway_for

    changed = 0
    cutoff = now() - older_than
    pending = Notification.objects.filter(channel="sms", status=Notification.SENT, sent_at__lt=cutoff,
                                          sent_at__gt=now() - timedelta(days=3)).exclude(gateway_id="")
    for n in pending.select_related("organizer"):
        try:
            gateway, _sender = gateway_for(n.organizer)
            report = gateway.status(n.gateway_id)
        except (GatewayRefused, GatewayUnavailable) as e:
            logger.info("SMS status of %s unknown for now: %s", n.pk, e)
            continue
        changed += apply_status(n, report.status, report.detail)
    changed += sync_email_statuses()
    return changed


@csrf_exempt
@require_POST
@scopes_disabled()
def sms_callback(request, organizer: str, token: str):
    """
    The gateway's delivery reports for one organizer's account, at an address with the account's secret
    token (compared in constant time): without it nobody can report our sequential message ids. Only ids
    we sent through that account are touched, and a report can only move a message forward, so even a
    report with the token cannot do more than a real one.
    """
    from .sms.factory import CALLBACK_TOKEN_KEY, gateway_for

    org = Organizer.objects.filter(slug=organizer).first()
    expected = str(org.settings.get(CALLBACK_TOKEN_KEY) or "") if org is not None else ""
    if not expected or not hmac.compare_digest(expected.encode(), token.encode()):
        logger.warning("SMS delivery report for %s with a wrong or no token refused", organizer)
        return HttpResponseForbidden("forbidden", content_type="text/plain")
    try:
        gateway, _sender = gateway_for(org)
    except GatewayRefused:  # SMS not (or no longer) set up: nothing of ours to update
        return HttpResponseBadRequest("SMS is not set up for this organizer", content_type="text/plain")
    try:
        reports = gateway.parse_callback(request.POST or request.body)
    except (ValueError, GatewayRefused):
        logger.warning("Unreadable SMS delivery report for %s ignored", organizer)
        reports = []  # answered like any other: the gateway would otherwise repeat it forever
    for report in reports:
        n = Notification.objects.filter(organizer=org, channel="sms", gateway_id=report.message_id).first()
        if n is not None:
            apply_status(n, report.status, report.detail)
    return HttpResponse(gateway.callback_ack, content_type="text/plain")  # SMS.ru stops retrying on "100"
