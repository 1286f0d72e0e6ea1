"""
The YooKassa emulator driven through the official ``yookassa`` SDK (plain pytest, no database).

SDK behaviour these tests pin down (yookassa 3.13.0):

* ``Configuration`` is process-global; ``ApiClient()`` reads it at every call.
* ``Payment.create``/``capture``/``cancel``, ``Refund.create`` and ``Receipt.create`` send an
  ``Idempotence-Key`` header: the ``idempotency_key`` argument, or a fresh uuid4 per call.
* The SDK mounts its retrying adapter on ``https://`` only (POST, HTTP 202, up to ``max_attempts``), so
  against ``http://127.0.0.1`` nothing is retried; it never retries 429 or 500 and sets no network timeout.
* A connection that dies without an answer surfaces as ``AttributeError`` ('NoneType' object has no
  attribute 'status_code') from ``ApiClient.request``, not as a ``requests`` exception.
* The SDK validates some things itself (amount > 0, receipt customer contact, description length) and
  raises ``ValueError`` before sending; the server-side checks are exercised with raw HTTP.
"""
import json
import time
import uuid
from decimal import Decimal

import pytest
import requests
from yookassa import Configuration, Payment, Receipt, Refund, Settings
from yookassa.domain.exceptions import (
    BadRequestError,
    InternalServerError,
    NotFoundError,
    ResponseProcessingError,
    TooManyRequestsError,
    UnauthorizedError,
)
from yookassa.domain.notification import WebhookNotificationFactory

from tools.emulator_kit.testing import (
    Receiver,
    command_line,
    control,
    loopback_allowed,  # noqa: F401 (an autouse fixture)
    running,
)
from tools.yookassa_emulator import start_server, stop_server

SHOP, SECRET = "100500", "test_prichal_secret"
OTHER_SHOP, OTHER_SECRET = "200600", "other_secret"
RETURN_URL = "http://127.0.0.1:9/return"


# ---------------------------------------------------------------------------------------------- fixtures


class Listener(Receiver):
    """A webhook receiver: collects POSTed JSON; answers 500 to the first ``fail_first`` requests."""

    def __init__(self):
        self.fail_first = self.hits = 0
        super().__init__("/yookassa/webhook")

    def answer(self, body: bytes, headers) -> tuple[int, str]:
        self.hits += 1
        if self.hits <= self.fail_first:
            return 500, ""
        self.received.put(json.loads(body))
        return 200, ""


@pytest.fixture(scope="module")
def listener():
    with Listener() as listener:
        yield listener


@pytest.fixture(scope="module")
def emulator(listener):
    with running(start_server(0, shops={SHOP: SECRET, OTHER_SHOP: OTHER_SECRET}, webhook_url={SHOP: listener.url},
                              webhook_retry_delays=(0.1, 0.2, 0.3))) as base_url:
        yield base_url


@pytest.fixture(autouse=True)
def clean(emulator, listener):
    control(emulator, "POST", "/reset")
    control(emulator, "POST", "/webhook-url", {"shop_id": SHOP, "url": listener.url})
    listener.fail_first = listener.hits = 0
    while not listener.received.empty():
        listener.received.get_nowait()
    yield


@pytest.fixture
def sdk(emulator):
    """The SDK configured for the demo shop; the global Configuration is restored afterwards."""
    saved = {name: getattr(Configuration, name) for name in
             ("account_id", "secret_key", "api_url", "timeout", "max_attempts", "auth_token", "verify")}
    Configuration.configure(SHOP, SECRET, api_url=emulator + "/v3")
    yield emulator
    for name, value in saved.items():
        setattr(Configuration, name, value)


def raw_post(base_url: str, path: str, body, key: str | None = "auto", auth=(SHOP, SECRET)):
    headers = {} if key is None else {"Idempotence-Key": str(uuid.uuid4()) if key == "auto" else key}
    return requests.post(f"{base_url}/v3{path}", json=body, headers=headers, auth=auth, timeout=10)


def payment_params(value: str = "1500.00", *, capture: bool = True, **extra) -> dict:
    params = {"amount": {"value": value, "currency": "RUB"}, "capture": capture,
              "confirmation": {"type": "redirect", "return_url": RETURN_URL},
              "description": "Заказ №72: прогулка по Неве", "metadata": {"order": "PRCH-72"}}
    params.update(extra)
    return params


