"""
State and business rules of the emulated YooKassa API v3: payments, refunds, receipts, idempotence keys.

Everything lives in memory under one re-entrant lock (requests are quick; slow-downs injected by the fault
API happen outside it) and is optionally written to a JSON state file after every change, so payments
survive a restart of ``make run`` (``load``/``save``: ``tools/emulator_kit/state.py``). Webhook notifications
are handed to ``Store.notify`` (set by the server to the webhook dispatcher) while the lock is held; the
dispatcher only queues them.
"""
import base64
import copy
import secrets
import threading
import time
import uuid
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from tools.emulator_kit.state import StateFile

from .validation import (
    CENT,
    PAYMENT_DESCRIPTION_MAX,
    PAYMENT_METHOD_TYPES,
    REFUND_DESCRIPTION_MAX,
    ApiError,
    amount_object,
    check_bool,
    check_description,
    check_metadata,
    invalid,
    money,
    not_found,
    parse_amount,
    parse_confirmation,
    parse_receipt,
    parse_settlements,
)

PAYMENT_STATUSES = ("pending", "waiting_for_capture", "succeeded", "canceled")
REFUND_STATUSES = ("pending", "succeeded", "canceled")
RECEIPT_STATUSES = ("pending", "succeeded", "canceled")
IDEMPOTENCE_TTL = 24 * 3600
HOLD_SECONDS = 7 * 24 * 3600  # bank cards: a two-stage payment is held for 7 days, then canceled
STATE_VERSION = 1

# cancellation_details.reason -> the party YooKassa names for it
CANCELLATION_PARTIES = {
    "3d_secure_failed": "payment_network",
    "call_issuer": "payment_network",
    "card_expired": "payment_network",
    "country_forbidden": "yoo_money",
    "fraud_suspected": "yoo_money",
    "general_decline": "payment_network",
    "identification_required": "yoo_money",
    "insufficient_funds": "payment_network",
    "invalid_card_number": "payment_network",
    "invalid_csc": "payment_network",
    "issuer_unavailable": "payment_network",
    "payment_method_limit_exceeded": "payment_network",
    "payment_method_restricted": "payment_network",
    "permission_revoked": "yoo_money",
    "internal_timeout": "yoo_money",
    "expired_on_confirmation": "yoo_money",
    "expired_on_capture": "yoo_money",
    "canceled_by_merchant": "merchant",
}


