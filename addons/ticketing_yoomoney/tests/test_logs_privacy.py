"""
The production log of a full purchase (YooKassa payment and webhook), a refund and an SMS, formatted as JSON lines
by ticketing_core.observability.logs, holds neither the buyer's e-mail nor their phone nor the shop's secret key,
and every line carries level, logger and message (and the request id where a request caused it).
"""
import io
import json
import logging
from decimal import Decimal

import pytest

from ticketing_core.notifications.models import ContactPreference
from ticketing_core.observability.logs import JsonFormatter, PersonalDataFilter, mask
from ticketing_core.tests.notifications.test_notifications_sms import (  # noqa: F401 - fixtures
    API_ID,
    _sms_server,
    sent_sms,
    sms,
)

from .conftest import SECRET
from .test_refunds import staff_refund

pytestmark = pytest.mark.django_db
PHONE = "+79161234567"


@pytest.fixture
def json_log():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    handler.addFilter(PersonalDataFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for name in ("django.db.backends",):  # SQL with parameters: never at DEBUG in production either
        logging.getLogger(name).setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_purchase_refund_and_sms_log_no_email_phone_or_secret(json_log, client, paying, emulator, sms,  # noqa: F811
                                                              django_capture_on_commit_callbacks):
    order = paying.order
    email = order.email
    ContactPreference.objects.create(order=order, sms=True, phone=PHONE)
    emulator.succeed(paying.info_data["id"])
    body = json.dumps({"type": "notification", "event": "payment.succeeded", "object": {"id": paying.info_data["id"]}})
    assert client.post("/_yookassa/webhook/", body, content_type="application/json",
                       HTTP_X_REQUEST_ID="req-abc-123").status_code == 200
    paying.refresh_from_db()
    staff_refund(paying, Decimal("100.00"))
    sent_sms(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="log1",
             extra={"amount": Decimal("100")})
    # what careless code could log: the filter masks it wherever it comes from
    log = logging.getLogger("ticketing_yoomoney.test")
    log.warning("buyer %s phone %s key %s api_id=%s", email, PHONE, SECRET, API_ID)
    try:
        raise ValueError(f"refused for {email} / {PHONE} with {SECRET}")
    except ValueError:
        log.exception("while paying order %s", order.code, extra={"order": order.code})

    text = json_log.getvalue()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert len(lines) >= 5
    for secret in (email, PHONE, PHONE[1:], SECRET, API_ID):
        assert secret not in text, secret
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert any("***@" in line["message"] for line in lines)
    failing = [line for line in lines if line["message"].startswith("while paying order")]
    assert failing and failing[0]["order"] == order.code and "<secret>" in failing[0]["exception"]


def test_mask_keeps_order_codes_and_amounts_but_not_cards_or_keys():
    text = mask("order ABC12 paid 1500.00 RUB by 4111 1111 1111 1111, key live_abcdefgh12, Bearer abcdefghijkl")
    assert "ABC12" in text and "1500.00" in text
    assert "4111" not in text and "live_abcdefgh12" not in text and "abcdefghijkl" not in text


def test_request_context_in_the_json_line(json_log, shop):
    """organizer, event, order code and the request id (nginx's X-Request-ID, or the origin of a Celery task)."""
    from django.conf import settings
    from django.test import RequestFactory

    from pretix.helpers.logs import local

    from ticketing_core.observability.logs import MIDDLEWARE_PATH, LogContextMiddleware

    assert MIDDLEWARE_PATH in settings.MIDDLEWARE
    request = RequestFactory().get("/")
    request.organizer, request.event = shop.organizer, shop
    middleware = LogContextMiddleware(lambda r: None)
    middleware(request)
    middleware.process_view(request, None, (), {"order": "ABC12", "secret": "x"})
    local.request_id, local.trace = "task-1", ["req-origin-9", "task-1"]
    try:
        logging.getLogger("ticketing_core.test").info("in a view")
    finally:
        local.request_id, local.trace, local.prichal_context = None, [], {}
    line = json.loads(json_log.getvalue().splitlines()[-1])
    assert (line["organizer"], line["event"], line["order"]) == (shop.organizer.slug, shop.slug, "ABC12")
    assert (line["request_id"], line["origin_request_id"]) == ("task-1", "req-origin-9")
    assert (line["level"], line["logger"], line["message"]) == ("INFO", "ticketing_core.test", "in a view")