def receipt(*items, email: str = "guest@example.com") -> dict:
    return {"customer": {"email": email}, "items": list(items)}


def item(price: str, quantity="1", vat_code=11, description="Билет «Вечерняя Нева»") -> dict:
    return {"description": description, "quantity": quantity, "amount": {"value": price, "currency": "RUB"},
            "vat_code": vat_code, "payment_subject": "service", "payment_mode": "full_payment"}


def pay_on_page(payment, action: str = "pay", **form) -> requests.Response:
    return requests.post(payment.confirmation.confirmation_url, data={"action": action, **form},
                         allow_redirects=False, timeout=10)


def paid_payment(value: str = "1500.00", **extra):
    payment = Payment.create(payment_params(value, **extra))
    pay_on_page(payment)
    return Payment.find_one(payment.id)


# ---------------------------------------------------------------------------------------------- payments


def test_create_payment_with_redirect_and_get(sdk):
    payment = Payment.create(payment_params())
    assert payment.status == "pending"
    assert payment.paid is False
    assert payment.test is True
    assert payment.refundable is False
    assert payment.amount.value == Decimal("1500.00")
    assert payment.amount.currency == "RUB"
    assert payment.confirmation.type == "redirect"
    assert payment.confirmation.return_url == RETURN_URL
    assert payment.confirmation.confirmation_url == f"{sdk}/checkout/{payment.id}"
    assert payment.metadata == {"order": "PRCH-72", "cms_name": "yookassa_sdk_python"}  # the SDK adds cms_name
    assert payment.recipient.account_id == SHOP
    assert payment.created_at.endswith("Z")
    assert len(payment.id) == 36 and payment.id.count("-") == 4

    same = Payment.find_one(payment.id)
    assert same.id == payment.id and same.status == "pending" and same.description == payment.description

    raw = requests.get(f"{sdk}/v3/payments/{payment.id}", auth=(SHOP, SECRET), timeout=10).json()
    assert raw["amount"] == {"value": "1500.00", "currency": "RUB"}
    assert "payment_method" not in raw  # chosen on the confirmation page


def test_capture_defaults_to_false_like_yookassa(sdk):
    params = payment_params()
    del params["capture"]
    payment = Payment.create(params)
    pay_on_page(payment)
    assert Payment.find_one(payment.id).status == "waiting_for_capture"


def test_unknown_payment_is_not_found(sdk):
    with pytest.raises(NotFoundError) as error:
        Payment.find_one("2a7834f6-000f-5000-a000-1da326e5e123")
    assert error.value.content["code"] == "not_found"
    assert error.value.content["parameter"] == "payment_id"


def test_other_shops_payment_is_invisible(sdk, emulator):
    payment = Payment.create(payment_params())
    response = requests.get(f"{emulator}/v3/payments/{payment.id}", auth=(OTHER_SHOP, OTHER_SECRET), timeout=10)
    assert response.status_code == 404


def test_checkout_page_pay_redirects_succeeds_and_notifies(sdk, listener):
    payment = Payment.create(payment_params())
    page = requests.get(payment.confirmation.confirmation_url, timeout=10)
    assert page.status_code == 200
    assert "Оплатить" in page.text and "Отказаться" in page.text and "1\u202f500,00" in page.text
    assert "<script" not in page.text and "<link" not in page.text and "src=" not in page.text  # self-contained

    answer = pay_on_page(payment)
    assert answer.status_code == 303
    assert answer.headers["Location"] == RETURN_URL

    paid = Payment.find_one(payment.id)
    assert paid.status == "succeeded"
    assert paid.paid is True
    assert paid.refundable is True
    assert paid.captured_at
    assert paid.confirmation is None
    assert paid.payment_method.type == "bank_card"
    assert paid.payment_method.card.last4 == "4477"
    assert paid.income_amount.value < paid.amount.value

    notification = listener.next()
    assert notification["type"] == "notification"
    assert notification["event"] == "payment.succeeded"
    assert notification["object"]["id"] == payment.id
    assert notification["object"]["status"] == "succeeded"
    parsed = WebhookNotificationFactory().create(notification)  # what a provider's webhook view does
    assert parsed.object.id == payment.id and parsed.object.paid is True


