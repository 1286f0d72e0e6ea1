"""
The safety net under the webhooks: objects that are not final after a while are re-fetched and
settled, creations whose answer was lost are replayed with their own idempotence key, and a report
lists every difference between our records and YooKassa's.
"""
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q
from django.utils.timezone import now as utcnow

from pretix.base.models import OrderPayment, OrderRefund

from .. import metrics
from ..models import YooKassaObject
from . import remote
from .sync import apply_payment, sync_payment, sync_refund

logger = logging.getLogger(__name__)

# YooKassa keeps an idempotence key for 24 hours; a replay later than this could create a new object.
REPLAY_WINDOW = timedelta(hours=23)
MIN_AGE = timedelta(minutes=1)
# YooKassa finishes everything within days; what is still open after this is for the mismatch report.
GIVE_UP = timedelta(days=30)


def _age(settings) -> timedelta:
    from ..payment import DEFAULT_RECONCILE_MINUTES

    return timedelta(minutes=int(settings.get("reconcile_minutes") or DEFAULT_RECONCILE_MINUTES))


def reconcile_open(now: datetime | None = None) -> dict:
    """Settle what is not final yet; returns counts per outcome (for the log and the tests)."""
    now = now or utcnow()
    counts = {"checked": 0, "replayed": 0, "failed": 0}
    objects = (YooKassaObject.objects.filter(final=False, created__lt=now - MIN_AGE, created__gt=now - GIVE_UP)
               .select_related("payment", "refund", "order__event__organizer").order_by("created"))
    for obj in objects.iterator(chunk_size=200):
        provider = (obj.payment or obj.refund).payment_provider
        if obj.created > now - _age(provider.settings):
            continue
        try:
            if obj.kind == YooKassaObject.KIND_PAYMENT:
                status = sync_payment(obj.payment)
            elif obj.kind == YooKassaObject.KIND_REFUND:
                status = sync_refund(obj.refund)
            else:
                status = sync_settlement(obj)
            counts["checked"] += 1
            if status in ("succeeded", "canceled") and obj.status not in ("succeeded", "canceled"):
                # settled here, not by its webhook: a notification was lost or late
                metrics.differences("settled_late")
        except (remote.Unreachable, remote.Refused) as e:
            logger.warning("Reconciliation of %s failed: %s", obj, e)
            counts["failed"] += 1
    counts["replayed"] += _replay_lost_creations(now)
    return counts


def _replay_lost_creations(now: datetime) -> int:
    """A create call whose answer never came: send the stored request again with the same key."""
    replayed = 0
    payments = OrderPayment.objects.filter(
        provider="yookassa", state__in=(OrderPayment.PAYMENT_STATE_CREATED, OrderPayment.PAYMENT_STATE_PENDING),
        created__gt=now - REPLAY_WINDOW, created__lt=now - MIN_AGE, info__contains='"request"',
    ).exclude(pk__in=YooKassaObject.objects.filter(kind=YooKassaObject.KIND_PAYMENT).values("payment_id"))
    for payment in payments.select_related("order__event"):
        provider = payment.payment_provider
        if payment.created > now - _age(provider.settings):
            continue
        try:
            remote.create_payment(provider, payment, payment.info_data["request"])
            replayed += 1
        except (remote.Unreachable, remote.Refused) as e:
            logger.warning("Replaying the creation of %s failed: %s", payment.full_id, e)
    refunds = OrderRefund.objects.filter(
        provider="yookassa", state=OrderRefund.REFUND_STATE_CREATED, created__gt=now - REPLAY_WINDOW,
        created__lt=now - MIN_AGE, info__contains='"request"',
    ).exclude(pk__in=YooKassaObject.objects.filter(kind=YooKassaObject.KIND_REFUND).values("refund_id"))
    for refund in refunds.select_related("order__event", "payment"):
        try:
            remote.create_refund(refund.payment_provider, refund, refund.info_data["request"])
            replayed += 1
        except (remote.Unreachable, remote.Refused) as e:
            logger.warning("Replaying the refund %s failed: %s", refund.full_id, e)
    return replayed


def sync_settlement(obj: YooKassaObject) -> str:
    receipt = remote.fetch_receipt(remote.created_with(obj.payment), obj.reference)
    remote.update(obj, receipt.status, None)
    payment = obj.payment
    payment.info_data = {**payment.info_data, "settlement": {"id": receipt.id, "status": receipt.status}}
    payment.save(update_fields=["info"])
    return receipt.status


@dataclass
class Mismatch:
    order: str
    reference: str
    ours: str
    theirs: str
    problem: str

    def __str__(self) -> str:
        return (f"{self.order or '-':<10} {self.reference:<38} ours={self.ours:<10} yookassa={self.theirs:<20} "
                f"{self.problem}")


EXPECTED = {
    OrderPayment.PAYMENT_STATE_CONFIRMED: {"succeeded"},
    OrderPayment.PAYMENT_STATE_REFUNDED: {"succeeded"},
    OrderPayment.PAYMENT_STATE_PENDING: {"pending", "waiting_for_capture"},
    OrderPayment.PAYMENT_STATE_CREATED: {"pending"},
    OrderPayment.PAYMENT_STATE_FAILED: {"canceled"},
    OrderPayment.PAYMENT_STATE_CANCELED: {"canceled", "pending"},
}
REFUND_EXPECTED = {
    OrderRefund.REFUND_STATE_DONE: {"succeeded"},
    OrderRefund.REFUND_STATE_TRANSIT: {"pending"},
    OrderRefund.REFUND_STATE_CREATED: {"pending"},
    OrderRefund.REFUND_STATE_FAILED: {"canceled"},
}


