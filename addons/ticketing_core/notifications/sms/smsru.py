"""
SMS.ru (https://sms.ru), implemented from its public HTTP API documentation (https://sms.ru/api).

Every method is a form-encoded ``POST`` to ``<base_url>/<method>`` with ``api_id`` and ``json=1``; the answer
is JSON with ``"status": "OK"|"ERROR"`` and a numeric ``status_code``, always with HTTP 200 (errors included).
``/sms/send`` answers per recipient under ``"sms": {"79161234567": {"status", "status_code", "sms_id"}}``,
so one request can succeed as a whole while one number in it is refused (code 202, 207, 230…). Delivery
codes: 100 queued, 101 being passed to the operator, 102 sent (in transit), 103 delivered, 104 expired,
105 deleted by the operator, 106 phone failure, 107 unknown reason, 108 rejected, 110 read (Viber),
150 no route; -1 means the id is unknown.

Delivery reports also come by callback: SMS.ru POSTs ``data[0]``, ``data[1]``… form fields, each
``"sms_status\\n<sms_id>\\n<status_code>"`` (our emulator appends the unix time as a fourth line), to the
handler URLs set up in the account, and wants the body ``100`` back from *every* request, its own test
requests included; anything else counts as a failure and is sent again later.

SMS.ru has no idempotence keys. The key given to :meth:`SmsRu.send` deduplicates within this process only
(a repeated call with the same key returns the first result without sending); across processes the caller
must keep the returned ``message_id`` and look at ``GatewayUnavailable.maybe_sent`` before resending.
"""
import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar
from urllib.parse import parse_qsl

import requests
from urllib3.exceptions import ConnectTimeoutError
from urllib3.exceptions import HTTPError as Urllib3HTTPError

from .base import DeliveryStatus, GatewayError, GatewayRefused, GatewayUnavailable, SendResult, SmsGateway, SmsStatus
from .phone import is_e164
from .segments import MAX_SEGMENTS, count_segments

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://sms.ru"
CONNECT_TIMEOUT, READ_TIMEOUT = 5.0, 15.0  # seconds; a hanging gateway must never hold a worker for long
SMSRU_MAX_SEGMENTS = 8  # SMS.ru refuses longer texts (code 205)
KOPECK = Decimal("0.01")

# SMS.ru delivery codes → our states.
STATUSES: dict[int, SmsStatus] = {
    100: SmsStatus.QUEUED, 101: SmsStatus.QUEUED, 102: SmsStatus.SENT, 103: SmsStatus.DELIVERED,
    110: SmsStatus.DELIVERED, 104: SmsStatus.EXPIRED, 105: SmsStatus.FAILED, 106: SmsStatus.FAILED,
    107: SmsStatus.FAILED, 108: SmsStatus.FAILED, 150: SmsStatus.FAILED,
}
STATUS_TEXT: dict[int, str] = {
    -1: "Сообщение не найдено",
    100: "Сообщение находится в очереди",
    101: "Сообщение передаётся оператору",
    102: "Сообщение отправлено (в пути)",
    103: "Сообщение доставлено",
    104: "Не может быть доставлено: время жизни истекло",
    105: "Не может быть доставлено: удалено оператором",
    106: "Не может быть доставлено: сбой в телефоне",
    107: "Не может быть доставлено: неизвестная причина",
    108: "Не может быть доставлено: отклонено",
    110: "Сообщение прочитано",
    150: "Не может быть доставлено: не найден маршрут на данный номер",
}