def test_checkout_page_decline_cancels_with_details(sdk, listener):
    payment = Payment.create(payment_params())
    answer = pay_on_page(payment, "decline", reason="card_expired")
    assert answer.status_code == 303

    canceled = Payment.find_one(payment.id)
    assert canceled.status == "canceled"
    assert canceled.paid is False
    assert canceled.cancellation_details.party == "payment_network"
    assert canceled.cancellation_details.reason == "card_expired"

    notification = listener.next()
    assert notification["event"] == "payment.canceled"
    assert notification["object"]["cancellation_details"] == {"party": "payment_network", "reason": "card_expired"}

    again = requests.get(payment.confirmation.confirmation_url, timeout=10)
    assert "Отменён" in again.text  # the page of a finished payment only shows its status


def test_payment_method_chosen_on_page(sdk):
    payment = Payment.create(payment_params())
    pay_on_page(payment, method="sbp")
    assert Payment.find_one(payment.id).payment_method.type == "sbp"


def test_list_payments_with_status_filter_and_cursor(sdk):
    created = [Payment.create(payment_params(f"{100 + n}.00")).id for n in range(3)]
    pay_on_page(Payment.find_one(created[0]))
    first = Payment.list({"limit": 2})
    assert first.type == "list"
    assert [p.id for p in first.items] == [created[2], created[1]]  # newest first
    assert first.next_cursor
    second = Payment.list({"limit": 2, "cursor": first.next_cursor})
    assert [p.id for p in second.items] == [created[0]]
    assert second.next_cursor is None
    assert [p.id for p in Payment.list({"status": "succeeded"}).items] == [created[0]]
    with pytest.raises(BadRequestError):
        Payment.list({"limit": 1000})


# ---------------------------------------------------------------------------------------------- idempotence


def test_same_idempotence_key_returns_the_same_payment(sdk):
    key = str(uuid.uuid4())
    first = Payment.create(payment_params(), idempotency_key=key)
    second = Payment.create(payment_params(), idempotency_key=key)
    assert second.id == first.id
    assert len(Payment.list().items) == 1


def test_same_idempotence_key_with_another_body_is_refused(sdk):
    key = str(uuid.uuid4())
    Payment.create(payment_params(), idempotency_key=key)
    with pytest.raises(BadRequestError) as error:
        Payment.create(payment_params("2000.00"), idempotency_key=key)
    assert error.value.content["code"] == "invalid_request"
    assert error.value.content["description"] == "Idempotence key duplicated"
    assert error.value.content["parameter"] == "Idempotence-Key"


def test_idempotence_keys_are_per_shop(sdk, emulator):
    key = str(uuid.uuid4())
    mine = raw_post(emulator, "/payments", payment_params(), key=key).json()
    theirs = raw_post(emulator, "/payments", payment_params(), key=key, auth=(OTHER_SHOP, OTHER_SECRET)).json()
    assert mine["id"] != theirs["id"]


def test_idempotent_replay_keeps_status_and_body_of_errors_too(sdk, emulator):
    key = str(uuid.uuid4())
    first = raw_post(emulator, "/payments", payment_params("0.00"), key=key)
    second = raw_post(emulator, "/payments", payment_params("0.00"), key=key)
    assert first.status_code == second.status_code == 400
    assert first.json() == second.json()


def test_post_without_idempotence_key_is_refused(sdk, emulator):
    response = raw_post(emulator, "/payments", payment_params(), key=None)
    assert response.status_code == 400
    assert response.json()["parameter"] == "Idempotence-Key"
    too_long = raw_post(emulator, "/payments", payment_params(), key="k" * 65)
    assert too_long.status_code == 400


# ---------------------------------------------------------------------------------------------- auth


def test_wrong_credentials_are_401(sdk, emulator):
    Configuration.configure(SHOP, "wrong_secret", api_url=emulator + "/v3")
    with pytest.raises(UnauthorizedError) as error:
        Payment.create(payment_params())
    body = error.value.content
    assert body["type"] == "error"
    assert body["code"] == "invalid_credentials"
    assert body["id"] and body["description"]
    assert requests.get(f"{emulator}/v3/payments", timeout=10).status_code == 401  # no auth at all


def test_account_settings(sdk):
    me = Settings.get_account_settings()
    assert me.account_id == SHOP and me.test is True


