"""
SMS for notifications: segment counting, phone normalisation and the SMS.ru gateway client, the latter
against the SMS.ru emulator (tools/sms_emulator) running as a real HTTP server. No database.
"""
import threading
import time
import uuid
from decimal import Decimal

import pytest
import requests
from django.http import QueryDict
from urllib3.exceptions import HTTPError as Urllib3HTTPError

from ticketing_core.notifications.sms.base import (
    DeliveryStatus,
    GatewayRefused,
    GatewayUnavailable,
    SmsGateway,
    SmsStatus,
)
from ticketing_core.notifications.sms.phone import InvalidPhone, is_e164, normalize_phone
from ticketing_core.notifications.sms.segments import count_segments, fits, truncate
from ticketing_core.notifications.sms.smsru import SmsRu
from tools.sms_emulator import start_server, stop_server

API_ID = "prichal-demo-api-id"
PHONE = "+79161234567"
STEP = 0.05


# ---------------------------------------------------------------------------------------------- segments


def test_cyrillic_segments():
    hello = count_segments("Привет")
    assert (hello.encoding, hello.segments, hello.characters, hello.per_segment, hello.remaining) == (
        "UCS-2", 1, 6, 70, 64)
    assert count_segments("Я" * 70).segments == 1
    two = count_segments("Я" * 71)
    assert (two.segments, two.per_segment, two.remaining) == (2, 67, 63)
    assert count_segments("Я" * 134).segments == 2
    assert count_segments("Я" * 135).segments == 3


def test_gsm7_segments():
    one = count_segments("a" * 160)
    assert (one.encoding, one.segments, one.remaining) == ("GSM-7", 1, 0)
    two = count_segments("a" * 161)
    assert (two.segments, two.per_segment, two.units) == (2, 153, 161)
    assert count_segments("a" * 306).segments == 2
    assert count_segments("a" * 307).segments == 3


@pytest.mark.parametrize("char", ["€", "{", "}", "[", "]", "~", "^", "\\", "|"])
def test_gsm7_extension_characters_count_double(char):
    counted = count_segments(char)
    assert (counted.encoding, counted.units, counted.characters) == ("GSM-7", 2, 1)
    assert count_segments(char * 80).segments == 1
    assert count_segments(char * 81).segments == 2


def test_escape_pairs_and_surrogates_are_not_split_between_parts():
    # 152 septets, then "€" (2) does not fit into the first part's 153: it starts the second part
    counted = count_segments("a" * 152 + "€" + "a" * 10)
    assert (counted.units, counted.segments, counted.remaining) == (164, 2, 153 - 12)
    emoji = count_segments("😀" * 35)
    assert (emoji.encoding, emoji.units, emoji.segments) == ("UCS-2", 70, 1)
    assert count_segments("😀" * 36).segments == 2
    assert count_segments("x" * 66 + "😀").segments == 1  # 68 units, one SMS of 70


def test_one_non_gsm_character_makes_the_whole_text_ucs2():
    assert count_segments("Departure at 19:00").encoding == "GSM-7"
    assert count_segments("Departure «19:00»").encoding == "UCS-2"
    assert count_segments("Departure at 19:00 " * 8 + "ё").segments == 3


def test_empty_text_and_fits_and_truncate():
    assert count_segments("").segments == 0
    assert fits("Я" * 134) and not fits("Я" * 135)
    shortened = truncate("Отправление от Дворцовой пристани " * 10)
    assert count_segments(shortened).segments == 2 and shortened.endswith("…")
    latin = truncate("Departure from the Palace pier " * 20)
    assert count_segments(latin).encoding == "GSM-7" and latin.endswith("...")  # no "…" that would force UCS-2
    assert truncate("Коротко") == "Коротко"


# ---------------------------------------------------------------------------------------------- phones


@pytest.mark.parametrize("raw", ["8 (916) 123-45-67", "+7 916 123 45 67", "79161234567", "9161234567",
                                 "+7(916)123-45-67", " 8-916-123-45-67 "])
