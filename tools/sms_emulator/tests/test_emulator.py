"""
The SMS.ru emulator driven over HTTP as SMS.ru is (plain ``requests``, form-encoded), and through our SMS.ru
client (``ticketing_core.notifications.sms.smsru``). Plain pytest, no database.

SMS.ru behaviour these tests pin down (from https://sms.ru/api):

* every method answers HTTP 200; ``"status": "ERROR"`` with a ``status_code`` says what went wrong, for the
  whole request (200 wrong api_id, 201 no money, 204 sender, 220 unavailable…) or per recipient under
  ``"sms"`` (202 bad number, 207 no route, 230–232 limits…);
* without ``json=1`` the answers are lines: the code, then ids or values;
* delivery codes go 100 → 102 → 103 (or a failure 104–108, 150); -1 is an unknown id;
* callbacks are form posts of ``data[N]=sms_status\\n<id>\\n<code>\\n<time>`` and the handler must answer ``100``.
"""
import os
import time
from decimal import Decimal
from urllib.parse import parse_qsl

import pytest
import requests

from tools.emulator_kit.testing import (
    Receiver,
    command_line,
    control,
    loopback_allowed,  # noqa: F401 (an autouse fixture)
    running,
)
from tools.sms_emulator import DEFAULT_API_ID, start_server, stop_server

API_ID = DEFAULT_API_ID
OTHER_API_ID = "other-account-api-id"
PHONE = "79161234567"
STEP = 0.05


# ---------------------------------------------------------------------------------------------- fixtures


class Handler(Receiver):
    """A callback handler: records every form it gets; answers ``answers`` in turn, then "100"."""

    def __init__(self):
        self.answers: list[tuple[int, str]] = []
        super().__init__("/sms/callback/")

    def answer(self, body: bytes, headers) -> tuple[int, str]:
        status, text = self.answers.pop(0) if self.answers else (200, "100")
        if status == 200 and text == "100":
            self.received.put({"body": body, "form": parse_qsl(body.decode()), "content_type": headers["Content-Type"]})
        return status, text

    def lines(self, timeout: float = 5.0) -> list[str]:
        """The next callback's single entry, as lines."""
        [(key, value)] = self.next(timeout)["form"]
        assert key == "data[0]"
        return value.split("\n")


@pytest.fixture(scope="module")
def handler():
    with Handler() as handler:
        yield handler


@pytest.fixture(scope="module")
def emulator(handler):
    with running(start_server(0, api_ids={API_ID: "1000.00", OTHER_API_ID: "50.00"}, callback_url=handler.url,
                              step_seconds=STEP, callback_retry_delays=(0.1, 0.2, 0.3))) as base_url:
        yield base_url


@pytest.fixture(autouse=True)
def clean(emulator, handler):
    control(emulator, "POST", "/reset")
    control(emulator, "POST", "/callback-url", {"url": handler.url})
    control(emulator, "POST", "/settings", {"step_seconds": STEP, "price": "5.00", "senders": ["Prichal"],
                                            "daily_limit": 100, "same_per_minute": 0, "same_per_day": 0})
    handler.answers.clear()
    while not handler.received.empty():
        handler.received.get_nowait()
    yield


def api(base_url: str, path: str, *, as_json: bool = True, method: str = "POST", api_id: str = API_ID, **params):
    params = {"api_id": api_id, **params}
    if as_json:
        params["json"] = 1
    if method == "GET":
        response = requests.get(base_url + path, params=params, timeout=10)
    else:
        response = requests.post(base_url + path, data=params, timeout=10)
    assert response.status_code == 200, response.text
    return response.json() if as_json else response.text


def send(base_url: str, to: str = PHONE, msg: str = "Ваш заказ PRCH-72 оплачен", **params) -> dict:
    return api(base_url, "/sms/send", to=to, msg=msg, **params)


def sent_id(base_url: str, to: str = PHONE, msg: str = "Ваш заказ PRCH-72 оплачен", **params) -> str:
    answer = send(base_url, to, msg, **params)
    assert answer["sms"][to]["status"] == "OK", answer
    return answer["sms"][to]["sms_id"]


def status_code(base_url: str, sms_id: str) -> int:
    return api(base_url, "/sms/status", sms_id=sms_id)["sms"][sms_id]["status_code"]