def find_mismatches(since: datetime, organizer=None, fix: bool = False) -> list[Mismatch]:
    """
    Compare every YooKassa payment and refund of the period, both ways: each of ours against the
    object at YooKassa, and each object YooKassa lists for the shop against ours. ``fix`` applies
    YooKassa's state to ours where the two differ (through the same code path as a webhook).
    """
    found: list[Mismatch] = []
    payments = OrderPayment.objects.filter(provider="yookassa", created__gte=since).select_related("order__event")
    refunds = OrderRefund.objects.filter(provider="yookassa", created__gte=since).select_related("order__event")
    if organizer is not None:
        payments = payments.filter(order__event__organizer=organizer)
        refunds = refunds.filter(order__event__organizer=organizer)
    objects = list(YooKassaObject.objects.filter(Q(payment__in=payments) | Q(refund__in=refunds)))
    payment_refs = {o.payment_id: o for o in objects if o.kind == YooKassaObject.KIND_PAYMENT}
    refund_refs = {o.refund_id: o for o in objects if o.kind == YooKassaObject.KIND_REFUND}
    shops = {}
    for payment in payments:
        try:
            creds = remote.created_with(payment)  # the shop and API it was made at
        except remote.ShopUnavailable as e:
            found.append(Mismatch(payment.order.code, payment.full_id, payment.state, "?", str(e)))
            continue
        shops.setdefault(creds, []).append(payment)
    for creds, local in shops.items():
        try:
            remote_payments = {p.id: p for p in remote.list_payments(creds, {"created_at.gte": _iso(since)})}
        except (remote.Unreachable, remote.Refused) as e:
            found.append(Mismatch("", creds.shop_id, "", "", f"cannot list payments: {e}"))
            continue
        for payment in local:
            ref = payment_refs.get(payment.pk)
            if ref is None:
                if payment.state in (OrderPayment.PAYMENT_STATE_CONFIRMED, OrderPayment.PAYMENT_STATE_PENDING):
                    found.append(Mismatch(payment.order.code, payment.full_id, payment.state, "-",
                                          "no YooKassa payment recorded"))
                continue
            theirs = remote_payments.get(ref.reference)
            if theirs is None:
                try:
                    theirs = remote.fetch_payment(creds, ref.reference)
                except remote.NotFound:
                    found.append(Mismatch(payment.order.code, ref.reference, payment.state, "-", "unknown at YooKassa"))
                    continue
            problem = ""
            if theirs.status not in EXPECTED.get(payment.state, set()):
                problem = "state differs"
            elif remote.amount_of(theirs) != payment.amount:
                problem = f"amount differs: ours {payment.amount}, YooKassa {theirs.amount.value}"
            if problem:
                found.append(Mismatch(payment.order.code, ref.reference, payment.state, theirs.status, problem))
                if fix:
                    apply_payment(payment, theirs, creds)
        known = set(YooKassaObject.objects.filter(reference__in=list(remote_payments)).values_list(
            "reference", flat=True))
        for ref_id, theirs in remote_payments.items():
            if ref_id in known:
                continue
            metadata = getattr(theirs, "metadata", None) or {}
            found.append(Mismatch(metadata.get("order", ""), ref_id, "-", theirs.status,
                                  f"not recorded by us ({theirs.amount.value} {theirs.amount.currency})"))
    for refund in refunds:
        ref = refund_refs.get(refund.pk)
        if ref is None:
            if refund.state in (OrderRefund.REFUND_STATE_DONE, OrderRefund.REFUND_STATE_TRANSIT,
                                OrderRefund.REFUND_STATE_CREATED):
                found.append(Mismatch(refund.order.code, refund.full_id, refund.state, "-",
                                      "no YooKassa refund recorded"))
            continue
        try:
            theirs = remote.fetch_refund(remote.created_with(refund.payment), ref.reference)
        except remote.ShopUnavailable as e:
            found.append(Mismatch(refund.order.code, ref.reference, refund.state, "?", str(e)))
            continue
        except remote.NotFound:
            found.append(Mismatch(refund.order.code, ref.reference, refund.state, "-", "unknown at YooKassa"))
            continue
        except (remote.Unreachable, remote.Refused) as e:
            found.append(Mismatch(refund.order.code, ref.reference, refund.state, "?", f"cannot fetch: {e}"))
            continue
        if theirs.status not in REFUND_EXPECTED.get(refund.state, set()) or remote.amount_of(theirs) != refund.amount:
            found.append(Mismatch(refund.order.code, ref.reference, refund.state, theirs.status, "refund differs"))
            if fix:
                sync_refund(refund)
    for m in found:
        metrics.differences(difference_kind(m))
    return found


def difference_kind(m: Mismatch) -> str:
    """The metric's label for a mismatch (a fixed vocabulary, never the order or the reference)."""
    if m.problem.startswith("amount"):
        return "amount"
    if m.problem.startswith("not recorded by us"):
        return "missing_here"
    if m.problem.startswith(("unknown at YooKassa", "no YooKassa")):
        return "missing_there"
    if m.problem.startswith("cannot") or m.theirs == "?":
        return "unreadable"
    return "state"


def _iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