def test_russian_numbers_as_people_type_them(raw):
    assert normalize_phone(raw) == "+79161234567"


def test_international_numbers():
    assert normalize_phone("+49 151 12345678") == "+4915112345678"
    assert normalize_phone("+7 701 123 45 67") == "+77011234567"  # Kazakhstan shares +7
    assert normalize_phone("030 1234567", region="DE") == "+49301234567"


@pytest.mark.parametrize("raw", ["", "   ", "hello", "8 (916) 123-45", "+7 916 123 45 67 89", "123"])
def test_invalid_numbers(raw):
    with pytest.raises(InvalidPhone):
        normalize_phone(raw)


def test_landlines_can_be_refused_for_sms():
    assert normalize_phone("8 (495) 123-45-67") == "+74951234567"
    with pytest.raises(InvalidPhone):
        normalize_phone("8 (495) 123-45-67", mobile_only=True)
    assert normalize_phone("8 (916) 123-45-67", mobile_only=True) == "+79161234567"


def test_e164_shape():
    assert is_e164("+79161234567") and not is_e164("79161234567") and not is_e164("+7916abc") and not is_e164("+0")


# ---------------------------------------------------------------------------------------------- the gateway


@pytest.fixture(scope="module")
def emulator():
    server, _thread, base_url = start_server(0, step_seconds=STEP, callback_retry_delays=(0.1,))
    yield base_url
    stop_server(server)


@pytest.fixture(autouse=True)
def clean(request):
    if "emulator" in request.fixturenames:
        base_url = request.getfixturevalue("emulator")
        control(base_url, "POST", "/reset", {"callbacks": True})
        control(base_url, "POST", "/settings", {"step_seconds": STEP})
    yield


@pytest.fixture
def gateway(emulator) -> SmsRu:
    return SmsRu(API_ID, base_url=emulator, read_timeout=1.0)


def control(base_url: str, method: str, path: str, body: dict | None = None):
    response = requests.request(method, f"{base_url}/_emulator{path}", json=body, timeout=10)
    assert response.status_code == 200, response.text
    return response.json()


def fault(base_url: str, **spec) -> None:
    control(base_url, "POST", "/faults", spec)


def key() -> str:
    return str(uuid.uuid4())


def send(gateway: SmsRu, text: str = "Заказ PRCH-72 оплачен", phone: str = PHONE, sender: str = "Prichal"):
    return gateway.send(phone, text, sender=sender, idempotency_key=key())


def sent_messages(base_url: str) -> list[dict]:
    return control(base_url, "GET", "/messages")


def wait_final(gateway: SmsRu, message_id: str, timeout: float = 5.0) -> DeliveryStatus:
    deadline = time.monotonic() + timeout
    while True:
        report = gateway.status(message_id)
        if report.final or time.monotonic() > deadline:
            return report
        time.sleep(STEP)


def test_smsru_is_an_sms_gateway():
    assert issubclass(SmsRu, SmsGateway)
    assert SmsRu.callback_ack == "100"
    assert API_ID not in repr(SmsRu(API_ID))


def test_send_and_poll_until_delivered(gateway, emulator):
    result = send(gateway, "Рейс 12.07 в 19:00 от Дворцовой. Билеты: https://prichal.example/t/72")
    assert result.status == SmsStatus.QUEUED and result.status == "queued"
    assert (result.segments, result.phone, result.provider_code, result.cost) == (1, PHONE, 100, None)
    [message] = sent_messages(emulator)
    assert (message["sms_id"], message["phone"], message["sender"]) == (result.message_id, "79161234567", "Prichal")
    report = wait_final(gateway, result.message_id)
    assert (report.status, report.provider_code, report.final) == (SmsStatus.DELIVERED, 103, True)
    assert report.detail == "103 Сообщение доставлено" and report.cost == Decimal("5.0")


def test_two_segment_text_and_default_sender(gateway, emulator):
    result = send(gateway, "Я" * 100, sender="")
    assert result.segments == 2
    assert sent_messages(emulator)[0]["sender"] == "Prichal"  # the account's default, as SMS.ru does