def wait_status(base_url: str, sms_id: str, wanted: int | None = None, timeout: float = 5) -> dict:
    query = f"?sms_id={sms_id}&timeout={timeout}" + (f"&status={wanted}" if wanted else "")
    message = control(base_url, "GET", "/wait" + query)
    assert message["reached"], message
    return message


# ---------------------------------------------------------------------------------------------- sending


def test_send_answers_like_sms_ru(emulator):
    answer = send(emulator, msg="Привет")
    assert answer["status"] == "OK" and answer["status_code"] == 100
    entry = answer["sms"][PHONE]
    assert entry["status"] == "OK" and entry["status_code"] == 100
    assert entry["sms_id"].count("-") == 1 and entry["sms_id"].replace("-", "").isdigit()
    assert answer["balance"] == 995.0  # one UCS-2 SMS at 5 ₽
    assert status_code(emulator, entry["sms_id"]) == 100  # queued


def test_plain_text_answers(emulator):
    text = api(emulator, "/sms/send", as_json=False, to=f"{PHONE},74993221627", msg="Hello")
    code, sms_id, refused, balance = text.split("\n")
    assert code == "100" and refused == "207" and balance == "balance=995.0"
    assert api(emulator, "/sms/status", as_json=False, sms_id=sms_id) == "100"
    assert api(emulator, "/my/balance", as_json=False) == "100\n995.0"
    assert api(emulator, "/auth/check", as_json=False) == "100"
    assert api(emulator, "/my/balance", as_json=False, api_id="wrong") == "200"


def test_get_with_query_string_works_too(emulator):
    answer = api(emulator, "/sms/send", method="GET", to=PHONE, msg="hello world")
    assert answer["sms"][PHONE]["status"] == "OK"


def test_statuses_progress_to_delivered_and_callbacks_follow(emulator, handler):
    started = time.time()
    sms_id = sent_id(emulator)
    assert status_code(emulator, sms_id) == 100
    wait_status(emulator, sms_id, 103)
    assert status_code(emulator, sms_id) == 103
    reports = [handler.lines(), handler.lines()]
    assert [r[:3] for r in reports] == [["sms_status", sms_id, "102"], ["sms_status", sms_id, "103"]]
    assert all(int(started) <= int(r[3]) <= time.time() + 1 for r in reports)
    assert control(emulator, "GET", "/callbacks/wait?timeout=5") == {"pending": 0}
    log = control(emulator, "GET", "/callbacks")
    assert [(e["status"], e["state"]) for e in log] == [(102, "delivered"), (103, "delivered")]
    message = control(emulator, "GET", f"/messages/{sms_id}")
    assert [h[0] for h in message["history"]] == [100, 102, 103]


def test_callback_is_a_form_post_with_data_entries(emulator, handler):
    sent_id(emulator)
    callback = handler.next()
    assert callback["content_type"] == "application/x-www-form-urlencoded"
    assert callback["body"].startswith(b"data%5B0%5D=sms_status%0A")


def test_one_text_to_several_numbers_and_different_texts(emulator):
    answer = send(emulator, to=f"{PHONE},79031234567")
    assert {k: v["status"] for k, v in answer["sms"].items()} == {PHONE: "OK", "79031234567": "OK"}
    multi = api(emulator, "/sms/send", **{f"to[{PHONE}]": "Первый", "to[79031234567]": "Second"})
    assert all(v["status"] == "OK" for v in multi["sms"].values())
    php = api(emulator, "/sms/send", **{f"multi[{PHONE}]": "Третий"})  # the PHP example's spelling
    assert php["sms"][PHONE]["status"] == "OK"
    texts = [m["text"] for m in control(emulator, "GET", f"/messages?phone={PHONE}")]
    assert texts == ["Ваш заказ PRCH-72 оплачен", "Первый", "Третий"]


@pytest.mark.parametrize("raw", ["+7 (916) 123-45-67", "89161234567", "9161234567", "7-916-123-45-67"])
def test_number_formats(emulator, raw):
    assert send(emulator, to=raw)["sms"][PHONE]["status"] == "OK"


def test_international_numbers(emulator):
    answer = send(emulator, to="4915112345678,77011234567")
    assert answer["sms"]["4915112345678"]["status"] == "OK"
    assert answer["sms"]["77011234567"]["status"] == "OK"  # Kazakhstan shares +7


# ---------------------------------------------------------------------------------------------- validation