# ---------------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize("value", ["0.00", "-5.00", "12.345", "abc", "1,50", ""])
def test_bad_amount_is_refused_by_the_server(sdk, emulator, value):
    response = raw_post(emulator, "/payments", payment_params(value))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["parameter"] == "amount.value"


def test_zero_amount_is_refused_by_the_sdk_itself(sdk):
    with pytest.raises(ValueError, match="Invalid payment amount"):
        Payment.create(payment_params("0"))


def test_amount_as_json_number_is_accepted_and_normalized(sdk, emulator):
    response = raw_post(emulator, "/payments", payment_params(value=None) | {"amount": {"value": 99.5,
                                                                                        "currency": "RUB"}})
    assert response.status_code == 200
    assert response.json()["amount"]["value"] == "99.50"


def test_only_roubles(sdk):
    params = payment_params()
    params["amount"]["currency"] = "USD"
    with pytest.raises(BadRequestError) as error:
        Payment.create(params)
    assert error.value.content["parameter"] == "amount.currency"


def test_description_limit_and_metadata_limits(sdk, emulator):
    assert raw_post(emulator, "/payments", payment_params(description="x" * 128)).status_code == 200
    too_long = raw_post(emulator, "/payments", payment_params(description="x" * 129))
    assert too_long.status_code == 400 and too_long.json()["parameter"] == "description"
    many = raw_post(emulator, "/payments", payment_params(metadata={f"k{n}": "v" for n in range(17)}))
    assert many.status_code == 400 and many.json()["parameter"] == "metadata"
    long_key = raw_post(emulator, "/payments", payment_params(metadata={"k" * 33: "v"}))
    assert long_key.status_code == 400
    long_value = raw_post(emulator, "/payments", payment_params(metadata={"k": "v" * 513}))
    assert long_value.status_code == 400
    nested = raw_post(emulator, "/payments", payment_params(metadata={"k": {"a": 1}}))
    assert nested.status_code == 400


def test_capture_must_be_boolean_and_redirect_needs_return_url(sdk, emulator):
    assert raw_post(emulator, "/payments", payment_params(capture="yes")).json()["parameter"] == "capture"
    no_return = raw_post(emulator, "/payments", payment_params(confirmation={"type": "redirect"}))
    assert no_return.status_code == 400 and no_return.json()["parameter"] == "confirmation.return_url"
    no_confirmation = payment_params()
    del no_confirmation["confirmation"]
    assert raw_post(emulator, "/payments", no_confirmation).json()["parameter"] == "confirmation"


def test_receipt_items_must_add_up_to_the_amount(sdk):
    # amount of an item is the price of one unit: 2 x 700 = 1400 != 1500
    with pytest.raises(BadRequestError) as error:
        Payment.create(payment_params(receipt=receipt(item("700.00", quantity="2"))))
    assert error.value.content["parameter"] == "receipt"
    assert "1400.00" in error.value.content["description"]
    ok = Payment.create(payment_params(receipt=receipt(item("750.00", quantity="2"))))
    assert ok.receipt_registration == "pending"


@pytest.mark.parametrize("vat_code", [0, 13, 99])
def test_bad_vat_code_is_refused(sdk, vat_code):
    with pytest.raises(BadRequestError) as error:
        Payment.create(payment_params(receipt=receipt(item("1500.00", vat_code=vat_code))))
    assert error.value.content["parameter"] == "receipt.items[0].vat_code"


@pytest.mark.parametrize("vat_code", [1, 4, 6, 11, 12])
def test_vat_codes_up_to_12_are_accepted(sdk, vat_code):
    payment = Payment.create(payment_params(receipt=receipt(item("1500.00", vat_code=vat_code))))
    assert payment.status == "pending"


