"""
Fault injection, set through the control API (``POST /_emulator/faults``), ``--fault`` or SMS_EMULATOR_FAULTS.
The registry and the kinds every emulator has are in ``tools/emulator_kit/faults.py``.

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
from dataclasses import dataclass

from tools.emulator_kit import faults as kit
from tools.emulator_kit.faults import FaultError

from .codes import FAILURE_STATUSES, parse_number

REQUEST_KINDS = kit.REQUEST_KINDS | {"error", "http_error"}
TERMINAL_KINDS = REQUEST_KINDS - {"slow"}
NUMBER_KINDS = {"rate_limit"}
DELIVERY_KINDS = {"fail_delivery"}
CALLBACK_KINDS = kit.delivery_kinds("callback")
KINDS = REQUEST_KINDS | NUMBER_KINDS | DELIVERY_KINDS | CALLBACK_KINDS
ALIASES = {"5xx": "http_error", "limit": "rate_limit", "fail": "fail_delivery", "unavailable": "error",
           **kit.delivery_aliases("callback")}


@dataclass
class Fault(kit.Fault):
    request_kinds = REQUEST_KINDS
    status_code: int | None = None  # error, rate_limit: SMS.ru's code
    http_status: int = 503  # http_error
    status: int | None = None  # fail_delivery: the final status; callback faults: only this status's report
    phone: str | None = None  # digits of the international number

    @property
    def per_number(self) -> bool:
        return self.kind in NUMBER_KINDS or (self.kind == "error" and self.phone is not None)

    def matches_request(self, method: str, path: str) -> bool:
        return not self.per_number and super().matches_request(method, path)

    def matches_number(self, path: str, number: str) -> bool:
        return (self.per_number and path.startswith(self.path or "/sms/send")
                and (self.phone is None or self.phone == number))

    def matches(self, number: str | None = None, status: int | None = None) -> bool:
        """A delivery or callback fault for this message (and, for callbacks, this status)."""
        return ((self.phone is None or self.phone == number)
                and (self.kind not in CALLBACK_KINDS or self.status is None or self.status == status))


def _int(value, name: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise FaultError(f"{name} must be a number, got {value!r}")


class Faults(kit.Faults):
    fault_class = Fault
    kinds = KINDS
    aliases = ALIASES

    def fields(self, kind: str, spec: dict) -> dict:
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
        return {"status_code": status_code, "http_status": int(spec.get("http_status", 503)), "status": status,
                "phone": phone}

    def check(self, fault: Fault) -> None:
        if fault.kind == "http_error" and not 400 <= fault.http_status <= 599:
            raise FaultError("http_status must be 4xx or 5xx")

    def for_number(self, path: str, number: str) -> Fault | None:
        """A per-recipient answer (``error`` with ``phone``, ``rate_limit``) for this number, if any."""
        return self.first(lambda fault: fault.matches_number(path, number))


__all__ = ["ALIASES", "KINDS", "REQUEST_KINDS", "TERMINAL_KINDS", "Fault", "FaultError", "Faults"]
