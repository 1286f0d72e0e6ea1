"""
YooKassa's notifications (webhooks). One global address serves every organizer's shop: the object's
id leads to our record, and so to the shop whose credentials re-fetch it.
"""
import ipaddress
import logging
import re

from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_scopes import scopes_disabled

from pretix.base.services.locking import LockTimeoutException
from pretix.helpers.http import get_client_ip

from ticketing_core import jsoninput

from .. import metrics
from ..models import YooKassaObject
from ..services import remote
from ..services.sync import sync_payment, sync_refund

# YooKassa's ids are UUID-like ("2d6d597e-000f-5000-9000-145f6df21d6f"); anything else is not one of ours
OBJECT_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

logger = logging.getLogger(__name__)

HANDLED_EVENTS = {"payment.succeeded", "payment.canceled", "payment.waiting_for_capture", "refund.succeeded"}
KNOWN_EVENTS = HANDLED_EVENTS | {"deal.closed", "payout.succeeded", "payout.canceled", "payment_method.active"}
# YooKassa's published notification sources (API reference, "Входящие уведомления"; the SDK's SecurityHelper).
YOOKASSA_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "185.71.76.0/27", "185.71.77.0/27", "77.75.153.0/25", "77.75.156.11/32", "77.75.156.35/32",
    "77.75.154.128/25", "2a02:5180::/32",
))

def from_yookassa(address: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(ip in net for net in YOOKASSA_NETWORKS)



@csrf_exempt
@require_POST
@scopes_disabled()
def webhook(request):
    """Counts every notification by event and result (``metrics.webhook``), then answers as :func:`handle`."""
    event, result, response = handle(request)
    metrics.webhook(event, result)
    return response


def handle(request) -> tuple[str, str, HttpResponse]:
    """
    YooKassa's notification is only a hint: nothing in the body is trusted. The object is looked up by
    id among our own records and re-fetched with that shop's credentials; unknown ids change nothing.
    Answers 200 to everything it has understood (YooKassa would otherwise retry for a day), 400 to
    what is not a notification, 403 to a sender outside YooKassa's networks where that is required,
    and 503 when YooKassa itself cannot be asked right now (so it sends the notification again).
    """
    if request.content_type != "application/json":
        return "", "invalid", HttpResponseBadRequest("expected application/json")
    try:
        body = jsoninput.loads(request.body)
    except ValueError:  # bad bytes, bad JSON, nested too deeply
        return "", "invalid", HttpResponseBadRequest("invalid JSON")
    if not isinstance(body, dict) or body.get("type") != "notification" or not isinstance(body.get("object"), dict):
        return "", "invalid", HttpResponseBadRequest("not a YooKassa notification")
    event, object_id = body.get("event"), body["object"].get("id")
    if event not in KNOWN_EVENTS:
        return "", "invalid", HttpResponseBadRequest("unknown event")
    if not isinstance(object_id, str) or not OBJECT_ID.fullmatch(object_id):
        return event, "invalid", HttpResponseBadRequest("no object id")
    if event not in HANDLED_EVENTS:
        logger.info("YooKassa notification %s for %s acknowledged and ignored", event, object_id)
        return event, "ignored", JsonResponse({"status": "ignored"})
    ref = YooKassaObject.objects.filter(reference=object_id).select_related(
        "payment", "refund", "order__event__organizer").first()
    expected_kind = YooKassaObject.KIND_REFUND if event.startswith("refund.") else YooKassaObject.KIND_PAYMENT
    if ref is None or ref.kind != expected_kind:
        logger.warning("YooKassa notification %s for unknown object %s ignored", event, object_id)
        return event, "unknown", JsonResponse({"status": "unknown"})
    target = ref.refund if ref.kind == YooKassaObject.KIND_REFUND else ref.payment
    provider = target.payment_provider
    if provider.settings.get("restrict_networks", as_type=bool, default=True) and \
            not from_yookassa(get_client_ip(request)):
        logger.warning("YooKassa notification for %s from %s refused: not a YooKassa network", object_id,
                       get_client_ip(request))
        return event, "forged", HttpResponse("forbidden", status=403)
    try:
        status = sync_refund(target) if ref.kind == YooKassaObject.KIND_REFUND else sync_payment(target)
    except remote.NotFound:
        return event, "unknown", JsonResponse({"status": "unknown"})
    except (LockTimeoutException, remote.Unreachable, remote.Refused):
        logger.warning("YooKassa notification %s for %s could not be processed now", event, object_id)
        return event, "error", HttpResponse("try again later", status=503)
    return event, "accepted", JsonResponse({"status": status})