_REFUSED, _UNAVAILABLE = GatewayRefused, GatewayUnavailable
# SMS.ru error code → (exception, reason, retry_after seconds, account_problem). The line between the two:
# would the very same request succeed later without anybody changing anything? Money arriving on the account
# (201) or a daily limit passing (206, 230, 232) counts as "later"; a wrong key or an unapproved sender does not.
ERRORS: dict[int, tuple[type[GatewayError], str, float | None, bool]] = {
    200: (_REFUSED, "auth", None, True),  # wrong api_id
    201: (_UNAVAILABLE, "insufficient_funds", 3600, True),
    202: (_REFUSED, "recipient", None, False),  # wrong recipient number
    203: (_REFUSED, "empty_text", None, False),
    204: (_REFUSED, "sender", None, True),  # sender name not approved by SMS.ru
    205: (_REFUSED, "too_long", None, False),  # more than 8 SMS
    206: (_UNAVAILABLE, "account_daily_limit", 3600, True),
    207: (_REFUSED, "no_route", None, False),  # cannot send to this number (or more than 100 recipients)
    208: (_REFUSED, "bad_request", None, False),  # wrong "time"
    209: (_REFUSED, "stop_list", None, False),  # the number is in the account's stop list
    210: (_REFUSED, "bad_request", None, True),  # GET where POST is needed
    211: (_REFUSED, "bad_request", None, True),  # method not found: wrong base URL?
    212: (_REFUSED, "encoding", None, False),  # text not in UTF-8
    213: (_REFUSED, "bad_request", None, False),  # more than 100 recipients
    214: (_REFUSED, "no_route", None, True),  # foreign number and the account sends to Russia only
    215: (_REFUSED, "stop_list", None, False),  # SMS.ru's own stop list (spam complaint)
    216: (_REFUSED, "forbidden_text", None, False),
    217: (_REFUSED, "forbidden_text", None, False),
    220: (_UNAVAILABLE, "unavailable", 60, False),  # service temporarily unavailable
    221: (_REFUSED, "sender", None, True),  # a letter sender name must be created first
    230: (_UNAVAILABLE, "rate_limit", 3600, False),  # too many messages to this number today
    231: (_UNAVAILABLE, "rate_limit", 60, False),  # same message to this number: per-minute limit
    232: (_UNAVAILABLE, "rate_limit", 3600, False),  # same message to this number: per-day limit
    233: (_UNAVAILABLE, "rate_limit", 600, False),  # repeated codes to this number ("fraud protection")
    300: (_REFUSED, "auth", None, True),  # wrong token
    301: (_REFUSED, "auth", None, True),  # wrong api_id or password
    302: (_REFUSED, "auth", None, True),  # account not confirmed
    500: (_UNAVAILABLE, "unavailable", 30, False),  # server error, repeat the request
    501: (_UNAVAILABLE, "rate_limit", 600, False),
    502: (_UNAVAILABLE, "rate_limit", 600, False),
    503: (_UNAVAILABLE, "rate_limit", 600, False),
    504: (_UNAVAILABLE, "rate_limit", 600, False),
    505: (_UNAVAILABLE, "rate_limit", 600, False),
    506: (_UNAVAILABLE, "rate_limit", 600, False),
    550: (_REFUSED, "no_route", None, True),  # country blocked
}
ERROR_TEXT: dict[int, str] = {
    200: "Неправильный api_id", 201: "Не хватает средств на лицевом счету", 202: "Неправильно указан получатель",
    203: "Нет текста сообщения", 204: "Имя отправителя не согласовано с администрацией",
    205: "Сообщение слишком длинное (превышает 8 СМС)",
    207: "На этот номер нельзя отправлять сообщения", 220: "Сервис временно недоступен, попробуйте чуть позже",
    230: "Превышен общий лимит количества сообщений на этот номер в день",
    231: "Превышен лимит одинаковых сообщений на этот номер в минуту",
    232: "Превышен лимит одинаковых сообщений на этот номер в день",
}

_CALLBACK_KEY = re.compile(r"^data(\[\d*\])?$")
_RECENT_TTL = 24 * 3600
_RECENT_MAX = 10_000


def _decimal(value: Any) -> Decimal | None:
    """An amount in roubles from SMS.ru's JSON numbers (995.0, 0.5), with kopecks: 995.00, 0.50."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value)).quantize(KOPECK)
    except (InvalidOperation, ValueError):
        return None


def _reached_server(error: BaseException) -> bool:
    """False when the connection itself failed (nothing was sent); True when it broke later (or unknown)."""
    seen: set[int] = set()
    stack: list[Any] = [error]
    while stack:
        current = stack.pop()
        if not isinstance(current, BaseException) or id(current) in seen:
            continue
        seen.add(id(current))
        # urllib3's NewConnectionError and NameResolutionError are ConnectTimeoutErrors too
        if isinstance(current, ConnectTimeoutError | ConnectionRefusedError):
            return False
        stack.extend([getattr(current, "reason", None), current.__cause__, current.__context__, *current.args])
    return True


def _retry_after(headers: Mapping[str, str]) -> float | None:
    try:
        return max(0.0, float(headers.get("Retry-After", "")))
    except ValueError:
        return None


def _callback_entries(request_body: bytes | str | Mapping[str, Any]) -> list[str]:
    """The ``data[]`` values of a callback, in order, from a raw body or a parsed form."""
    if isinstance(request_body, bytes | bytearray):
        request_body = bytes(request_body).decode("utf-8")  # UnicodeDecodeError is a ValueError
    if isinstance(request_body, str):
        pairs: Iterable[tuple[str, Any]] = parse_qsl(request_body, keep_blank_values=True)
    elif isinstance(request_body, Mapping):
        if hasattr(request_body, "getlist"):  # Django's QueryDict: every value of a repeated key
            pairs = [(key, value) for key in request_body for value in request_body.getlist(key)]
        else:
            pairs = [(key, item) for key, value in request_body.items()
                     for item in (value if isinstance(value, list | tuple) else [value])]
    else:
        raise ValueError(f"cannot read a callback from {type(request_body).__name__}")
    return [str(value) for key, value in pairs if _CALLBACK_KEY.match(str(key))]


def _timestamp(raw: str) -> datetime | None:
    """A callback's Unix time, or None for what is none (a 30-digit number overflows ``fromtimestamp``)."""
    if not raw.isdigit() or len(raw) > 11:
        return None
    try:
        return datetime.fromtimestamp(int(raw), UTC)
    except (OverflowError, OSError, ValueError):
        return None