def test_receipt_needs_customer_contact_subject_mode_and_short_descriptions(sdk, emulator):
    no_contact = receipt(item("1500.00"))
    no_contact["customer"] = {"full_name": "Иван Петров"}
    response = raw_post(emulator, "/payments", payment_params(receipt=no_contact))
    assert response.status_code == 400 and response.json()["parameter"] == "receipt.customer"
    with pytest.raises(ValueError):  # the SDK refuses this one before sending
        Payment.create(payment_params(receipt=no_contact))

    by_phone = receipt(item("1500.00"))
    by_phone["customer"] = {"phone": "79001234567"}
    assert raw_post(emulator, "/payments", payment_params(receipt=by_phone)).status_code == 200

    no_subject = item("1500.00")
    del no_subject["payment_subject"]
    response = raw_post(emulator, "/payments", payment_params(receipt=receipt(no_subject)))
    assert response.json()["parameter"] == "receipt.items[0].payment_subject"
    bad_mode = item("1500.00") | {"payment_mode": "whenever"}
    response = raw_post(emulator, "/payments", payment_params(receipt=receipt(bad_mode)))
    assert response.json()["parameter"] == "receipt.items[0].payment_mode"
    long_description = item("1500.00", description="Б" * 129)
    response = raw_post(emulator, "/payments", payment_params(receipt=receipt(long_description)))
    assert response.json()["parameter"] == "receipt.items[0].description"


# ---------------------------------------------------------------------------------------------- two-stage


def test_capture_false_then_capture(sdk, listener):
    payment = Payment.create(payment_params(capture=False))
    pay_on_page(payment)
    held = Payment.find_one(payment.id)
    assert held.status == "waiting_for_capture"
    assert held.paid is True
    assert held.expires_at
    assert listener.next()["event"] == "payment.waiting_for_capture"

    captured = Payment.capture(payment.id, {"amount": {"value": "1000.00", "currency": "RUB"}})
    assert captured.status == "succeeded"
    assert captured.amount.value == Decimal("1000.00")
    assert listener.next()["event"] == "payment.succeeded"
    with pytest.raises(BadRequestError):
        Payment.capture(payment.id)  # already captured


def test_capture_false_then_cancel(sdk, listener):
    payment = Payment.create(payment_params(capture=False))
    pay_on_page(payment)
    listener.next()
    canceled = Payment.cancel(payment.id)
    assert canceled.status == "canceled"
    assert canceled.cancellation_details.party == "merchant"
    assert canceled.cancellation_details.reason == "canceled_by_merchant"
    assert listener.next()["event"] == "payment.canceled"


def test_capture_above_held_amount_and_cancel_of_pending_are_refused(sdk):
    payment = Payment.create(payment_params(capture=False))
    with pytest.raises(BadRequestError):
        Payment.cancel(payment.id)  # pending: only waiting_for_capture payments can be canceled
    pay_on_page(payment)
    with pytest.raises(BadRequestError) as error:
        Payment.capture(payment.id, {"amount": {"value": "1500.01", "currency": "RUB"}})
    assert error.value.content["parameter"] == "amount.value"


def test_held_payment_expires(sdk, emulator, listener):
    control(emulator, "POST", "/settings", {"hold_seconds": 0.2})
    try:
        payment = Payment.create(payment_params(capture=False))
        pay_on_page(payment)
        assert listener.next()["event"] == "payment.waiting_for_capture"
        time.sleep(0.3)
        expired = Payment.find_one(payment.id)
        assert expired.status == "canceled"
        assert expired.cancellation_details.reason == "expired_on_capture"
        assert listener.next()["event"] == "payment.canceled"
    finally:
        control(emulator, "POST", "/settings", {"hold_seconds": 7 * 24 * 3600})


# ---------------------------------------------------------------------------------------------- refunds


def test_full_refund(sdk, listener):
    payment = paid_payment()
    listener.next()
    refund = Refund.create({"payment_id": payment.id, "amount": {"value": "1500.00", "currency": "RUB"},
                            "description": "Отмена рейса"})
    assert refund.status == "succeeded"
    assert refund.payment_id == payment.id
    assert refund.amount.value == Decimal("1500.00")
    after = Payment.find_one(payment.id)
    assert after.refunded_amount.value == Decimal("1500.00")
    assert after.refundable is False
    notification = listener.next()
    assert notification["event"] == "refund.succeeded"
    assert notification["object"]["id"] == refund.id
    assert Refund.find_one(refund.id).status == "succeeded"


