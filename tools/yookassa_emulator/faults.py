"""
Fault injection for the emulated API, set through the control API (``POST /_emulator/faults``).

Request faults (apply to the next ``count`` matching ``/v3/...`` requests):

* ``slow``: sleep ``delay`` seconds, then answer normally (combines with the others);
* ``error_500``: HTTP 500 ``internal_server_error`` (with ``after: true`` the request is processed first, so
  the object exists and a retry with the same Idempotence-Key gets it);
* ``error_429``: HTTP 429 ``too_many_requests`` with a ``Retry-After`` header (``retry_after`` seconds);
* ``processing``: HTTP 202 ``{"type": "processing", "retry_after": ...}`` ("accepted, come back later");
* ``drop``: close the connection without an answer (``after: true``: after processing);
* ``timeout``: keep the connection silent for ``delay`` seconds, then close it without an answer.

Other faults:

* ``refund_pending``: the next refunds stay ``pending`` until completed via the control API;
* ``lose_webhook``: the next notifications are never sent;
* ``duplicate_webhook``: the next notifications are sent twice;
* ``delay_webhook``: the next notifications are sent ``delay`` seconds late (so later ones overtake them).

``method``, ``path`` (prefix of the path after /v3, e.g. ``/payments``) and ``shop_id`` narrow a fault down;
``event`` narrows a webhook fault to one event (e.g. ``payment.succeeded``).
"""
import itertools
import threading
from dataclasses import asdict, dataclass

REQUEST_KINDS = {"slow", "error_500", "error_429", "processing", "drop", "timeout"}
TERMINAL_KINDS = REQUEST_KINDS - {"slow"}
WEBHOOK_KINDS = {"lose_webhook", "duplicate_webhook", "delay_webhook"}
OTHER_KINDS = {"refund_pending"}
KINDS = REQUEST_KINDS | WEBHOOK_KINDS | OTHER_KINDS
ALIASES = {"500": "error_500", "429": "error_429", "202": "processing", "slow_down": "slow", "lose": "lose_webhook",
           "duplicate": "duplicate_webhook", "delay": "delay_webhook", "reorder": "delay_webhook"}


@dataclass
class Fault:
    id: int
    kind: str
    remaining: int = 1
    delay: float = 0.0
    after: bool = False
    retry_after: int = 1
    method: str | None = None
    path: str | None = None
    shop_id: str | None = None
    event: str | None = None

    def matches_request(self, method: str, path: str, shop_id: str | None) -> bool:
        return (self.kind in REQUEST_KINDS
                and (self.method is None or self.method.upper() == method)
                and (self.path is None or path.startswith(self.path))
                and (self.shop_id is None or self.shop_id == shop_id))


class FaultError(ValueError):
    pass


class Faults:
    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def add(self, spec: dict) -> Fault:
        kind = ALIASES.get(str(spec.get("kind")), spec.get("kind"))
        if kind not in KINDS:
            raise FaultError(f"unknown fault kind {spec.get('kind')!r}; known: {', '.join(sorted(KINDS))}")
        try:
            fault = Fault(
                id=next(self._ids), kind=kind, remaining=int(spec.get("count", 1)),
                delay=float(spec.get("delay", 5.0 if kind == "timeout" else 1.0 if kind != "slow" else 2.0)),
                after=bool(spec.get("after", False)), retry_after=int(spec.get("retry_after", 1)),
                method=spec.get("method"), path=spec.get("path"),
                shop_id=str(spec["shop_id"]) if spec.get("shop_id") is not None else None,
                event=spec.get("event"),
            )
        except (TypeError, ValueError) as error:
            raise FaultError(f"invalid fault: {error}")
        if fault.remaining < 1:
            raise FaultError("count must be at least 1")
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

    def for_request(self, method: str, path: str, shop_id: str | None) -> list[Fault]:
        """The faults that hit this request: any number of ``slow`` ones and at most one terminal one."""
        hit = []
        with self._lock:
            terminal_taken = False
            for fault in list(self._faults):
                if not fault.matches_request(method, path, shop_id):
                    continue
                if fault.kind in TERMINAL_KINDS:
                    if terminal_taken:
                        continue
                    terminal_taken = True
                hit.append(self._consume(fault))
        return hit

    def take(self, kind: str, shop_id: str | None = None, event: str | None = None) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.kind == kind and (fault.shop_id is None or fault.shop_id == shop_id) and (
                        fault.event is None or fault.event == event):
                    return self._consume(fault)
        return None