def test_wrong_or_missing_api_id_is_200(emulator):
    for api_id in ("wrong", ""):
        answer = send(emulator, api_id=api_id)
        assert answer == {"status": "ERROR", "status_code": 200, "status_text": "Неправильный api_id"}
    assert api(emulator, "/sms/send", api_id="", login="user", password="secret", to=PHONE, msg="x")[
        "status_code"] == 301


def test_recipient_errors(emulator):
    assert api(emulator, "/sms/send", msg="no recipient")["status_code"] == 202
    answer = send(emulator, to=f"12345,{PHONE},74993221627,7916abc")
    assert answer["status"] == "OK"
    assert answer["sms"]["12345"]["status_code"] == 202  # not a number
    assert answer["sms"]["74993221627"]["status_code"] == 207  # a landline: no route (SMS.ru's own example)
    assert answer["sms"]["7916abc"]["status_code"] == 202
    assert answer["sms"][PHONE]["status"] == "OK"
    too_many = ",".join(f"7916{n:07d}" for n in range(101))
    assert send(emulator, to=too_many)["status_code"] == 207


def test_text_errors(emulator):
    assert send(emulator, msg="")["status_code"] == 203
    assert send(emulator, msg="   ")["status_code"] == 203
    assert api(emulator, "/sms/send", **{f"to[{PHONE}]": ""})["sms"][PHONE]["status_code"] == 203
    too_long = send(emulator, msg="Ж" * (67 * 8 + 1))["sms"][PHONE]
    assert too_long["status_code"] == 205  # "превышает 8 СМС"
    assert send(emulator, msg="Ж" * (67 * 8))["sms"][PHONE]["status"] == "OK"


def test_sender_must_be_approved(emulator):
    assert send(emulator, **{"from": "Prichal"})["sms"][PHONE]["status"] == "OK"
    assert send(emulator, **{"from": "Unknown"})["status_code"] == 204
    control(emulator, "POST", "/settings", {"senders": ["Prichal", "NevaTrip"]})
    assert send(emulator, **{"from": "NevaTrip"})["status"] == "OK"
    assert api(emulator, "/my/senders")["senders"] == ["Prichal", "NevaTrip"]


def test_insufficient_funds_is_201_and_nothing_is_sent(emulator):
    control(emulator, "POST", "/balance", {"balance": "4.00"})
    assert send(emulator)["status_code"] == 201
    assert control(emulator, "GET", "/messages") == []
    assert api(emulator, "/my/balance")["balance"] == 4.0


def test_time_parameter(emulator):
    assert send(emulator, time="soon")["status_code"] == 208
    assert send(emulator, time=str(int(time.time()) + 90 * 86400))["status_code"] == 208
    sms_id = sent_id(emulator, time=str(int(time.time()) + 3600))
    time.sleep(STEP * 3)
    assert status_code(emulator, sms_id) == 100  # waits for its time


