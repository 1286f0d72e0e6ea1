"""
Webhook (HTTP notification) delivery, as YooKassa does it: ``POST`` of
``{"type": "notification", "event": "payment.succeeded", "object": {...}}`` to the shop's URL from a
background thread; anything but HTTP 2xx (or no answer) is retried. The real service retries for 24 hours;
the emulator retries a few times quickly (``retry_delays``). Deliveries are logged for the control API. The
queue, retries, log and delivery faults are ``tools/emulator_kit/dispatch.py``.
"""
import json
import time

from tools.emulator_kit.dispatch import Dispatcher

EVENTS = ("payment.waiting_for_capture", "payment.succeeded", "payment.canceled", "refund.succeeded")


class WebhookDispatcher(Dispatcher):
    noun = "webhook"
    name = "yookassa-webhook"
    user_agent = "YooKassa-Emulator/1.0"
    # self.urls: shop_id -> URL, shared with the store

    def enqueue(self, shop_id: str, event: str, obj: dict) -> None:
        payload = {"type": "notification", "event": event, "object": obj}
        self.queue({"id": self.next_id(), "shop_id": shop_id, "event": event, "object_id": obj.get("id"),
                    "status": obj.get("status"), "url": self.urls.get(shop_id), "state": "queued", "attempts": [],
                    "queued_at": time.time(), "payload": payload}, shop_id, event)

    def body(self, entry: dict) -> bytes:
        return json.dumps(entry["payload"], ensure_ascii=False).encode("utf-8")