def test_partial_refunds_and_over_refund(sdk):
    payment = paid_payment()
    first = Refund.create({"payment_id": payment.id, "amount": {"value": "500.00", "currency": "RUB"}})
    second = Refund.create({"payment_id": payment.id, "amount": {"value": "400.00", "currency": "RUB"}})
    assert first.status == second.status == "succeeded"
    assert Payment.find_one(payment.id).refunded_amount.value == Decimal("900.00")
    assert Payment.find_one(payment.id).refundable is True
    with pytest.raises(BadRequestError) as error:
        Refund.create({"payment_id": payment.id, "amount": {"value": "600.01", "currency": "RUB"}})
    assert error.value.content["parameter"] == "amount.value"
    assert "600.00" in error.value.content["description"]
    listed = Refund.list({"payment_id": payment.id})
    assert {r.id for r in listed.items} == {first.id, second.id}


def test_refund_only_for_succeeded_payments(sdk):
    payment = Payment.create(payment_params())
    with pytest.raises(BadRequestError) as error:
        Refund.create({"payment_id": payment.id, "amount": {"value": "1.00", "currency": "RUB"}})
    assert error.value.content["parameter"] == "payment_id"
    with pytest.raises(NotFoundError):
        Refund.create({"payment_id": "2a7834f6-000f-5000-a000-1da326e5e123",
                       "amount": {"value": "1.00", "currency": "RUB"}})


def test_partial_refund_of_a_payment_with_receipt_needs_a_matching_receipt(sdk):
    payment = paid_payment(receipt=receipt(item("750.00", quantity="2")))
    with pytest.raises(BadRequestError) as error:
        Refund.create({"payment_id": payment.id, "amount": {"value": "750.00", "currency": "RUB"}})
    assert error.value.content["parameter"] == "receipt"
    refund = Refund.create({"payment_id": payment.id, "amount": {"value": "750.00", "currency": "RUB"},
                            "receipt": receipt(item("750.00"))})
    assert refund.receipt_registration == "succeeded"
    kinds = sorted(r.type for r in Receipt.list({"payment_id": payment.id}).items)
    assert kinds == ["payment", "refund"]


def test_pending_refund_fault_then_completion(sdk, emulator, listener):
    payment = paid_payment()
    listener.next()
    control(emulator, "POST", "/faults", {"kind": "refund_pending"})
    refund = Refund.create({"payment_id": payment.id, "amount": {"value": "1500.00", "currency": "RUB"}})
    assert refund.status == "pending"
    with pytest.raises(BadRequestError):  # the pending refund already reserves the money
        Refund.create({"payment_id": payment.id, "amount": {"value": "1.00", "currency": "RUB"}})
    assert listener.nothing(0.3)
    control(emulator, "POST", f"/refunds/{refund.id}/succeed")
    assert Refund.find_one(refund.id).status == "succeeded"
    assert listener.next()["event"] == "refund.succeeded"


# ---------------------------------------------------------------------------------------------- receipts


def test_receipt_registered_with_payment(sdk):
    payment = paid_payment(receipt=receipt(item("1000.00"), item("250.00", quantity="2", vat_code=1,
                                                                     description="Обед на борту")))
    assert payment.receipt_registration == "succeeded"
    receipts = Receipt.list({"payment_id": payment.id}).items
    assert len(receipts) == 1
    assert receipts[0].type == "payment" and receipts[0].status == "succeeded"
    assert receipts[0].fiscal_document_number
    assert Receipt.find_one(receipts[0].id).id == receipts[0].id


def test_create_and_list_separate_receipts(sdk):
    payment = paid_payment()
    settlement = Receipt.create({
        "type": "payment", "payment_id": payment.id, "send": True,
        "customer": {"email": "guest@example.com"},
        "items": [item("1500.00") | {"payment_mode": "full_payment"}],
        "settlements": [{"type": "prepayment", "amount": {"value": "1500.00", "currency": "RUB"}}],
    })
    assert settlement.status == "pending"
    assert settlement.payment_id == payment.id
    assert Receipt.find_one(settlement.id).status == "succeeded"
    assert [r.id for r in Receipt.list({"payment_id": payment.id}).items] == [settlement.id]

    with pytest.raises(BadRequestError) as error:  # settlements must match the items
        Receipt.create({
            "type": "payment", "payment_id": payment.id, "send": True, "customer": {"email": "g@example.com"},
            "items": [item("1500.00")],
            "settlements": [{"type": "prepayment", "amount": {"value": "1000.00", "currency": "RUB"}}],
        })
    assert error.value.content["parameter"] == "settlements"


