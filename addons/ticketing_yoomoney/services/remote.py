"""
Every call to YooKassa, through the official SDK, with its failures sorted into two kinds: YooKassa
said no (:class:`Refused`, retrying the same request is pointless) or we do not know what happened
(:class:`Unreachable`, retry with the same idempotence key, which can never charge or refund twice).

The idempotence key of a create call is derived from our own record, and the exact request body is
stored on that record before it is sent, so a retry (by the customer, staff or the reconciliation)
sends byte-for-byte the same request and YooKassa answers with the object it already created.
"""
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import requests
from django.db import transaction
from django.utils.timezone import now
from django.utils.translation import gettext
from yookassa.domain.exceptions import (
    ApiError,
    InternalServerError,
    ResponseProcessingError,
    TooManyRequestsError,
)

from pretix.base.models import OrderPayment, OrderRefund

from .. import metrics
from ..client import (
    ShopCredentials,
    ShopPayment,
    ShopReceipt,
    ShopRefund,
    ShopSettings,
    shop,
)
from ..models import YooKassaObject

logger = logging.getLogger(__name__)


class Refused(Exception):
    """YooKassa answered with an error about the request itself (4xx)."""

    def __init__(self, description: str, code: str = "", status: int = 0):
        super().__init__(description)
        self.description, self.code, self.status = description, code, status


class Unreachable(Exception):
    """No answer, a lost answer, 5xx or 429: the outcome is unknown; the same request may be retried."""


class NotFound(Refused):
    pass


class ShopUnavailable(NotFound):
    """The settings no longer hold the key of the shop an object was created in: nobody is asked."""

    def __init__(self, shop_id: str):
        super().__init__(gettext("The settings no longer hold the secret key of YooKassa shop {shop}, where this "
                                 "payment was made.").format(shop=shop_id or "?"), "shop_unavailable", 0)


@contextmanager
def api(credentials: ShopCredentials) -> Iterator[None]:
    """Talk to YooKassa as this shop; translate the SDK's many failure shapes into ours."""
    try:
        with shop(credentials):
            yield
    except (InternalServerError, ResponseProcessingError, TooManyRequestsError) as e:
        raise Unreachable(str(e.content)) from e
    except ApiError as e:
        content = e.content or {}
        cls = NotFound if getattr(e, "HTTP_CODE", 0) == 404 else Refused
        raise cls(str(content.get("description") or content.get("code") or e), str(content.get("code", "")),
                  getattr(e, "HTTP_CODE", 0)) from e
    except (requests.RequestException, OSError) as e:
        raise Unreachable(str(e)) from e
    except AttributeError as e:
        # yookassa 3.x: a connection that dies without an answer surfaces as
        # "'NoneType' object has no attribute 'status_code'".
        raise Unreachable(str(e)) from e
    except ValueError as e:  # a non-JSON answer from a proxy, or the SDK's own request validation
        raise Unreachable(str(e)) from e


def remember(kind: str, reference: str, credentials: ShopCredentials, order, payment=None, refund=None,
             status: str = "", receipt_status: str = "") -> YooKassaObject:
    obj, created = YooKassaObject.objects.get_or_create(reference=reference, defaults={
        "kind": kind, "shop_id": credentials.shop_id, "api_url": credentials.api_url, "order": order,
        "payment": payment, "refund": refund, "status": status, "receipt_status": receipt_status,
    })
    if not created:
        update(obj, status, receipt_status)
    else:
        _count_receipt(obj, "", "")
    return obj


def _count_receipt(obj: YooKassaObject, old_status: str, old_receipt: str) -> None:
    """A settlement object *is* a receipt (its status is the registration's); the others carry one."""
    if obj.kind == YooKassaObject.KIND_SETTLEMENT:
        metrics.receipt(obj.kind, old_status, obj.status)
    else:
        metrics.receipt(obj.kind, old_receipt, obj.receipt_status)


def update(obj: YooKassaObject, status: str, receipt_status: str | None) -> None:
    old_status, old_receipt = obj.status, obj.receipt_status
    obj.status = status or obj.status
    if receipt_status is not None:
        obj.receipt_status = receipt_status or ""
    obj.final = obj.is_final()
    obj.last_checked = now()
    obj.save(update_fields=["status", "receipt_status", "final", "last_checked"])
    _count_receipt(obj, old_status, old_receipt)


def payment_key(payment: OrderPayment) -> str:
    return f"prichal-payment-{payment.full_id}"


def refund_key(refund: OrderRefund) -> str:
    return f"prichal-refund-{refund.full_id}"


def settlement_key(payment: OrderPayment) -> str:
    return f"prichal-settlement-{payment.full_id}"


def method_info(remote) -> dict:
    """What the back office shows about how the customer paid; never more than YooKassa shows itself."""
    pm = getattr(remote, "payment_method", None)
    if pm is None:
        return {}
    info = {"type": getattr(pm, "type", None), "title": getattr(pm, "title", None)}
    card = getattr(pm, "card", None)
    if card is not None:
        info.update({"card_first6": getattr(card, "first6", None), "card_last4": getattr(card, "last4", None),
                     "card_type": getattr(card, "card_type", None),
                     "card_expiry": f"{getattr(card, 'expiry_month', '')}/{getattr(card, 'expiry_year', '')}"})
    if getattr(pm, "account_number", None):
        info["account_number"] = pm.account_number
    return {k: v for k, v in info.items() if v}