def test_statuses_in_one_request(gateway, emulator):
    first, second = send(gateway), send(gateway, phone="+79031234567")
    reports = gateway.statuses([first.message_id, second.message_id, "000000-1"])
    assert {reports[first.message_id].status, reports[second.message_id].status} <= {"queued", "sent", "delivered"}
    assert isinstance(reports["000000-1"], GatewayRefused) and reports["000000-1"].code == -1


def test_same_idempotency_key_sends_once_in_this_process(gateway, emulator):
    same = key()
    first = gateway.send(PHONE, "Один раз", sender="Prichal", idempotency_key=same)
    again = SmsRu(API_ID, base_url=emulator).send(PHONE, "Один раз", sender="Prichal", idempotency_key=same)
    assert again == first
    assert len(sent_messages(emulator)) == 1
    with pytest.raises(ValueError):
        gateway.send(PHONE, "x", sender="", idempotency_key="")


@pytest.mark.parametrize("status, expected", [(106, SmsStatus.FAILED), (108, SmsStatus.FAILED),
                                              (104, SmsStatus.EXPIRED), (150, SmsStatus.FAILED)])
def test_failed_deliveries(gateway, emulator, status, expected):
    fault(emulator, kind="fail_delivery", status=status)
    report = wait_final(gateway, send(gateway).message_id)
    assert (report.status, report.provider_code) == (expected, status)


def test_status_of_an_unknown_message_is_refused(gateway):
    with pytest.raises(GatewayRefused) as error:
        gateway.status("000000-1")
    assert (error.value.code, error.value.reason) == (-1, "not_found")


# ---------------------------------------------------------------------------------------------- refused or unavailable


def test_200_wrong_api_id_is_refused(emulator):
    with pytest.raises(GatewayRefused) as error:
        send(SmsRu("wrong-key", base_url=emulator))
    assert (error.value.code, error.value.reason, error.value.account_problem) == (200, "auth", True)
    assert "Неправильный api_id" in str(error.value)
    with pytest.raises(GatewayRefused):
        SmsRu("", base_url=emulator)


def test_201_no_money_is_unavailable_and_needs_staff(gateway, emulator):
    control(emulator, "POST", "/balance", {"balance": "1.00"})
    with pytest.raises(GatewayUnavailable) as error:
        send(gateway)
    assert (error.value.code, error.value.reason, error.value.account_problem) == (201, "insufficient_funds", True)
    assert error.value.retry_after == 3600 and error.value.maybe_sent is False
    assert sent_messages(emulator) == []


def test_202_bad_recipient_is_refused(gateway, emulator):
    fault(emulator, kind="error", status_code=202, phone=PHONE)  # SMS.ru's answer for this one number
    with pytest.raises(GatewayRefused) as error:
        send(gateway)
    assert (error.value.code, error.value.reason, error.value.account_problem) == (202, "recipient", False)


def test_207_landline_is_refused(gateway):
    with pytest.raises(GatewayRefused) as error:
        send(gateway, phone="+74993221627")
    assert (error.value.code, error.value.reason) == (207, "no_route")


def test_204_unapproved_sender_is_refused(gateway):
    with pytest.raises(GatewayRefused) as error:
        send(gateway, sender="NotApproved")
    assert (error.value.code, error.value.reason, error.value.account_problem) == (204, "sender", True)


def test_220_service_unavailable_is_unavailable(gateway, emulator):
    fault(emulator, kind="error", status_code=220)
    with pytest.raises(GatewayUnavailable) as error:
        send(gateway)
    assert (error.value.code, error.value.reason, error.value.retry_after) == (220, "unavailable", 60)
    assert error.value.maybe_sent is False and sent_messages(emulator) == []
    assert send(gateway).status == SmsStatus.QUEUED  # the next attempt goes through