# ---------------------------------------------------------------------------------------------- faults


def test_injected_500_is_an_internal_server_error_and_not_retried(sdk, emulator):
    control(emulator, "POST", "/faults", {"kind": "error_500", "path": "/payments", "method": "POST"})
    key = str(uuid.uuid4())
    with pytest.raises(InternalServerError) as error:
        Payment.create(payment_params(), idempotency_key=key)
    assert error.value.content["code"] == "internal_server_error"
    assert Payment.list().items == []  # not processed, and the SDK did not retry
    assert Payment.create(payment_params(), idempotency_key=key).status == "pending"  # a retry goes through


def test_500_after_processing_then_retry_with_same_key_gets_the_same_payment(sdk, emulator):
    control(emulator, "POST", "/faults", {"kind": "error_500", "method": "POST", "after": True})
    key = str(uuid.uuid4())
    with pytest.raises(InternalServerError):
        Payment.create(payment_params(), idempotency_key=key)
    [created] = Payment.list().items
    assert Payment.create(payment_params(), idempotency_key=key).id == created.id


def test_injected_429_carries_retry_after(sdk, emulator):
    control(emulator, "POST", "/faults", {"kind": "error_429", "retry_after": 3, "count": 2})
    with pytest.raises(TooManyRequestsError) as error:
        Payment.list()
    assert error.value.content["code"] == "too_many_requests"
    response = requests.get(f"{emulator}/v3/payments", auth=(SHOP, SECRET), timeout=10)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "3"
    assert Payment.list().type == "list"  # the fault is used up


def test_processing_202_is_a_response_processing_error_over_http(sdk, emulator):
    control(emulator, "POST", "/faults", {"kind": "processing"})
    with pytest.raises(ResponseProcessingError) as error:
        Payment.create(payment_params())
    assert error.value.content["type"] == "processing"


def test_dropped_connection_surfaces_as_attribute_error_from_the_sdk(sdk, emulator):
    control(emulator, "POST", "/faults", {"kind": "drop", "method": "POST", "after": True})
    key = str(uuid.uuid4())
    with pytest.raises((AttributeError, requests.ConnectionError)):
        Payment.create(payment_params(), idempotency_key=key)
    [created] = Payment.list().items  # it was processed: the answer got lost
    assert Payment.create(payment_params(), idempotency_key=key).id == created.id


def test_timeout_fault(sdk, emulator):
    control(emulator, "POST", "/faults", {"kind": "timeout", "delay": 1.0})
    with pytest.raises(requests.ReadTimeout):  # a caller with a network timeout (the SDK sets none)
        requests.get(f"{emulator}/v3/payments", auth=(SHOP, SECRET), timeout=0.3)
    control(emulator, "POST", "/faults", {"kind": "timeout", "delay": 0.5})
    started = time.monotonic()
    with pytest.raises((AttributeError, requests.ConnectionError)):
        Payment.list()  # the SDK waits until the server gives up
    assert time.monotonic() - started >= 0.5


def test_slow_fault(sdk, emulator):
    control(emulator, "POST", "/faults", {"kind": "slow", "delay": 0.4})
    started = time.monotonic()
    assert Payment.create(payment_params()).status == "pending"
    assert time.monotonic() - started >= 0.4
    assert control(emulator, "GET", "/faults") == []


# ---------------------------------------------------------------------------------------------- webhooks


def test_control_api_marks_payment_succeeded_later(sdk, emulator, listener):
    payment = Payment.create(payment_params())
    control(emulator, "POST", f"/payments/{payment.id}/succeed")
    assert Payment.find_one(payment.id).status == "succeeded"
    assert listener.next()["event"] == "payment.succeeded"
    other = Payment.create(payment_params())
    control(emulator, "POST", f"/payments/{other.id}/cancel", {"reason": "expired_on_confirmation"})
    canceled = Payment.find_one(other.id)
    assert canceled.cancellation_details.party == "yoo_money"
    assert canceled.cancellation_details.reason == "expired_on_confirmation"


def test_lost_webhook(sdk, emulator, listener):
    control(emulator, "POST", "/faults", {"kind": "lose_webhook"})
    payment = Payment.create(payment_params())
    pay_on_page(payment)
    assert listener.nothing(0.5)
    assert Payment.find_one(payment.id).status == "succeeded"  # polling still sees it
    assert [e["state"] for e in control(emulator, "GET", "/webhooks")] == ["lost"]