def iso(ts: float) -> str:
    """YooKassa's timestamps: ISO 8601 in UTC with milliseconds, e.g. 2019-01-22T14:30:45.129Z."""
    moment = datetime.fromtimestamp(ts, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def parse_iso(value: str, parameter: str) -> float:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise invalid(f"Invalid value of {parameter}: an ISO 8601 date-time is expected", parameter)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def new_id(kind: str) -> str:
    """Identifiers shaped like YooKassa's: time-based, e.g. 2a7834f6-000f-5000-a000-1da326e5e123."""
    return f"{int(time.time()):08x}-{kind}-5000-{secrets.choice('89ab')}000-{secrets.token_hex(6)}"


def gateway_id(shop_id: str) -> str:
    return str(100700 + sum(map(ord, shop_id)) % 1000)


class Store(StateFile):
    def __init__(self, shops: dict[str, str], *, public_url: str, state_file: str | Path | None = None,
                 commission: Decimal = Decimal("0.035"), measure_required: bool = False,
                 receipt_required: bool = False, hold_seconds: float = HOLD_SECONDS,
                 receipt_registration_delay: float = 0.0, clock=time.time):
        self.lock = threading.RLock()
        self.shops = dict(shops)
        self.public_url = public_url.rstrip("/")
        self.state_file = Path(state_file) if state_file else None
        self.commission = commission
        self.measure_required = measure_required
        self.receipt_required = receipt_required
        self.hold_seconds = hold_seconds
        self.receipt_registration_delay = receipt_registration_delay
        self.clock = clock
        self.webhook_urls: dict[str, str] = {}
        self.payments: dict[str, dict] = {}
        self.refunds: dict[str, dict] = {}
        self.receipts: dict[str, dict] = {}
        self.idempotence: dict[str, dict] = {}
        self.seq = 0
        # hooks set by the server
        self.notify = lambda shop_id, event, obj: None
        self.refund_should_pend = lambda shop_id: False
        self.load()

    # ------------------------------------------------------------------ persistence

    def restore_state(self, data: dict) -> None:
        self.payments = data.get("payments", {})
        self.refunds = data.get("refunds", {})
        self.receipts = data.get("receipts", {})
        self.idempotence = data.get("idempotence", {})
        self.webhook_urls.update(data.get("webhook_urls", {}))
        self.seq = data.get("seq", 0)
        self._purge_idempotence()

    def dump_state(self) -> dict:
        return {"version": STATE_VERSION, "seq": self.seq, "webhook_urls": self.webhook_urls,
                "payments": self.payments, "refunds": self.refunds, "receipts": self.receipts,
                "idempotence": self.idempotence}

    def reset(self, *, webhooks: bool = False) -> None:
        with self.lock:
            self.payments.clear()
            self.refunds.clear()
            self.receipts.clear()
            self.idempotence.clear()
            if webhooks:
                self.webhook_urls.clear()
            self.save()

    # ------------------------------------------------------------------ helpers

    def now(self) -> float:
        return self.clock()

    def _next_seq(self) -> int:
        self.seq += 1
        return self.seq

    def authenticate(self, shop_id: str | None, secret: str | None) -> bool:
        return shop_id is not None and secret is not None and self.shops.get(shop_id) == secret

    def checkout_url(self, payment_id: str) -> str:
        return f"{self.public_url}/checkout/{payment_id}"

    def _payment(self, shop_id: str | None, payment_id, parameter: str = "payment_id") -> dict:
        record = self.payments.get(payment_id) if isinstance(payment_id, str) else None
        if record is None or (shop_id is not None and record["shop_id"] != shop_id):
            raise not_found("Payment", parameter)
        self._refresh_payment(record)
        return record

    def _refund(self, shop_id: str | None, refund_id, parameter: str = "refund_id") -> dict:
        record = self.refunds.get(refund_id) if isinstance(refund_id, str) else None
        if record is None or (shop_id is not None and record["shop_id"] != shop_id):
            raise not_found("Refund", parameter)
        return record

    def _receipt(self, shop_id: str, receipt_id) -> dict:
        record = self.receipts.get(receipt_id) if isinstance(receipt_id, str) else None
        if record is None or record["shop_id"] != shop_id:
            raise not_found("Receipt", "receipt_id")
        self._refresh_receipt(record)
        return record

    def _emit(self, record: dict, event: str) -> None:
        self.notify(record["shop_id"], event, copy.deepcopy(record["object"]))

    # ------------------------------------------------------------------ idempotence

    def _purge_idempotence(self) -> None:
        horizon = self.now() - IDEMPOTENCE_TTL
        for key in [k for k, v in self.idempotence.items() if v["at"] < horizon]:
            del self.idempotence[key]

    def idempotent(self, shop_id: str, key: str, fingerprint: str, produce) -> tuple[int, dict, bool]:
        """
        Runs ``produce() -> (status, body)`` once per (shop, key) for 24 hours. A repeat with the same
        request gets the stored answer (status and body, marked replayed); the same key with another request
        gets YooKassa's "Idempotence key duplicated". Answers of 500 and above are not kept, so a retry
        after a server error runs again.
        """
        with self.lock:
            self._purge_idempotence()
            slot = f"{shop_id}\n{key}"
            entry = self.idempotence.get(slot)
            if entry is not None:
                if entry["fingerprint"] != fingerprint:
                    raise ApiError(400, "invalid_request", "Idempotence key duplicated", "Idempotence-Key")
                return entry["status"], copy.deepcopy(entry["body"]), True
            try:
                status, body = produce()
            except ApiError as error:
                status, body = error.status, error.body()
            if status < 500:
                self.idempotence[slot] = {"fingerprint": fingerprint, "status": status, "body": body,
                                          "at": self.now()}
            self.save()
            return status, copy.deepcopy(body), False

    # ------------------------------------------------------------------ payments

    def create_payment(self, shop_id: str, body: dict) -> dict:
        with self.lock:
            amount, currency = parse_amount(body.get("amount"))
            description = check_description(body.get("description"), "description", PAYMENT_DESCRIPTION_MAX)
            metadata = check_metadata(body.get("metadata"))
            capture = check_bool(body.get("capture"), "capture", False)
            save_method = check_bool(body.get("save_payment_method"), "save_payment_method", False)
            method_data = body.get("payment_method_data")
            method_type = None
            if method_data is not None:
                if not isinstance(method_data, dict) or method_data.get("type") not in PAYMENT_METHOD_TYPES:
                    raise invalid("Invalid payment_method_data.type", "payment_method_data.type")
                method_type = method_data["type"]
            saved_method_id = body.get("payment_method_id")
            if body.get("payment_token") is not None:
                raise invalid("payment_token (Checkout.js / mobile SDK tokens) isn't supported by the emulator",
                              "payment_token")
            saved_from = None
            if saved_method_id is not None:
                if method_data is not None:
                    raise invalid("Both payment_method_id and payment_method_data are specified",
                                  "payment_method_id")
                saved_from = self.payments.get(saved_method_id) if isinstance(saved_method_id, str) else None
                method = (saved_from or {}).get("object", {}).get("payment_method") or {}
                if saved_from is None or saved_from["shop_id"] != shop_id or not method.get("saved"):
                    raise invalid(f"Saved payment method {saved_method_id} not found", "payment_method_id")
            confirmation = None
            if body.get("confirmation") is not None:
                confirmation = parse_confirmation(body["confirmation"])
            elif saved_from is None:
                raise invalid("Parameter confirmation is missing: pass confirmation.type (redirect) and "
                              "confirmation.return_url", "confirmation")
            receipt = None
            if body.get("receipt") is not None:
                receipt = parse_receipt(body["receipt"], total=amount, currency=currency,
                                        measure_required=self.measure_required)
            elif self.receipt_required:
                raise invalid("Receipt is missing or illegal: this shop sends 54-FZ receipts, pass receipt",
                              "receipt")
            merchant_customer_id = check_description(body.get("merchant_customer_id"), "merchant_customer_id",
                                                     200)

            payment_id = new_id("000f")
            obj = {"id": payment_id, "status": "pending", "amount": amount_object(amount, currency)}
            if description is not None:
                obj["description"] = description
            obj["recipient"] = {"account_id": shop_id, "gateway_id": gateway_id(shop_id)}
            if method_type:
                obj["payment_method"] = {"type": method_type, "id": payment_id, "saved": False,
                                         "status": "inactive"}
            obj["created_at"] = iso(self.now())
            if confirmation is not None:
                obj["confirmation"] = self._confirmation_out(payment_id, confirmation)
            obj["test"] = True
            obj["paid"] = False
            obj["refundable"] = False
            if receipt is not None:
                obj["receipt_registration"] = "pending"
            obj["metadata"] = metadata
            if merchant_customer_id:
                obj["merchant_customer_id"] = merchant_customer_id
            record = {"shop_id": shop_id, "seq": self._next_seq(), "capture": capture, "receipt": receipt,
                      "save_payment_method": save_method, "method_type": method_type, "object": obj}
            self.payments[payment_id] = record
            if saved_from is not None:  # an autopayment with a saved method needs no confirmation
                self._succeed(record, saved_from["object"]["payment_method"]["type"])
            self.save()
            return copy.deepcopy(obj)

    def _confirmation_out(self, payment_id: str, confirmation: dict) -> dict:
        kind = confirmation["type"]
        out = dict(confirmation)
        if kind in ("redirect", "mobile_application"):
            out["confirmation_url"] = self.checkout_url(payment_id)
        elif kind == "embedded":
            out["confirmation_token"] = f"ct-{payment_id}"
        elif kind == "qr":
            out["confirmation_data"] = self.checkout_url(payment_id)
        return out

    def _payment_method(self, payment_id: str, kind: str, saved: bool) -> dict:
        method = {"type": kind, "id": payment_id, "saved": saved, "status": "saved" if saved else "inactive"}
        if kind == "bank_card":
            method["title"] = "Bank card *4477"
            method["card"] = {"first6": "555555", "last4": "4477", "expiry_year": "2030", "expiry_month": "12",
                              "card_type": "MasterCard", "issuer_country": "RU", "issuer_name": "Emulator Bank"}
        elif kind == "sbp":
            method["title"] = "СБП"
            method["sbp_operation_id"] = secrets.token_hex(8).upper()
            method["payer_bank_details"] = {"bank_id": "100000000111", "bic": "044525225"}
        elif kind == "yoo_money":
            method["title"] = "YooMoney wallet 410011758831136"
            method["account_number"] = "410011758831136"
        return method

    def _refresh_payment(self, record: dict) -> None:
        obj = record["object"]
        if obj["status"] == "waiting_for_capture" and obj.get("expires_at"):
            if self.now() >= parse_iso(obj["expires_at"], "expires_at"):
                self._cancel(record, "yoo_money", "expired_on_capture")
                self.save()

    def _succeed(self, record: dict, method_type: str | None = None) -> None:
        obj = record["object"]
        if obj["status"] != "pending":
            raise invalid(f"Payment {obj['id']} isn't pending (status {obj['status']})", "payment_id")
        kind = method_type or record.get("method_type") or "bank_card"
        if kind not in PAYMENT_METHOD_TYPES:
            raise invalid(f"Unknown payment method type {kind!r}", "payment_method")
        obj.pop("confirmation", None)
        obj["paid"] = True
        obj["payment_method"] = self._payment_method(obj["id"], kind, record.get("save_payment_method", False))
        if kind == "bank_card":
            obj["authorization_details"] = {
                "rrn": f"{secrets.randbelow(10**12):012d}", "auth_code": f"{secrets.randbelow(10**6):06d}",
                "three_d_secure": {"applied": False, "method_completed": False, "challenge_completed": False},
            }
        if record["capture"]:
            self._capture_done(record, Decimal(obj["amount"]["value"]), record.get("receipt"))
            self._emit(record, "payment.succeeded")
        else:
            obj["status"] = "waiting_for_capture"
            obj["expires_at"] = iso(self.now() + self.hold_seconds)
            self._emit(record, "payment.waiting_for_capture")

    def _capture_done(self, record: dict, amount: Decimal, receipt: dict | None) -> None:
        obj = record["object"]
        currency = obj["amount"]["currency"]
        obj["status"] = "succeeded"
        obj["paid"] = True
        obj["amount"] = amount_object(amount, currency)
        obj["income_amount"] = amount_object((amount * (1 - self.commission)).quantize(CENT, ROUND_HALF_UP),
                                             currency)
        obj["captured_at"] = iso(self.now())
        obj.pop("expires_at", None)
        obj["refundable"] = True
        if receipt is not None:
            record["receipt"] = receipt
            self._register_receipt(record["shop_id"], "payment", receipt, amount, currency,
                                   payment_id=obj["id"])
            obj["receipt_registration"] = "succeeded"

    def _cancel(self, record: dict, party: str, reason: str) -> None:
        obj = record["object"]
        obj["status"] = "canceled"
        obj["paid"] = False
        obj.pop("confirmation", None)
        obj.pop("expires_at", None)
        obj["refundable"] = False
        obj["cancellation_details"] = {"party": party, "reason": reason}
        if "receipt_registration" in obj:
            obj["receipt_registration"] = "canceled"
        self._emit(record, "payment.canceled")

    def get_payment(self, shop_id: str, payment_id: str) -> dict:
        with self.lock:
            return copy.deepcopy(self._payment(shop_id, payment_id)["object"])

    def capture_payment(self, shop_id: str, payment_id: str, body: dict) -> dict:
        with self.lock:
            record = self._payment(shop_id, payment_id)
            obj = record["object"]
            if obj["status"] != "waiting_for_capture":
                raise invalid(f"Payment {payment_id} can't be captured: its status is {obj['status']}, only "
                              "payments in waiting_for_capture can be captured", "payment_id")
            held, currency = Decimal(obj["amount"]["value"]), obj["amount"]["currency"]
            amount = held
            if body.get("amount") is not None:
                amount, _ = parse_amount(body["amount"], "amount", currency)
                if amount > held:
                    raise invalid(f"Capture amount {money(amount)} exceeds the held amount {money(held)}",
                                  "amount.value")
            receipt = record.get("receipt")
            if body.get("receipt") is not None:
                receipt = parse_receipt(body["receipt"], total=amount, currency=currency,
                                        measure_required=self.measure_required)
            elif receipt is not None and amount != held:
                raise invalid("Receipt is missing or illegal: a partial capture of a payment with a receipt "
                              "needs the receipt of the captured part", "receipt")
            self._capture_done(record, amount, receipt)
            self._emit(record, "payment.succeeded")
            self.save()
            return copy.deepcopy(obj)

    def cancel_payment(self, shop_id: str, payment_id: str) -> dict:
        with self.lock:
            record = self._payment(shop_id, payment_id)
            obj = record["object"]
            if obj["status"] != "waiting_for_capture":
                raise invalid(f"Payment {payment_id} can't be canceled: its status is {obj['status']}, only "
                              "payments in waiting_for_capture can be canceled", "payment_id")
            self._cancel(record, "merchant", "canceled_by_merchant")
            self.save()
            return copy.deepcopy(obj)

    def complete_payment(self, payment_id: str, outcome: str, *, reason: str | None = None,
                         party: str | None = None, method_type: str | None = None) -> dict:
        """The payer's side (checkout page) or the control API: succeed or cancel a payment."""
        with self.lock:
            record = self._payment(None, payment_id)
            obj = record["object"]
            if outcome == "succeed":
                self._succeed(record, method_type)
            elif outcome == "cancel":
                if obj["status"] not in ("pending", "waiting_for_capture"):
                    raise invalid(f"Payment {payment_id} is already {obj['status']}", "payment_id")
                reason = reason or "general_decline"
                self._cancel(record, party or CANCELLATION_PARTIES.get(reason, "payment_network"), reason)
            else:
                raise invalid(f"Unknown outcome {outcome!r}", "outcome")
            self.save()
            return copy.deepcopy(obj)

    def payment_record(self, payment_id: str) -> dict | None:
        with self.lock:
            record = self.payments.get(payment_id)
            if record is not None:
                self._refresh_payment(record)
            return copy.deepcopy(record)

    # ------------------------------------------------------------------ refunds

    def _refund_reserved(self, payment_id: str) -> Decimal:
        return sum((Decimal(r["object"]["amount"]["value"]) for r in self.refunds.values()
                    if r["object"]["payment_id"] == payment_id and r["object"]["status"] != "canceled"),
                   Decimal(0))

    def create_refund(self, shop_id: str, body: dict) -> dict:
        with self.lock:
            payment_id = body.get("payment_id")
            if not isinstance(payment_id, str) or not payment_id:
                raise invalid("Parameter payment_id is missing", "payment_id")
            payment = self._payment(shop_id, payment_id)
            pobj = payment["object"]
            currency = pobj["amount"]["currency"]
            amount, _ = parse_amount(body.get("amount"), "amount", currency)
            description = check_description(body.get("description"), "description", REFUND_DESCRIPTION_MAX)
            metadata = check_metadata(body.get("metadata")) if body.get("metadata") is not None else None
            if pobj["status"] != "succeeded":
                raise invalid(f"Payment {payment_id} can't be refunded: its status is {pobj['status']}; only "
                              "succeeded payments can be refunded", "payment_id")
            captured = Decimal(pobj["amount"]["value"])
            available = captured - self._refund_reserved(payment_id)
            if amount > available:
                raise invalid(f"Refund amount {money(amount)} exceeds the amount available for refund "
                              f"({money(available)} of {money(captured)})", "amount.value")
            receipt = None
            if body.get("receipt") is not None:
                receipt = parse_receipt(body["receipt"], total=amount, currency=currency,
                                        measure_required=self.measure_required)
            elif payment.get("receipt") is not None:
                if amount == captured:
                    receipt = payment["receipt"]  # a full refund reuses the payment's receipt data
                else:
                    raise invalid("Receipt is missing or illegal: a partial refund of a payment with a receipt "
                                  "needs the receipt of the refunded items", "receipt")
            refund_id = new_id("0016")
            obj = {"id": refund_id, "payment_id": payment_id, "status": "pending", "created_at": iso(self.now()),
                   "amount": amount_object(amount, currency)}
            if description is not None:
                obj["description"] = description
            if receipt is not None:
                obj["receipt_registration"] = "pending"
            if metadata is not None:
                obj["metadata"] = metadata
            record = {"shop_id": shop_id, "seq": self._next_seq(), "receipt": receipt, "object": obj}
            self.refunds[refund_id] = record
            if not self.refund_should_pend(shop_id):
                self._refund_succeed(record)
            self.save()
            return copy.deepcopy(obj)

    def _refund_totals(self, payment: dict) -> None:
        pobj = payment["object"]
        pid = pobj["id"]
        refunded = sum((Decimal(r["object"]["amount"]["value"]) for r in self.refunds.values()
                        if r["object"]["payment_id"] == pid and r["object"]["status"] == "succeeded"), Decimal(0))
        if refunded > 0:
            pobj["refunded_amount"] = amount_object(refunded, pobj["amount"]["currency"])
        pobj["refundable"] = Decimal(pobj["amount"]["value"]) - self._refund_reserved(pid) > 0

    def _refund_succeed(self, record: dict) -> None:
        obj = record["object"]
        obj["status"] = "succeeded"
        payment = self.payments[obj["payment_id"]]
        if record.get("receipt") is not None:
            self._register_receipt(record["shop_id"], "refund", record["receipt"], Decimal(obj["amount"]["value"]),
                                   obj["amount"]["currency"], payment_id=obj["payment_id"], refund_id=obj["id"])
            obj["receipt_registration"] = "succeeded"
        self._refund_totals(payment)
        self._emit(record, "refund.succeeded")

    def complete_refund(self, refund_id: str, outcome: str, reason: str | None = None) -> dict:
        with self.lock:
            record = self._refund(None, refund_id)
            obj = record["object"]
            if obj["status"] != "pending":
                raise invalid(f"Refund {refund_id} isn't pending (status {obj['status']})", "refund_id")
            if outcome == "succeed":
                self._refund_succeed(record)
            elif outcome == "cancel":
                obj["status"] = "canceled"
                obj["cancellation_details"] = {"party": "yoo_money", "reason": reason or "general_decline"}
                if "receipt_registration" in obj:
                    obj["receipt_registration"] = "canceled"
                self._refund_totals(self.payments[obj["payment_id"]])
            else:
                raise invalid(f"Unknown outcome {outcome!r}", "outcome")
            self.save()
            return copy.deepcopy(obj)

    def get_refund(self, shop_id: str, refund_id: str) -> dict:
        with self.lock:
            return copy.deepcopy(self._refund(shop_id, refund_id)["object"])

    # ------------------------------------------------------------------ receipts

    def _fiscal_fields(self) -> dict:
        return {
            "fiscal_document_number": str(3000 + self.seq),
            "fiscal_storage_number": "9288000100115785",
            "fiscal_attribute": f"{secrets.randbelow(10**10):010d}",
            "registered_at": iso(self.now()),
            "fiscal_provider_id": str(uuid.uuid4()),
        }

    def _register_receipt(self, shop_id: str, kind: str, receipt: dict, amount: Decimal, currency: str, *,
                          payment_id: str, refund_id: str | None = None) -> dict:
        """The receipt YooKassa registers itself for a payment or refund sent with receipt data."""
        receipt_id = "rt-" + new_id("001b")
        obj = {"id": receipt_id, "type": kind, "payment_id": payment_id}
        if refund_id:
            obj["refund_id"] = refund_id
        obj["status"] = "succeeded"
        obj.update(self._fiscal_fields())
        obj["items"] = copy.deepcopy(receipt["items"])
        obj["settlements"] = [{"type": "cashless", "amount": amount_object(amount, currency)}]
        if "tax_system_code" in receipt:
            obj["tax_system_code"] = receipt["tax_system_code"]
        record = {"shop_id": shop_id, "seq": self._next_seq(), "created": self.now(),
                  "customer": receipt.get("customer"), "object": obj}
        self.receipts[receipt_id] = record
        return record

    def _refresh_receipt(self, record: dict) -> None:
        obj = record["object"]
        if obj["status"] == "pending" and self.now() >= record.get("register_at", 0):
            obj["status"] = "succeeded"
            obj.update(self._fiscal_fields())
            self.save()

    def create_receipt(self, shop_id: str, body: dict) -> dict:
        with self.lock:
            kind = body.get("type")
            if kind not in ("payment", "refund"):
                raise invalid("Parameter type must be payment or refund", "type")
            send = body.get("send")
            if send is not True:
                raise invalid("Parameter send is missing or illegal: only true is allowed", "send")
            payment_id, refund_id = body.get("payment_id"), body.get("refund_id")
            currency = "RUB"
            if kind == "payment":
                if not payment_id:
                    raise invalid("Parameter payment_id is required for a payment receipt", "payment_id")
                payment = self._payment(shop_id, payment_id)
                if payment["object"]["status"] != "succeeded":
                    raise invalid(f"Payment {payment_id} isn't succeeded (status {payment['object']['status']})",
                                  "payment_id")
                currency = payment["object"]["amount"]["currency"]
            else:
                if not refund_id and not payment_id:
                    raise invalid("Parameter refund_id or payment_id is required for a refund receipt",
                                  "refund_id")
                if refund_id:
                    refund = self._refund(shop_id, refund_id)
                    if refund["object"]["status"] != "succeeded":
                        raise invalid(f"Refund {refund_id} isn't succeeded", "refund_id")
                    payment_id = payment_id or refund["object"]["payment_id"]
                if payment_id:
                    currency = self._payment(shop_id, payment_id)["object"]["amount"]["currency"]
            receipt = parse_receipt(body, prefix="", currency=currency, measure_required=self.measure_required)
            settlements, settled = parse_settlements(body.get("settlements"))
            if money(settled) != receipt["_total"]:
                raise invalid(f"The sum of settlements ({money(settled)}) doesn't match the sum of the items "
                              f"({receipt['_total']})", "settlements")
            receipt_id = "rt-" + new_id("001b")
            obj = {"id": receipt_id, "type": kind}
            if payment_id:
                obj["payment_id"] = payment_id
            if refund_id:
                obj["refund_id"] = refund_id
            obj["status"] = "pending"
            obj["items"] = receipt["items"]
            obj["settlements"] = settlements
            if "tax_system_code" in receipt:
                obj["tax_system_code"] = receipt["tax_system_code"]
            for key in ("internet", "timezone", "on_behalf_of"):
                if key in body:
                    obj[key] = body[key]
            self.receipts[receipt_id] = {
                "shop_id": shop_id, "seq": self._next_seq(), "created": self.now(),
                "register_at": self.now() + self.receipt_registration_delay,
                "customer": receipt["customer"], "object": obj,
            }
            self.save()
            return copy.deepcopy(obj)

    def get_receipt(self, shop_id: str, receipt_id: str) -> dict:
        with self.lock:
            return copy.deepcopy(self._receipt(shop_id, receipt_id)["object"])

    # ------------------------------------------------------------------ lists

    def _list(self, collection: dict, shop_id: str, query: dict, filters: tuple[str, ...], statuses,
              refresh=None, dates=("created_at",)) -> dict:
        def one(name):
            value = query.get(name)
            return value[0] if isinstance(value, list) else value

        limit_raw = one("limit")
        limit = 10
        if limit_raw is not None:
            if not str(limit_raw).isdigit() or not 1 <= int(limit_raw) <= 100:
                raise invalid("Invalid value of limit: 1..100", "limit")
            limit = int(limit_raw)
        offset = 0
        cursor = one("cursor")
        if cursor:
            try:
                offset = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode().removeprefix("o:"))
            except (ValueError, UnicodeDecodeError):
                raise invalid("Invalid cursor", "cursor")
        bounds = []
        for field in dates:
            for op in ("gte", "gt", "lte", "lt"):
                value = one(f"{field}.{op}")
                if value is not None:
                    bounds.append((field, op, parse_iso(value, f"{field}.{op}")))
        status = one("status")
        if status is not None and status not in statuses:
            raise invalid(f"Invalid value of status: {', '.join(statuses)}", "status")
        records = [r for r in collection.values() if r["shop_id"] == shop_id]
        if refresh:
            for record in records:
                refresh(record)
        matched = []
        for record in sorted(records, key=lambda r: r["seq"], reverse=True):
            obj = record["object"]
            if status is not None and obj.get("status") != status:
                continue
            if any(one(name) is not None and obj.get(name) != one(name) for name in filters):
                continue
            if one("payment_method") is not None and (obj.get("payment_method") or {}).get("type") != one(
                    "payment_method"):
                continue
            keep = True
            for field, op, bound in bounds:
                if not obj.get(field):
                    keep = False
                    break
                moment = parse_iso(obj[field], field)
                if not {"gte": moment >= bound, "gt": moment > bound, "lte": moment <= bound,
                        "lt": moment < bound}[op]:
                    keep = False
                    break
            if keep:
                matched.append(obj)
        page = matched[offset:offset + limit]
        result = {"type": "list", "items": copy.deepcopy(page)}
        if offset + limit < len(matched):
            result["next_cursor"] = base64.urlsafe_b64encode(f"o:{offset + limit}".encode()).decode().rstrip("=")
        return result

    def list_payments(self, shop_id: str, query: dict) -> dict:
        with self.lock:
            return self._list(self.payments, shop_id, query, (), PAYMENT_STATUSES, self._refresh_payment,
                              ("created_at", "captured_at"))

    def list_refunds(self, shop_id: str, query: dict) -> dict:
        with self.lock:
            return self._list(self.refunds, shop_id, query, ("payment_id",), REFUND_STATUSES)

    def list_receipts(self, shop_id: str, query: dict) -> dict:
        with self.lock:
            for record in self.receipts.values():
                if record["shop_id"] == shop_id:
                    self._refresh_receipt(record)
            # receipts have no created_at in the API object; their creation time is kept beside it
            listing = self._list(self.receipts, shop_id, query, ("payment_id", "refund_id"), RECEIPT_STATUSES,
                                 dates=())
            return listing

    # ------------------------------------------------------------------ shop

    def me(self, shop_id: str) -> dict:
        return {
            "account_id": shop_id,
            "test": True,
            "fiscalization_enabled": True,
            "fiscalization": {"enabled": True, "provider": "yoo_receipt"},
            "payment_methods": ["bank_card", "yoo_money", "sbp"],
            "status": "enabled",
        }

    def snapshot(self) -> dict:
        with self.lock:
            for record in self.payments.values():
                self._refresh_payment(record)
            return {
                "shops": {shop: {"secret": secret[:4] + "…", "webhook_url": self.webhook_urls.get(shop)}
                          for shop, secret in self.shops.items()},
                "payments": [dict(r["object"], _shop_id=r["shop_id"], _capture=r["capture"])
                             for r in sorted(self.payments.values(), key=lambda r: r["seq"])],
                "refunds": [dict(r["object"], _shop_id=r["shop_id"])
                            for r in sorted(self.refunds.values(), key=lambda r: r["seq"])],
                "receipts": [dict(r["object"], _shop_id=r["shop_id"], _customer=r.get("customer"))
                             for r in sorted(self.receipts.values(), key=lambda r: r["seq"])],
                "idempotence_keys": len(self.idempotence),
                "settings": {"measure_required": self.measure_required, "receipt_required": self.receipt_required,
                             "hold_seconds": self.hold_seconds,
                             "receipt_registration_delay": self.receipt_registration_delay,
                             "commission": str(self.commission)},
            }