def test_non_utf8_text_is_212(emulator):
    body = f"api_id={API_ID}&to={PHONE}&msg=%C7%E4%F0%E0%E2%F1%F2%E2%F3%E9&json=1"  # windows-1251
    response = requests.post(emulator + "/sms/send", data=body, timeout=10,
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.json()["status_code"] == 212


def test_unknown_method_is_211(emulator):
    assert api(emulator, "/sms/unknown")["status_code"] == 211
    assert requests.get(emulator + "/nothing-here", timeout=10).status_code == 404


def test_status_of_unknown_or_other_accounts_messages_is_minus_one(emulator):
    sms_id = sent_id(emulator)
    unknown = api(emulator, "/sms/status", sms_id=f"{sms_id},000000-1")
    assert unknown["sms"]["000000-1"] == {"status": "ERROR", "status_code": -1, "status_text": "Сообщение не найдено"}
    other = api(emulator, "/sms/status", api_id=OTHER_API_ID, sms_id=sms_id)
    assert other["sms"][sms_id]["status_code"] == -1


def test_test_mode_checks_but_sends_nothing(emulator, handler):
    answer = send(emulator, test=1)
    sms_id = answer["sms"][PHONE]["sms_id"]
    assert answer["balance"] == 1000.0
    assert status_code(emulator, sms_id) == -1
    assert handler.nothing(STEP * 4)
    assert control(emulator, "GET", f"/messages/{sms_id}")["test"] is True


def test_cost_counts_segments_and_price(emulator):
    from ticketing_core.notifications.sms.segments import count_segments

    cases = {"a" * 160: 1, "a" * 161: 2, "€" * 80: 1, "€" * 81: 2, "{" * 81: 2, "Привет": 1, "П" * 70: 1,
             "П" * 71: 2, "П" * 134: 2, "П" * 135: 3, "😀" * 35: 1, "😀" * 36: 2, "a" * 306: 2, "a" * 307: 3}
    for text, parts in cases.items():
        answer = api(emulator, "/sms/cost", to=PHONE, msg=text)
        entry = answer["sms"][PHONE]
        assert (entry["sms"], entry["cost"]) == (parts, 5.0 * parts), text
        assert count_segments(text).segments == parts, text  # the client's count agrees with the emulator's
        assert (answer["total_sms"], answer["total_cost"]) == (parts, 5.0 * parts)
    assert control(emulator, "GET", "/messages") == []  # /sms/cost sends nothing
    assert api(emulator, "/sms/cost", as_json=False, to=PHONE, msg="П" * 71) == "100\n10.0\n2"


def test_balance_auth_check_and_accounts(emulator):
    assert api(emulator, "/auth/check") == {"status": "OK", "status_code": 100}
    assert api(emulator, "/my/balance") == {"status": "OK", "status_code": 100, "balance": 1000.0}
    assert api(emulator, "/my/balance", api_id=OTHER_API_ID)["balance"] == 50.0
    assert api(emulator, "/auth/check", api_id="nope")["status_code"] == 200


def test_callback_handlers_through_the_api(emulator):
    control(emulator, "POST", "/callback-url", {"url": None})
    added = api(emulator, "/callback/add", url="https://shop.example/sms/callback/")
    assert added["callback"] == ["https://shop.example/sms/callback/"]
    assert api(emulator, "/callback/get")["callback"] == ["https://shop.example/sms/callback/"]
    assert api(emulator, "/callback/add", url="ftp://x")["status_code"] == 901
    assert api(emulator, "/callback/del", url="https://other.example/")["status_code"] == 902
    assert api(emulator, "/callback/del", url="https://shop.example/sms/callback/")["callback"] == []


# ---------------------------------------------------------------------------------------------- callbacks


def test_callback_is_retried_until_the_handler_answers_100(emulator, handler):
    handler.answers[:] = [(500, "error"), (200, "OK")]  # "OK" is not SMS.ru's "100": a failure too
    control(emulator, "POST", "/faults", {"kind": "lose_callback", "status": 103})
    sms_id = sent_id(emulator)
    assert handler.lines()[:3] == ["sms_status", sms_id, "102"]
    control(emulator, "GET", "/callbacks/wait?timeout=5")
    entry = next(e for e in control(emulator, "GET", "/callbacks") if e["status"] == 102)
    assert entry["state"] == "delivered"
    assert [(a["status"], a["answer"]) for a in entry["attempts"]] == [(500, "error"), (200, "OK"), (200, "100")]


def test_no_callback_url_no_callbacks(emulator, handler):
    control(emulator, "POST", "/callback-url", {"url": None})
    sms_id = sent_id(emulator)
    wait_status(emulator, sms_id, 103)
    assert handler.nothing(0.3)
    assert {e["state"] for e in control(emulator, "GET", "/callbacks")} == {"no_url"}


# ---------------------------------------------------------------------------------------------- faults


@pytest.mark.parametrize("code", [220, 201, 200, 500])
def test_error_fault_answers_the_whole_request(emulator, code):
    control(emulator, "POST", "/faults", {"kind": "error", "status_code": code, "path": "/sms/send"})
    answer = send(emulator)
    assert answer["status"] == "ERROR" and answer["status_code"] == code
    assert control(emulator, "GET", "/messages") == []
    assert send(emulator)["status"] == "OK"  # used up


def test_error_fault_default_is_220_and_plain_text(emulator):
    control(emulator, "POST", "/faults", {"kind": "error", "count": 2})
    assert send(emulator)["status_code"] == 220
    assert api(emulator, "/sms/send", as_json=False, to=PHONE, msg="x") == "220"


def test_error_fault_for_one_number(emulator):
    control(emulator, "POST", "/faults", {"kind": "error", "status_code": 202, "phone": "+7 903 123-45-67"})
    answer = send(emulator, to=f"{PHONE},79031234567")
    assert answer["sms"]["79031234567"]["status_code"] == 202
    assert answer["sms"][PHONE]["status"] == "OK"


def test_rate_limit_fault_is_answered_in_the_json_like_sms_ru(emulator):
    control(emulator, "POST", "/faults", {"kind": "rate_limit", "count": 2})
    first, second = send(emulator), send(emulator)
    assert first["sms"][PHONE]["status_code"] == 231 and second["sms"][PHONE]["status_code"] == 231
    assert send(emulator)["sms"][PHONE]["status"] == "OK"
    control(emulator, "POST", "/faults", {"kind": "rate_limit", "status_code": 230, "phone": "79031234567"})
    answer = send(emulator, to=f"{PHONE},79031234567")
    assert answer["sms"]["79031234567"]["status_code"] == 230 and answer["sms"][PHONE]["status"] == "OK"


def test_sms_ru_limits_by_settings(emulator):
    control(emulator, "POST", "/settings", {"same_per_minute": 1, "daily_limit": 3})
    assert send(emulator, msg="один")["sms"][PHONE]["status"] == "OK"
    assert send(emulator, msg="один")["sms"][PHONE]["status_code"] == 231
    assert send(emulator, msg="два")["sms"][PHONE]["status"] == "OK"
    assert send(emulator, msg="три")["sms"][PHONE]["status"] == "OK"
    assert send(emulator, msg="четыре")["sms"][PHONE]["status_code"] == 230
    control(emulator, "POST", "/settings", {"same_per_minute": 0, "daily_limit": 0, "same_per_day": 1})
    assert send(emulator, msg="два")["sms"][PHONE]["status_code"] == 232


def test_http_error_fault(emulator):
    control(emulator, "POST", "/faults", {"kind": "http_error", "http_status": 502})
    response = requests.post(emulator + "/sms/send", data={"api_id": API_ID, "to": PHONE, "msg": "x", "json": 1},
                             timeout=10)
    assert response.status_code == 502 and "nginx" in response.text
    assert control(emulator, "GET", "/messages") == []
    control(emulator, "POST", "/faults", {"kind": "http_error", "after": True})
    response = requests.post(emulator + "/sms/send", data={"api_id": API_ID, "to": PHONE, "msg": "x"}, timeout=10)
    assert response.status_code == 503
    assert len(control(emulator, "GET", "/messages")) == 1  # processed, then the answer was lost


def test_drop_fault(emulator):
    control(emulator, "POST", "/faults", {"kind": "drop", "path": "/sms/send"})
    with pytest.raises(requests.ConnectionError):
        send(emulator)
    assert control(emulator, "GET", "/messages") == []
    control(emulator, "POST", "/faults", {"kind": "drop", "after": True})
    with pytest.raises(requests.ConnectionError):
        send(emulator)
    [message] = control(emulator, "GET", "/messages")  # sent, though the client never heard
    wait_status(emulator, message["sms_id"], 103)


def test_timeout_fault(emulator):
    control(emulator, "POST", "/faults", {"kind": "timeout", "delay": 1.0})
    with pytest.raises(requests.ReadTimeout):
        requests.post(emulator + "/sms/send", data={"api_id": API_ID, "to": PHONE, "msg": "x"}, timeout=0.3)
    control(emulator, "POST", "/faults", {"kind": "timeout", "delay": 0.3})
    started = time.monotonic()
    with pytest.raises(requests.ConnectionError):  # the server gives up: closed without an answer
        requests.get(emulator + "/my/balance", params={"api_id": API_ID}, timeout=5)
    assert time.monotonic() - started >= 0.3


def test_slow_fault(emulator):
    control(emulator, "POST", "/faults", {"kind": "slow", "delay": 0.3, "path": "/my/balance"})
    started = time.monotonic()
    assert api(emulator, "/my/balance")["status"] == "OK"
    assert time.monotonic() - started >= 0.3
    assert control(emulator, "GET", "/faults") == []


@pytest.mark.parametrize("status", [106, 104, 108, 150])
def test_fail_delivery_fault(emulator, handler, status):
    control(emulator, "POST", "/faults", {"kind": "fail_delivery", "status": status})
    sms_id = sent_id(emulator)
    wait_status(emulator, sms_id, status)
    assert status_code(emulator, sms_id) == status
    codes = [handler.lines()[2]] + ([handler.lines()[2]] if status != 150 else [])
    assert codes[-1] == str(status)
    other = sent_id(emulator)
    assert wait_status(emulator, other)["status"] == 103  # used up


def test_fail_delivery_default_and_by_number(emulator):
    control(emulator, "POST", "/faults", {"kind": "fail_delivery", "phone": "79031234567"})
    mine = sent_id(emulator)
    theirs = sent_id(emulator, to="79031234567")
    assert wait_status(emulator, mine)["status"] == 103
    assert wait_status(emulator, theirs)["status"] == 106


def test_lost_callback(emulator, handler):
    control(emulator, "POST", "/faults", {"kind": "lose_callback", "count": 2})
    sms_id = sent_id(emulator)
    wait_status(emulator, sms_id, 103)
    assert handler.nothing(0.3)
    assert status_code(emulator, sms_id) == 103  # polling still sees it
    assert [e["state"] for e in control(emulator, "GET", "/callbacks")] == ["lost", "lost"]


def test_duplicated_callback(emulator, handler):
    control(emulator, "POST", "/faults", {"kind": "duplicate_callback", "status": 103})
    sent_id(emulator)
    codes = sorted(handler.lines()[2] for _ in range(3))
    assert codes == ["102", "103", "103"]


def test_delayed_callback_arrives_after_a_later_one(emulator, handler):
    control(emulator, "POST", "/faults", {"kind": "delay_callback", "status": 102, "delay": 0.5})
    sent_id(emulator)
    assert [handler.lines()[2], handler.lines()[2]] == ["103", "102"]


def test_faults_list_clear_and_unknown(emulator):
    control(emulator, "POST", "/faults", {"kind": "slow", "count": 5})
    assert [f["kind"] for f in control(emulator, "GET", "/faults")] == ["slow"]
    assert control(emulator, "DELETE", "/faults") == []
    assert "unknown fault kind" in control(emulator, "POST", "/faults", {"kind": "explode"}, expect=400)["error"]
    assert control(emulator, "POST", "/faults", {"kind": "fail_delivery", "status": 103}, expect=400)


# ---------------------------------------------------------------------------------------------- control


def test_outcome_for_a_number(emulator, handler):
    control(emulator, "POST", "/outcomes", {"phone": "+7 916 123-45-67", "status": 108})
    control(emulator, "POST", "/outcomes", {"phone": PHONE, "status": 102})
    rejected, stuck = sent_id(emulator), sent_id(emulator)
    assert wait_status(emulator, rejected)["status"] == 108
    wait_status(emulator, stuck, 102)
    time.sleep(STEP * 3)
    assert status_code(emulator, stuck) == 102  # stays "in transit" (for polling tests)
    assert control(emulator, "GET", "/outcomes") == []
    assert control(emulator, "POST", "/outcomes", {"phone": "12", "status": 106}, expect=400)


def test_set_status_of_a_message_now(emulator, handler):
    control(emulator, "POST", "/outcomes", {"phone": PHONE, "status": 100})
    sms_id = sent_id(emulator)
    changed = control(emulator, "POST", f"/messages/{sms_id}/status", {"status": 105})
    assert changed["status"] == 105 and changed["final"] and changed["failed"]
    assert handler.lines()[:3] == ["sms_status", sms_id, "105"]
    control(emulator, "POST", "/messages/000-1/status", {"status": 103}, expect=404)


def test_state_and_reset(emulator):
    sent_id(emulator)
    control(emulator, "POST", "/faults", {"kind": "slow", "count": 9})
    state = control(emulator, "GET", "/state")
    assert len(state["messages"]) == 1 and state["faults"]
    assert state["accounts"]["pric…-id"]["balance"] == "995.00"
    assert API_ID not in str(state)  # the key is a secret, also on a test machine
    control(emulator, "POST", "/reset")
    state = control(emulator, "GET", "/state")
    assert state["messages"] == [] and state["faults"] == [] and state["accounts"]["pric…-id"]["balance"] == "1000.00"


def test_inbox_page_lists_texts_per_number(emulator):
    sent_id(emulator, msg="Рейс 12.07 в 19:00 от Дворцовой <b>")
    sent_id(emulator, to="79031234567", msg="Second customer")
    response = requests.get(emulator + "/_emulator/inbox", timeout=10)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    page = response.text
    assert "Входящие SMS / SMS inbox" in page
    assert "+7 916 123-45-67" in page and "+7 903 123-45-67" in page
    assert "Рейс 12.07 в 19:00 от Дворцовой &lt;b&gt;" in page
    assert "<script" not in page and "src=" not in page and "https://" not in page  # no external assets
    only_mine = requests.get(emulator + f"/_emulator/inbox?phone={PHONE}", timeout=10).text
    assert "Second customer" not in only_mine and "Дворцовой" in only_mine
    assert "SMS.ru" in requests.get(emulator + "/", timeout=10).text


# ---------------------------------------------------------------------------------------------- our client


def test_our_client_end_to_end(emulator, handler):
    from ticketing_core.notifications.sms.base import SmsStatus
    from ticketing_core.notifications.sms.smsru import SmsRu

    gateway = SmsRu(API_ID, base_url=emulator)
    result = gateway.send("+79161234567", "Заказ PRCH-72 оплачен. Билеты: https://prichal.example/t/72",
                          sender="Prichal", idempotency_key="test-our-client-end-to-end")
    assert result.status == SmsStatus.QUEUED and result.segments == 1 and result.phone == "+79161234567"
    wait_status(emulator, result.message_id, 103)
    report = gateway.status(result.message_id)
    assert report.status == SmsStatus.DELIVERED and report.final and report.cost == Decimal("5.0")
    callbacks = [gateway.parse_callback(handler.next()["body"]) for _ in range(2)]
    assert [[r.status for r in c] for c in callbacks] == [[SmsStatus.SENT], [SmsStatus.DELIVERED]]
    assert callbacks[1][0].message_id == result.message_id and callbacks[1][0].changed_at is not None
    assert gateway.balance() == Decimal("995.0")
    assert gateway.check_connection() == "SMS.ru: 995.00 RUB"


# ---------------------------------------------------------------------------------------------- state, CLI


def test_state_file_survives_a_restart(tmp_path):
    state_file = tmp_path / "sms.json"
    server, _, base_url = start_server(0, state_file=state_file, step_seconds=0.2,
                                       callback_url="http://127.0.0.1:9/cb")
    sms_id = sent_id(base_url)
    stop_server(server)

    server, _, base_url = start_server(0, state_file=state_file, step_seconds=0.2)
    try:
        assert api(base_url, "/my/balance")["balance"] == 995.0
        assert wait_status(base_url, sms_id, 103)["status"] == 103  # its plan went on
        assert control(base_url, "GET", "/state")["callback_urls"] == ["http://127.0.0.1:9/cb"]
    finally:
        stop_server(server)


def test_command_line(tmp_path):
    state_file = tmp_path / "state.json"
    with command_line("tools.sms_emulator", "--api-id", "cli-key:50", "--sender", "CliShop", "--state-file",
                      str(state_file), "--fault", "error,status_code=220",
                      env={**{k: v for k, v in os.environ.items() if not k.startswith("SMS_EMULATOR_")},
                           "SMS_EMULATOR_FAULTS": "rate_limit,status_code=232"}) as (base_url, banner):
        assert f"api={base_url}" in banner and "inbox=" in banner
        assert send(base_url, api_id="cli-key", **{"from": "CliShop"})["status_code"] == 220  # --fault
        answer = send(base_url, api_id="cli-key", **{"from": "CliShop"})
        assert answer["sms"][PHONE]["status_code"] == 232  # SMS_EMULATOR_FAULTS
        assert send(base_url, api_id="cli-key", **{"from": "CliShop"})["balance"] == 45.0
        assert send(base_url)["status_code"] == 200  # the demo key isn't served
    assert "messages" in state_file.read_text()


def test_faults_from_the_command_line():
    from tools.sms_emulator.__main__ import parse_api_ids, parse_fault
    from tools.sms_emulator.faults import Faults

    fault = Faults().add(parse_fault("drop,after=true,path=/sms/send"))
    assert (fault.kind, fault.after, fault.path) == ("drop", True, "/sms/send")
    assert Faults().add(parse_fault("rate_limit")).status_code == 231
    with pytest.raises(ValueError):
        Faults().add(parse_fault("explode"))
    assert parse_api_ids(["a,b:20.50"], Decimal("1000")) == {"a": Decimal("1000"), "b": Decimal("20.50")}