def remote_payment_info(remote) -> dict:
    info = {
        "id": remote.id, "status": remote.status, "paid": bool(remote.paid),
        "test": bool(getattr(remote, "test", False)), "amount": str(remote.amount.value),
        "payment_method": method_info(remote), "receipt_status": getattr(remote, "receipt_registration", None) or "",
    }
    income = getattr(remote, "income_amount", None)
    if income is not None and getattr(income, "value", None) is not None:
        info["income_amount"] = str(income.value)  # what YooKassa pays out: its commission is amount - this
    return {**info, **cancellation_of(remote)}


def cancellation_of(remote) -> dict:
    """Who declined a payment or refund and why (YooKassa's cancellation_details), if it was."""
    details = getattr(remote, "cancellation_details", None)
    if details is None:
        return {}
    return {"cancellation": {"party": getattr(details, "party", None), "reason": getattr(details, "reason", None)}}


def create_payment(provider, payment: OrderPayment, params: dict) -> str:
    """
    Create (or, on a retry, find again) the YooKassa payment of ``payment``; returns where to send
    the customer: YooKassa's page while the payment waits for them, else our own return view.
    """
    from .sync import apply_payment

    retry = "request" in payment.info_data
    credentials = created_with(payment)  # a retry goes where the first attempt went, whatever the settings say
    request = payment.info_data.get("request") or params
    payment.info_data = {**payment.info_data, "request": request, "shop_id": credentials.shop_id,
                         "api_url": credentials.api_url}
    payment.save(update_fields=["info"])
    with api(credentials):
        obj = ShopPayment.create(request, payment_key(payment))
        if not retry:
            metrics.payment_created((request.get("payment_method_data") or {}).get("type"))
        if retry:  # YooKassa replays its first answer to a known key; the payer may have paid since
            obj = ShopPayment.find_one(obj.id)
    confirmation = getattr(obj, "confirmation", None)
    url = getattr(confirmation, "confirmation_url", None) if obj.status == "pending" else None
    if not url:  # paid or declined meanwhile (a retry): settle it, then show the order
        apply_payment(payment, obj, credentials)
        return request["confirmation"]["return_url"]
    with transaction.atomic():
        locked = OrderPayment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
        remember(YooKassaObject.KIND_PAYMENT, obj.id, credentials, payment.order, payment=payment,
                 status=obj.status, receipt_status=getattr(obj, "receipt_registration", None) or "")
        locked.info_data = {**locked.info_data, **remote_payment_info(obj)}
        if locked.state == OrderPayment.PAYMENT_STATE_CREATED:
            locked.state = OrderPayment.PAYMENT_STATE_PENDING
        locked.save(update_fields=["info", "state"])
    payment.refresh_from_db()
    return url


def created_with(payment: OrderPayment) -> ShopCredentials:
    """
    The shop and API ``payment`` was created with (our own record of it, else what the first attempt
    stored on the payment), with that shop's key from the settings: everything about a payment (its
    state, its refunds, its settlement receipt) is asked there and nowhere else.
    """
    from ..payment import shop_credentials

    ref = YooKassaObject.objects.filter(payment=payment, kind=YooKassaObject.KIND_PAYMENT).first()
    shop_id = ref.shop_id if ref else str(payment.info_data.get("shop_id") or "")
    if not shop_id:  # never sent anywhere yet: it goes to the shop the settings name now
        return payment.payment_provider.credentials
    api_url = ref.api_url if ref else str(payment.info_data.get("api_url") or "")
    return shop_credentials(payment.order.event, shop_id, api_url)


def fetch_payment(credentials: ShopCredentials, reference: str):
    with api(credentials):
        return ShopPayment.find_one(reference)


def create_refund(provider, refund: OrderRefund, params: dict) -> None:
    """Create (or find again) the YooKassa refund of ``refund`` and record what YooKassa says."""
    from .sync import apply_refund

    credentials = created_with(refund.payment)  # a refund goes to the shop that holds the payment
    request = refund.info_data.get("request") or params
    refund.info_data = {**refund.info_data, "request": request, "shop_id": credentials.shop_id}
    refund.save(update_fields=["info"])
    with api(credentials):
        obj = ShopRefund.create(request, refund_key(refund))
    apply_refund(refund, obj, credentials)


def fetch_refund(credentials: ShopCredentials, reference: str):
    with api(credentials):
        return ShopRefund.find_one(reference)


def create_receipt(credentials: ShopCredentials, params: dict, key: str):
    with api(credentials):
        return ShopReceipt.create(params, key)


def fetch_receipt(credentials: ShopCredentials, reference: str):
    with api(credentials):
        return ShopReceipt.find_one(reference)


def list_payments(credentials: ShopCredentials, params: dict) -> Iterator:
    """Every payment YooKassa lists for ``params``, following the cursor."""
    params = {"limit": 100, **params}
    while True:
        with api(credentials):
            page = ShopPayment.list(params)
        yield from page.items or []
        if not getattr(page, "next_cursor", None):
            return
        params = {**params, "cursor": page.next_cursor}


def check_connection(credentials: ShopCredentials) -> dict:
    """``GET /v3/me``: whether the shop ID and key work, and what YooKassa knows about the shop."""
    with api(credentials):
        me = ShopSettings.get_account_settings()
    return {
        "account_id": str(getattr(me, "account_id", "") or ""),
        "test": bool(getattr(me, "test", False)),
        "fiscalization": bool(getattr(getattr(me, "fiscalization", None), "enabled", False)
                              or getattr(me, "fiscalization_enabled", False)),
        "status": getattr(me, "status", ""),
    }


def amount_of(remote) -> Decimal:
    return Decimal(str(remote.amount.value)).quantize(Decimal("0.01"))
