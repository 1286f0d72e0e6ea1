"""
YooKassa's metrics (pretix's metric classes through ``ticketing_core.observability.metrics``): payments, webhooks,
the lag from YooKassa's success to the paid order, refunds, 54-FZ receipt registrations and reconciliation.

Every function here is one Redis operation (a histogram: one pipeline) and never a query; they are called
where the state actually changes (``services/remote.py``, ``services/sync.py``, ``views/webhook.py``), so a
retried webhook or a second sync counts nothing twice. The gauges that need a query are set by
:func:`update_pending` from the periodic task. Labels are fixed vocabularies: no order codes, no shop ids.
"""
import time
from datetime import datetime, timedelta

from django.utils.timezone import now

from ticketing_core.observability.metrics import INF, Counter, Gauge, Histogram, label, safely

METHODS = ("bank_card", "sbp", "yoo_money", "sberbank", "tinkoff_bank", "mir_pay", "sber_loan", "b2b_sberbank",
           "mobile_balance", "cash", "any")
PAYMENT_RESULTS = ("created", "succeeded", "canceled")
WEBHOOK_RESULTS = ("accepted", "ignored", "forged", "unknown", "invalid", "error")
WEBHOOK_EVENTS = ("payment.succeeded", "payment.canceled", "payment.waiting_for_capture", "refund.succeeded",
                  "deal.closed", "payout.succeeded", "payout.canceled", "payment_method.active")
REFUND_RESULTS = ("succeeded", "canceled", "refused", "unreachable")
RECEIPT_RESULTS = ("succeeded", "canceled")
RECEIPT_KINDS = ("payment", "refund", "settlement")
DIFFERENCE_KINDS = ("settled_late", "state", "amount", "missing_here", "missing_there", "unreadable")

payments_total = Counter("prichal_yookassa_payments_total",
                         "YooKassa payments by method and result (created, succeeded, canceled).",
                         ["method", "result"])
webhooks_total = Counter("prichal_yookassa_webhooks_total",
                         "YooKassa notifications by event and result (accepted, ignored, forged, unknown, invalid, "
                         "error).", ["event", "result"])
webhook_last_received = Gauge("prichal_yookassa_webhook_last_received_timestamp_seconds",
                              "Unix time of the last notification from YooKassa that was accepted.", [])
paid_latency_seconds = Histogram(
    "prichal_yookassa_paid_latency_seconds",
    "Seconds from YooKassa's capture of a payment to pretix confirming it (webhook, return or reconciliation).",
    [], buckets=[1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, INF])
refunds_total = Counter("prichal_yookassa_refunds_total",
                        "YooKassa refunds by result (succeeded, canceled, refused, unreachable).", ["result"])
receipts_total = Counter("prichal_yookassa_receipts_total",
                         "54-FZ receipt registrations reported by YooKassa, by receipt kind and result.",
                         ["kind", "result"])
reconciliation_differences_total = Counter(
    "prichal_yookassa_reconciliation_differences_total",
    "Differences between YooKassa and pretix found by the reconciliation, by kind.", ["kind"])
pending_payments = Gauge("prichal_yookassa_pending_payments",
                         "YooKassa payments created in the last day and not final yet (periodic).", [])
oldest_pending_age_seconds = Gauge("prichal_yookassa_oldest_pending_payment_age_seconds",
                                   "Age of the oldest non-final YooKassa payment of the last day (periodic).", [])


def method_label(value) -> str:
    return label(value or "any", METHODS)


def payment_created(method) -> None:
    safely(payments_total.inc, method=method_label(method), result="created")


def payment_settled(obj, result: str) -> None:
    """``obj``: YooKassa's payment object, the moment pretix moved our payment to confirmed or failed."""
    method = getattr(getattr(obj, "payment_method", None), "type", None)
    safely(payments_total.inc, method=method_label(method), result=label(result, PAYMENT_RESULTS))
    if result == "succeeded":
        captured = _parse(getattr(obj, "captured_at", None))
        if captured is not None:
            safely(paid_latency_seconds.observe, max((now() - captured).total_seconds(), 0.0))


def _parse(value) -> datetime | None:
    if not value:
        return None
    try:
        return value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def webhook(event, result: str) -> None:
    safely(webhooks_total.inc, event=label(event, WEBHOOK_EVENTS), result=label(result, WEBHOOK_RESULTS))
    if result in ("accepted", "ignored", "unknown"):  # YooKassa reached us with a notification that parsed
        safely(webhook_last_received.set, time.time())


def refund(result: str) -> None:
    safely(refunds_total.inc, result=label(result, REFUND_RESULTS))


def receipt(kind: str, old_status: str, new_status: str) -> None:
    """Counted once, when the registration reaches a final result."""
    if new_status in RECEIPT_RESULTS and new_status != old_status:
        safely(receipts_total.inc, kind=label(kind, RECEIPT_KINDS), result=new_status)


def differences(kind: str, amount: int = 1) -> None:
    if amount > 0:
        safely(reconciliation_differences_total.inc, amount, kind=label(kind, DIFFERENCE_KINDS))


def update_pending(at=None) -> tuple[int, float]:
    """Periodic (a query, never on a request): how many payments wait for YooKassa's word, and since when."""
    from django.db.models import Count, Min

    from .models import YooKassaObject

    at = at or now()
    agg = YooKassaObject.objects.filter(kind=YooKassaObject.KIND_PAYMENT, status__in=("pending", "waiting_for_capture"),
                                        created__gt=at - timedelta(days=1)).aggregate(n=Count("id"), m=Min("created"))
    age = max((at - agg["m"]).total_seconds(), 0.0) if agg["m"] else 0.0
    safely(pending_payments.set, agg["n"])
    safely(oldest_pending_age_seconds.set, age)
    return agg["n"], age