def test_duplicated_webhook(sdk, emulator, listener):
    control(emulator, "POST", "/faults", {"kind": "duplicate_webhook"})
    payment = paid_payment()
    first, second = listener.next(), listener.next()
    assert first == second
    assert first["object"]["id"] == payment.id


def test_delayed_webhook_arrives_after_a_later_one(sdk, emulator, listener):
    control(emulator, "POST", "/faults", {"kind": "delay_webhook", "delay": 0.6, "event": "payment.succeeded"})
    payment = paid_payment()
    refund = Refund.create({"payment_id": payment.id, "amount": {"value": "100.00", "currency": "RUB"}})
    assert listener.next()["object"]["id"] == refund.id
    late = listener.next()
    assert late["event"] == "payment.succeeded" and late["object"]["id"] == payment.id
    assert "refunded_amount" not in late["object"]  # the object as it was when the event happened


def test_webhook_is_retried_until_accepted(sdk, emulator, listener):
    listener.fail_first = 2
    payment = paid_payment()
    assert listener.next()["object"]["id"] == payment.id
    assert control(emulator, "GET", "/webhooks/wait?timeout=5") == {"pending": 0}
    [entry] = control(emulator, "GET", "/webhooks")
    assert entry["state"] == "delivered"
    assert [a.get("status") for a in entry["attempts"]] == [500, 500, 200]


def test_no_webhook_url_no_delivery(sdk, emulator, listener):
    control(emulator, "POST", "/webhook-url", {"shop_id": SHOP, "url": None})
    paid_payment()
    assert listener.nothing(0.3)
    assert control(emulator, "GET", "/webhooks")[0]["state"] == "no_url"


# ---------------------------------------------------------------------------------------------- state, CLI


def test_control_state_lists_everything(sdk, emulator):
    payment = paid_payment()
    Refund.create({"payment_id": payment.id, "amount": {"value": "100.00", "currency": "RUB"}})
    state = control(emulator, "GET", "/state")
    assert [p["id"] for p in state["payments"]] == [payment.id]
    assert len(state["refunds"]) == 1
    assert set(state["shops"]) == {SHOP, OTHER_SHOP}
    assert OTHER_SECRET not in json.dumps(state)
    control(emulator, "POST", "/reset")
    assert control(emulator, "GET", "/state")["payments"] == []


def test_state_file_survives_a_restart(tmp_path):
    state_file = tmp_path / "yookassa.json"
    server, _, base_url = start_server(0, state_file=state_file)
    key = str(uuid.uuid4())
    created = raw_post(base_url, "/payments", payment_params(), key=key).json()
    stop_server(server)

    server, _, base_url = start_server(0, state_file=state_file)
    try:
        got = requests.get(f"{base_url}/v3/payments/{created['id']}", auth=(SHOP, SECRET), timeout=10)
        assert got.status_code == 200 and got.json()["id"] == created["id"]
        assert raw_post(base_url, "/payments", payment_params(), key=key).json()["id"] == created["id"]
    finally:
        stop_server(server)


def test_command_line(tmp_path):
    state_file = tmp_path / "state.json"
    with command_line("tools.yookassa_emulator", "--shop", "123456:cli_secret", "--state-file", str(state_file)) as (
            base_url, banner):
        assert f"{base_url}/v3" in banner
        response = raw_post(base_url, "/payments", payment_params(), auth=("123456", "cli_secret"))
        assert response.status_code == 200
        denied = raw_post(base_url, "/payments", payment_params())  # the demo shop isn't served
        assert denied.status_code == 401
    assert json.loads(state_file.read_text())["payments"]


def test_faults_from_the_command_line():
    from tools.yookassa_emulator.__main__ import parse_fault
    from tools.yookassa_emulator.faults import Faults

    assert parse_fault("error_500, path=/payments, after=true, count=2") == {
        "kind": "error_500", "path": "/payments", "after": True, "count": "2"}
    fault = Faults().add(parse_fault("slow,delay=3,count=100"))
    assert (fault.kind, fault.delay, fault.remaining) == ("slow", 3.0, 100)
    with pytest.raises(ValueError):
        Faults().add(parse_fault("explode"))
