"""
Fault injection, set through the control API (``POST /_emulator/faults``), ``--fault`` or SMS_EMULATOR_FAULTS.

Request faults (the next ``count`` matching API requests; ``method`` and ``path``, e.g. ``/sms/send``, narrow):

* ``slow``: sleep ``delay`` seconds, then answer normally (combines with the others);
* ``error``: answer the whole request with SMS.ru's ``{"status": "ERROR", "status_code": status_code}``
  (HTTP 200, as SMS.ru does), e.g. 220 (temporarily unavailable), 201 (no money), 200 (wrong api_id);
  with ``phone`` it is one recipient's answer in ``/sms/send`` instead (e.g. 202, 207);
* ``http_error``: an HTTP ``http_status`` (503 by default) with an HTML page, as a proxy in front of the
  service answers (``after: true``: the request was processed first);
* ``drop``: close the connection without an answer (``after: true``: after processing, so the SMS exists);
* ``timeout``: keep the connection silent for ``delay`` seconds, then close it (``after: true`` likewise).

SMS.ru's own limits, per recipient of ``/sms/send`` (``phone`` narrows, default every number):

* ``rate_limit``: the recipient's answer is ``status_code`` 231 (same text per minute), or 230 (per number per
  day), 232 (same text per day), 233 (repeated codes): SMS.ru limits are answered in the JSON with HTTP 200,
  not with HTTP 429.

Delivery and callbacks (``phone`` narrows; ``status`` narrows callback faults to one status's report):

* ``fail_delivery``: the next messages end in ``status`` (106 by default; 104, 105, 107, 108, 150) instead of
  103;
* ``lose_callback``: the next callbacks are never sent; ``duplicate_callback``: sent twice;
  ``delay_callback``: sent ``delay`` seconds late (later ones overtake them).
"""
import itertools
import threading
from dataclasses import asdict, dataclass

from .codes import FAILURE_STATUSES, parse_number

REQUEST_KINDS = {"slow", "error", "http_error", "drop", "timeout"}
TERMINAL_KINDS = REQUEST_KINDS - {"slow"}
NUMBER_KINDS = {"rate_limit"}
DELIVERY_KINDS = {"fail_delivery"}
CALLBACK_KINDS = {"lose_callback", "duplicate_callback", "delay_callback"}
KINDS = REQUEST_KINDS | NUMBER_KINDS | DELIVERY_KINDS | CALLBACK_KINDS
ALIASES = {"5xx": "http_error", "limit": "rate_limit", "fail": "fail_delivery", "lose": "lose_callback",
           "duplicate": "duplicate_callback", "delay": "delay_callback", "unavailable": "error"}
DEFAULT_DELAY = {"slow": 2.0, "timeout": 5.0, "delay_callback": 1.0}


@dataclass
class Fault:
    id: int
    kind: str
    remaining: int = 1
    delay: float = 0.0
    after: bool = False
    status_code: int | None = None  # error, rate_limit: SMS.ru's code
    http_status: int = 503  # http_error
    status: int | None = None  # fail_delivery: the final status; callback faults: only this status's report
    method: str | None = None
    path: str | None = None
    phone: str | None = None  # digits of the international number

    @property
    def per_number(self) -> bool:
        return self.kind in NUMBER_KINDS or (self.kind == "error" and self.phone is not None)

    def matches_request(self, method: str, path: str) -> bool:
        return (self.kind in REQUEST_KINDS and not self.per_number
                and (self.method is None or self.method.upper() == method)
                and (self.path is None or path.startswith(self.path)))

    def matches_number(self, path: str, number: str) -> bool:
        return (self.per_number and path.startswith(self.path or "/sms/send")
                and (self.phone is None or self.phone == number))


class FaultError(ValueError):
    pass


def _int(value, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise FaultError(f"{name} must be a number, got {value!r}")


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec: dict) -> Fault:
        kind = ALIASES.get(str(spec.get("kind")), spec.get("kind"))
        if kind not in KINDS:
            raise FaultError(f"unknown fault kind {spec.get('kind')!r}; known: {', '.join(sorted(KINDS))}")
        phone = None
        if spec.get("phone") not in (None, ""):
            phone, code = parse_number(str(spec["phone"]))
            if phone is None:
                raise FaultError(f"phone {spec['phone']!r} is not a number SMS.ru would accept (code {code})")
        status_code = _int(spec.get("status_code"), "status_code")
        if status_code is None and kind == "error":
            status_code = 220
        if status_code is None and kind == "rate_limit":
            status_code = 231
        status = _int(spec.get("status"), "status")
        if kind == "fail_delivery":
            status = status or 106
            if status not in FAILURE_STATUSES:
                raise FaultError(f"fail_delivery status must be one of {sorted(FAILURE_STATUSES)}")
        try:
            fault = Fault(
                id=next(self._ids), kind=kind, remaining=int(spec.get("count", 1)),
                delay=float(spec.get("delay", DEFAULT_DELAY.get(kind, 1.0))),
                after=str(spec.get("after", False)).lower() in ("1", "true", "yes"),
                status_code=status_code, http_status=int(spec.get("http_status", 503)), status=status,
                method=spec.get("method"), path=spec.get("path"), phone=phone,
            )
        except (TypeError, ValueError) as error:
            raise FaultError(f"invalid fault: {error}")
        if fault.remaining < 1:
            raise FaultError("count must be at least 1")
        if kind == "http_error" and not 400 <= fault.http_status <= 599:
            raise FaultError("http_status must be 4xx or 5xx")
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def describe(self) -> list[dict]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def _consume(self, fault: Fault) -> Fault:
        fault.remaining -= 1
        if fault.remaining <= 0:
            self._faults.remove(fault)
        return fault

    def for_request(self, method: str, path: str) -> list[Fault]:
        """The faults that hit this request: any number of ``slow`` ones and at most one terminal one."""
        hit = []
        with self._lock:
            terminal_taken = False
            for fault in list(self._faults):
                if not fault.matches_request(method, path):
                    continue
                if fault.kind in TERMINAL_KINDS:
                    if terminal_taken:
                        continue
                    terminal_taken = True
                hit.append(self._consume(fault))
        return hit

    def for_number(self, path: str, number: str) -> Fault | None:
        """A per-recipient answer (``error`` with ``phone``, ``rate_limit``) for this number, if any."""
        with self._lock:
            for fault in self._faults:
                if fault.matches_number(path, number):
                    return self._consume(fault)
        return None

    def take(self, kind: str, number: str | None = None, status: int | None = None) -> Fault | None:
        """A delivery or callback fault for this message (and, for callbacks, this status)."""
        with self._lock:
            for fault in self._faults:
                if fault.kind != kind or (fault.phone is not None and fault.phone != number):
                    continue
                if kind in CALLBACK_KINDS and fault.status is not None and fault.status != status:
                    continue
                return self._consume(fault)
        return None