@pytest.mark.parametrize("code, retry_after", [(230, 3600), (231, 60), (232, 3600)])
def test_rate_limits_are_unavailable(gateway, emulator, code, retry_after):
    fault(emulator, kind="rate_limit", status_code=code)
    with pytest.raises(GatewayUnavailable) as error:
        send(gateway)
    assert (error.value.code, error.value.reason, error.value.retry_after) == (code, "rate_limit", retry_after)


def test_timeout_is_unavailable_and_may_have_sent(emulator):
    gateway = SmsRu(API_ID, base_url=emulator, read_timeout=0.3)
    fault(emulator, kind="timeout", delay=1.0, after=True)
    started = time.monotonic()
    with pytest.raises(GatewayUnavailable) as error:
        send(gateway)
    assert time.monotonic() - started < 0.9  # our read timeout, not the server's silence
    assert (error.value.reason, error.value.maybe_sent) == ("timeout", True)
    assert len(sent_messages(emulator)) == 1  # it did go out: a blind retry would send it twice


def test_dropped_connection_is_unavailable(gateway, emulator):
    fault(emulator, kind="drop")
    with pytest.raises(GatewayUnavailable) as error:
        send(gateway)
    assert (error.value.reason, error.value.maybe_sent) == ("connection", True)
    assert sent_messages(emulator) == []
    fault(emulator, kind="drop", after=True)
    with pytest.raises(GatewayUnavailable):
        send(gateway)
    assert len(sent_messages(emulator)) == 1


def test_http_errors(gateway, emulator):
    fault(emulator, kind="http_error", http_status=503)
    with pytest.raises(GatewayUnavailable) as error:
        send(gateway)
    assert (error.value.reason, error.value.maybe_sent) == ("http_error", True)
    fault(emulator, kind="http_error", http_status=429)
    with pytest.raises(GatewayUnavailable) as error:
        gateway.balance()
    assert error.value.reason == "rate_limit"
    fault(emulator, kind="http_error", http_status=404)
    with pytest.raises(GatewayRefused) as error:
        gateway.balance()
    assert error.value.account_problem


def test_nothing_listening_is_unavailable_and_nothing_was_sent():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(GatewayUnavailable) as error:
        send(SmsRu(API_ID, base_url=f"http://127.0.0.1:{port}"))
    assert (error.value.reason, error.value.maybe_sent) == ("connection", False)


def test_address_blocked_by_pretix_is_refused():
    class BlockedSession:
        def post(self, *args, **kwargs):
            raise Urllib3HTTPError("Request to local address 127.0.0.1 blocked")

    with pytest.raises(GatewayRefused) as error:
        send(SmsRu(API_ID, base_url="http://127.0.0.1:8011", session=BlockedSession()))
    assert (error.value.reason, error.value.account_problem) == ("blocked_address", True)


def test_an_answer_that_is_not_sms_ru_json_is_unavailable():
    class HtmlAnswer:  # e.g. a captive portal or a misconfigured proxy answering 200 with a page
        status_code, headers = 200, {}

        def json(self):
            raise ValueError("not JSON")

    class Session:
        def post(self, *args, **kwargs):
            return HtmlAnswer()

    with pytest.raises(GatewayUnavailable) as error:
        send(SmsRu(API_ID, session=Session()))
    assert (error.value.reason, error.value.maybe_sent) == ("bad_response", True)


def test_checks_before_any_request(gateway, emulator):
    for phone in ("79161234567", "8 916 123-45-67", "+7916abc"):
        with pytest.raises(GatewayRefused) as error:
            send(gateway, phone=phone)
        assert error.value.reason == "recipient"
    with pytest.raises(GatewayRefused) as error:
        send(gateway, "   ")
    assert error.value.reason == "empty_text"
    with pytest.raises(GatewayRefused) as error:
        send(gateway, "Я" * 135)  # three SMS: more than our notifications may cost
    assert error.value.reason == "too_long"
    assert sent_messages(emulator) == []
    assert SmsRu(API_ID, base_url=emulator, max_segments=3).send(
        PHONE, "Я" * 135, sender="", idempotency_key=key()).segments == 3


