"""
Fault injection for the emulated API, set through the control API (``POST /_emulator/faults``), ``--fault`` or
YOOKASSA_EMULATOR_FAULTS. The registry and the kinds every emulator has are in ``tools/emulator_kit/faults.py``.

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
from dataclasses import dataclass

from tools.emulator_kit import faults as kit
from tools.emulator_kit.faults import FaultError

REQUEST_KINDS = kit.REQUEST_KINDS | {"error_500", "error_429", "processing"}
TERMINAL_KINDS = REQUEST_KINDS - {"slow"}
WEBHOOK_KINDS = kit.delivery_kinds("webhook")
OTHER_KINDS = {"refund_pending"}
KINDS = REQUEST_KINDS | WEBHOOK_KINDS | OTHER_KINDS
ALIASES = {"500": "error_500", "429": "error_429", "202": "processing", "slow_down": "slow",
           "reorder": "delay_webhook", **kit.delivery_aliases("webhook")}


@dataclass
class Fault(kit.Fault):
    request_kinds = REQUEST_KINDS
    retry_after: int = 1
    shop_id: str | None = None
    event: str | None = None

    def matches_request(self, method: str, path: str, shop_id: str | None = None) -> bool:
        return super().matches_request(method, path) and (self.shop_id is None or self.shop_id == shop_id)

    def matches(self, shop_id: str | None = None, event: str | None = None) -> bool:
        return (self.shop_id is None or self.shop_id == shop_id) and (self.event is None or self.event == event)


class Faults(kit.Faults):
    fault_class = Fault
    kinds = KINDS
    aliases = ALIASES

    def fields(self, kind: str, spec: dict) -> dict:
        return {"retry_after": int(spec.get("retry_after", 1)), "event": spec.get("event"),
                "shop_id": str(spec["shop_id"]) if spec.get("shop_id") is not None else None}


__all__ = ["ALIASES", "KINDS", "REQUEST_KINDS", "TERMINAL_KINDS", "Fault", "FaultError", "Faults"]