class SmsRu(SmsGateway):
    """
    One SMS.ru account, given by its ``api_id`` (the key from the account's API settings, a secret).

    ``base_url`` points at SMS.ru or at the local emulator (``tools/sms_emulator``). ``test`` sends SMS.ru's
    ``test=1``: the request is checked and answered, nothing is sent or charged. ``max_segments`` refuses
    longer texts before any request (our notifications must fit two SMS; SMS.ru itself allows eight).
    Every request has explicit timeouts (``connect_timeout``, ``read_timeout``) and is never retried here:
    retrying is the caller's decision, made with :class:`GatewayUnavailable`'s ``retry_after``/``maybe_sent``.
    """

    name: ClassVar[str] = "smsru"
    callback_ack: ClassVar[str] = "100"

    _recent: ClassVar[OrderedDict[tuple[str, str, str], tuple[float, SendResult]]] = OrderedDict()
    _recent_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, api_id: str, base_url: str = DEFAULT_BASE_URL, *, test: bool = False,
                 partner_id: str | None = None, ttl_minutes: int | None = None, max_segments: int = MAX_SEGMENTS,
                 connect_timeout: float = CONNECT_TIMEOUT, read_timeout: float = READ_TIMEOUT,
                 session: requests.Session | None = None):
        if not api_id:
            raise GatewayRefused("SMS.ru api_id is empty", reason="auth", account_problem=True)
        if ttl_minutes is not None and not 1 <= ttl_minutes <= 1440:
            raise ValueError("ttl_minutes must be between 1 and 1440")
        self.api_id = api_id
        self.base_url = base_url.rstrip("/")
        self.test = test
        self.partner_id = partner_id
        self.ttl_minutes = ttl_minutes
        self.max_segments = min(max_segments, SMSRU_MAX_SEGMENTS)
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._session = session or requests.Session()

    def __repr__(self) -> str:  # never print the key
        return f"SmsRu(base_url={self.base_url!r}, test={self.test!r})"

    # ------------------------------------------------------------------ the SmsGateway interface

    def send(self, phone_e164: str, text: str, sender: str, idempotency_key: str) -> SendResult:
        if not idempotency_key:
            raise ValueError("idempotency_key is required")
        cached = self._remembered(idempotency_key)
        if cached is not None:
            return cached
        if not is_e164(phone_e164):
            raise GatewayRefused(f"not a phone number in E.164: {phone_e164!r}", reason="recipient")
        if not text or not text.strip():
            raise GatewayRefused("the text is empty", code=203, reason="empty_text")
        segments = count_segments(text)
        if segments.segments > self.max_segments:
            raise GatewayRefused(f"the text needs {segments.segments} SMS ({segments.encoding}), at most "
                                 f"{self.max_segments} allowed", reason="too_long")
        number = phone_e164[1:]  # SMS.ru wants the digits of the international number
        params: dict[str, Any] = {"to": number, "msg": text}
        if sender:
            params["from"] = sender
        if self.test:
            params["test"] = 1
        if self.partner_id:
            params["partner_id"] = self.partner_id
        if self.ttl_minutes:
            params["ttl"] = self.ttl_minutes
        answer = self._call("/sms/send", params, sending=True)
        entries = answer.get("sms") if isinstance(answer.get("sms"), dict) else {}
        entry = entries.get(number)
        if entry is None and len(entries) == 1:  # SMS.ru writes the number its own way
            entry = next(iter(entries.values()))
        if not isinstance(entry, dict):
            raise GatewayUnavailable("SMS.ru answered without a result for the number", reason="bad_response",
                                     maybe_sent=True)
        if entry.get("status") != "OK":
            raise self._error(entry)
        message_id = str(entry.get("sms_id") or "")
        if not message_id:
            raise GatewayUnavailable("SMS.ru accepted the message without an id", reason="bad_response",
                                     maybe_sent=True)
        result = SendResult(message_id=message_id, status=SmsStatus.QUEUED, segments=segments.segments,
                            cost=_decimal(entry.get("cost")), provider_code=self._code(entry, 100), phone=phone_e164)
        self._remember(idempotency_key, result)
        return result

    def status(self, message_id: str) -> DeliveryStatus:
        reports = self.statuses([message_id])
        if message_id not in reports:
            raise GatewayUnavailable("SMS.ru answered without the message's status", reason="bad_response")
        report = reports[message_id]
        if isinstance(report, GatewayError):
            raise report
        return report

    def statuses(self, message_ids: Sequence[str]) -> dict[str, DeliveryStatus | GatewayError]:
        """
        Several statuses in one request (for polling). Unknown ids map to a :class:`GatewayRefused` with
        code -1, ids with a status this module does not know to a :class:`GatewayUnavailable`.
        """
        ids = [str(message_id) for message_id in message_ids if message_id]
        if not ids:
            return {}
        answer = self._call("/sms/status", {"sms_id": ",".join(ids)})
        entries = answer.get("sms") if isinstance(answer.get("sms"), dict) else {}
        reports: dict[str, DeliveryStatus | GatewayError] = {}
        for message_id in ids:
            entry = entries.get(message_id)
            if isinstance(entry, dict):
                reports[message_id] = self._report(message_id, entry)
        return reports

    def parse_callback(self, request_body: bytes | str | Mapping[str, Any]) -> list[DeliveryStatus]:
        reports = []
        for entry in _callback_entries(request_body):
            lines = [line.strip() for line in entry.replace("\r\n", "\n").split("\n")]
            if len(lines) < 3 or lines[0] != "sms_status" or not lines[1]:
                continue  # other kinds of callbacks (e.g. call checks) and SMS.ru's test requests
            try:
                code = int(lines[2])
            except ValueError:
                logger.warning("SMS.ru callback with a status that is no number: %r", entry)
                continue
            status = STATUSES.get(code)
            if status is None:
                logger.warning("SMS.ru callback with an unknown status %s for %s", code, lines[1])
                continue
            changed_at = _timestamp(lines[3]) if len(lines) > 3 else None
            reports.append(DeliveryStatus(message_id=lines[1], status=status, provider_code=code,
                                          detail=f"{code} {STATUS_TEXT.get(code, '')}".strip(),
                                          changed_at=changed_at))
        return reports

    def check_connection(self) -> str:
        self._call("/auth/check", {})
        return f"SMS.ru: {self.balance()} RUB"

    # ------------------------------------------------------------------ more of SMS.ru

    def balance(self) -> Decimal:
        """The account's balance in roubles."""
        answer = self._call("/my/balance", {})
        balance = _decimal(answer.get("balance"))
        if balance is None:
            raise GatewayUnavailable("SMS.ru answered without a balance", reason="bad_response")
        return balance

    def cost(self, phone_e164: str, text: str) -> tuple[Decimal, int]:
        """(price in roubles, number of SMS) of sending ``text`` to ``phone_e164``, without sending it."""
        if not is_e164(phone_e164):
            raise GatewayRefused(f"not a phone number in E.164: {phone_e164!r}", reason="recipient")
        number = phone_e164[1:]
        answer = self._call("/sms/cost", {"to": number, "msg": text})
        entries = answer.get("sms") if isinstance(answer.get("sms"), dict) else {}
        entry = entries.get(number)
        if entry is None and len(entries) == 1:
            entry = next(iter(entries.values()))
        if not isinstance(entry, dict):
            raise GatewayUnavailable("SMS.ru answered without a price for the number", reason="bad_response")
        if entry.get("status") != "OK":
            raise self._error(entry)
        return _decimal(entry.get("cost")) or Decimal("0"), int(entry.get("sms") or 0)

    # ------------------------------------------------------------------ plumbing

    def _call(self, path: str, params: dict[str, Any], *, sending: bool = False) -> dict[str, Any]:
        """
        One request. Network failures, HTTP errors and unreadable answers become GatewayUnavailable (or
        GatewayRefused where retrying cannot help); an answer with ``"status": "ERROR"`` is mapped by code.
        ``sending``: the request has an effect, so a lost answer means the message may have gone out.
        """
        data = {"api_id": self.api_id, "json": 1, **params}
        url = self.base_url + path
        try:
            response = self._session.post(url, data=data, timeout=(self.connect_timeout, self.read_timeout))
        except requests.ConnectTimeout:
            raise GatewayUnavailable(f"SMS.ru could not be reached within {self.connect_timeout} s",
                                     reason="timeout") from None
        except requests.ReadTimeout:
            raise GatewayUnavailable(f"SMS.ru did not answer within {self.read_timeout} s", reason="timeout",
                                     maybe_sent=sending) from None
        except requests.RequestException as error:
            reached = _reached_server(error)
            raise GatewayUnavailable(f"SMS.ru connection failed: {type(error).__name__}", reason="connection",
                                     maybe_sent=sending and reached) from error
        except Urllib3HTTPError as error:
            # pretix's SSRF protection refuses private addresses with a bare urllib3 HTTPError: a setting,
            # not a passing fault (the emulator on 127.0.0.1 needs ALLOW_HTTP_TO_PRIVATE_NETWORKS).
            if "blocked" in str(error):
                raise GatewayRefused(f"SMS.ru address refused by pretix: {error}", reason="blocked_address",
                                     account_problem=True) from error
            raise GatewayUnavailable(f"SMS.ru connection failed: {error}", reason="connection",
                                     maybe_sent=sending) from error
        if response.status_code == 429:
            raise GatewayUnavailable("SMS.ru: too many requests (HTTP 429)", reason="rate_limit",
                                     retry_after=_retry_after(response.headers))
        if response.status_code >= 500:
            raise GatewayUnavailable(f"SMS.ru: HTTP {response.status_code}", reason="http_error",
                                     retry_after=_retry_after(response.headers), maybe_sent=sending)
        if response.status_code >= 400:
            raise GatewayRefused(f"SMS.ru: HTTP {response.status_code} for {path} (check the address)",
                                 reason="http_error", account_problem=True)
        try:
            answer = response.json()
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or "status" not in answer:
            raise GatewayUnavailable(f"SMS.ru answered {path} with something that is not its JSON",
                                     reason="bad_response", maybe_sent=sending)
        if answer.get("status") != "OK":
            raise self._error(answer)
        return answer

    @staticmethod
    def _code(entry: Mapping[str, Any], default: int | None = None) -> int | None:
        try:
            return int(entry.get("status_code"))
        except (TypeError, ValueError):
            return default

    def _error(self, entry: Mapping[str, Any]) -> GatewayError:
        """The exception for an ``"status": "ERROR"`` answer (a whole request's or one number's)."""
        code = self._code(entry)
        text = str(entry.get("status_text") or ERROR_TEXT.get(code or 0, "") or "error")
        message = f"SMS.ru {code}: {text}"
        if code in ERRORS:
            kind, reason, retry_after, account_problem = ERRORS[code]
            return kind(message, code=code, reason=reason, retry_after=retry_after, account_problem=account_problem)
        # An error code this module does not know: most likely a new limit; retrying later does no harm.
        return GatewayUnavailable(message, code=code, reason="unknown", retry_after=300)

    def _report(self, message_id: str, entry: Mapping[str, Any]) -> DeliveryStatus | GatewayError:
        code = self._code(entry)
        if entry.get("status") != "OK" or code == -1:
            if code == -1:
                return GatewayRefused(f"SMS.ru does not know message {message_id}", code=-1, reason="not_found")
            return self._error(entry)
        status = STATUSES.get(code) if code is not None else None
        if status is None:
            return GatewayUnavailable(f"SMS.ru status {code} of {message_id} is unknown here",
                                      code=code, reason="unknown_status", retry_after=300)
        text = str(entry.get("status_text") or STATUS_TEXT.get(code, ""))
        return DeliveryStatus(message_id=message_id, status=status, provider_code=code,
                              detail=f"{code} {text}".strip(), cost=_decimal(entry.get("cost")))

    # Within-process deduplication by idempotency key (SMS.ru has none of its own).

    def _recent_key(self, idempotency_key: str) -> tuple[str, str, str]:
        return self.base_url, self.api_id, idempotency_key

    def _remembered(self, idempotency_key: str) -> SendResult | None:
        with self._recent_lock:
            item = self._recent.get(self._recent_key(idempotency_key))
            if item is None or item[0] < time.monotonic() - _RECENT_TTL:
                return None
            return item[1]

    def _remember(self, idempotency_key: str, result: SendResult) -> None:
        with self._recent_lock:
            self._recent[self._recent_key(idempotency_key)] = (time.monotonic(), result)
            self._recent.move_to_end(self._recent_key(idempotency_key))
            while len(self._recent) > _RECENT_MAX:
                self._recent.popitem(last=False)