def test_balance_cost_and_check_connection(gateway):
    assert gateway.balance() == Decimal("1000.0")
    assert gateway.cost(PHONE, "Я" * 71) == (Decimal("10.0"), 2)
    assert gateway.check_connection() == "SMS.ru: 1000.00 RUB"


def test_test_mode_is_answered_but_not_sent(emulator):
    result = send(SmsRu(API_ID, base_url=emulator, test=True))
    assert result.message_id
    assert SmsRu(API_ID, base_url=emulator).balance() == Decimal("1000.0")


# ---------------------------------------------------------------------------------------------- callbacks


def test_parse_callback_from_raw_body_and_forms():
    gateway = SmsRu(API_ID)
    body = (b"data%5B0%5D=sms_status%0A000000-1000001%0A103%0A1752330000"
            b"&data%5B1%5D=sms_status%0A000000-1000002%0A106"
            b"&data%5B2%5D=callcheck_status%0A201737-542%0A401")
    reports = gateway.parse_callback(body)
    assert [(r.message_id, r.status, r.provider_code) for r in reports] == [
        ("000000-1000001", SmsStatus.DELIVERED, 103), ("000000-1000002", SmsStatus.FAILED, 106)]
    assert reports[0].changed_at.timestamp() == 1752330000 and reports[1].changed_at is None
    assert reports[1].detail == "106 Не может быть доставлено: сбой в телефоне"
    assert gateway.parse_callback(body.decode()) == reports
    assert gateway.parse_callback(QueryDict(body.decode())) == reports  # Django's request.POST
    as_dict = {"data": ["sms_status\n000000-1000001\n103\n1752330000", "sms_status\n000000-1000002\n106"]}
    assert gateway.parse_callback(as_dict) == reports
    assert gateway.parse_callback({"data[]": "sms_status\r\n000000-1\r\n102"})[0].status == SmsStatus.SENT


def test_parse_callback_skips_what_it_does_not_know():
    gateway = SmsRu(API_ID)
    assert gateway.parse_callback(b"") == []
    assert gateway.parse_callback(b"test=1") == []  # SMS.ru's probe of a new handler: answer "100" anyway
    assert gateway.parse_callback({"data[0]": "sms_status\n000000-1\nabc"}) == []
    assert gateway.parse_callback({"data[0]": "sms_status\n000000-1\n999"}) == []
    assert gateway.parse_callback({"data[0]": "sms_status"}) == []
    # issue 22, finding 6: overflowing numbers are no server error
    huge = gateway.parse_callback({"data[0]": "sms_status\n000000-1\n103\n" + "9" * 30,
                                   "data[1]": "sms_status\n000000-2\n" + "9" * 30})
    assert [(r.message_id, r.changed_at) for r in huge] == [("000000-1", None)]
    with pytest.raises(ValueError):
        gateway.parse_callback(b"data%5B0%5D=\xff\xfe")
    with pytest.raises(ValueError):
        gateway.parse_callback(42)


def test_callbacks_from_the_emulator_parse(gateway, emulator):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[bytes] = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.end_headers()
            self.wfile.write(SmsRu.callback_ack.encode())

        def log_message(self, *args):
            pass

    receiver = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        control(emulator, "POST", "/callback-url", {"url": f"http://127.0.0.1:{receiver.server_address[1]}/cb"})
        result = send(gateway)
        deadline = time.monotonic() + 5
        while len(received) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        reports = [report for body in received for report in gateway.parse_callback(body)]
        assert [(r.message_id, r.status) for r in reports] == [
            (result.message_id, SmsStatus.SENT), (result.message_id, SmsStatus.DELIVERED)]
        control(emulator, "GET", "/callbacks/wait?timeout=5")
        assert {e["state"] for e in control(emulator, "GET", "/callbacks")} == {"delivered"}  # "100" accepted
    finally:
        receiver.shutdown()
        receiver.server_close()
