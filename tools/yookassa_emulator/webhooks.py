"""
Webhook (HTTP notification) delivery, as YooKassa does it: ``POST`` of
``{"type": "notification", "event": "payment.succeeded", "object": {...}}`` to the shop's URL from a
background thread; anything but HTTP 2xx (or no answer) is retried. The real service retries for 24 hours;
the emulator retries a few times quickly (``retry_delays``). Deliveries are logged for the control API.
"""
import heapq
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections import deque

from .faults import Faults

EVENTS = ("payment.waiting_for_capture", "payment.succeeded", "payment.canceled", "refund.succeeded")
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class WebhookDispatcher:
    def __init__(self, urls: dict[str, str], faults: Faults, *, retry_delays=(0.5, 1.0, 2.0, 5.0),
                 timeout: float = 5.0, log_size: int = 1000):
        self.urls = urls  # shop_id -> URL, shared with the store (persisted there)
        self.faults = faults
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.log: deque[dict] = deque(maxlen=log_size)
        self._heap: list = []
        self._seq = itertools.count()
        self._ids = itertools.count(1)
        self._cv = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="yookassa-webhooks", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ queueing

    def enqueue(self, shop_id: str, event: str, obj: dict) -> None:
        payload = {"type": "notification", "event": event, "object": obj}
        url = self.urls.get(shop_id)
        entry = {"id": next(self._ids), "shop_id": shop_id, "event": event, "object_id": obj.get("id"),
                 "status": obj.get("status"), "url": url, "state": "queued", "attempts": [],
                 "queued_at": time.time(), "payload": payload}
        with self._cv:
            self.log.append(entry)
        if not url:
            entry["state"] = "no_url"
            return
        if self.faults.take("lose_webhook", shop_id, event):
            entry["state"] = "lost"
            return
        due = time.monotonic()
        delayed = self.faults.take("delay_webhook", shop_id, event)
        if delayed:
            due += delayed.delay
            entry["delayed"] = delayed.delay
        copies = 2 if self.faults.take("duplicate_webhook", shop_id, event) else 1
        with self._cv:
            for copy_no in range(copies):
                if copy_no:
                    entry = dict(entry, id=next(self._ids), attempts=[], duplicate_of=entry["id"])
                    self.log.append(entry)
                heapq.heappush(self._heap, (due, next(self._seq), entry))
            self._cv.notify()

    def pending(self) -> int:
        with self._cv:
            return len(self._heap) + sum(1 for e in self.log if e["state"] == "sending")

    def entries(self) -> list[dict]:
        with self._cv:
            return [dict(e) for e in self.log]

    def clear_log(self) -> None:
        with self._cv:
            self.log.clear()
            self._heap.clear()

    def stop(self) -> None:
        with self._cv:
            self._stopped = True
            self._cv.notify()
        self._thread.join(timeout=2)

    # ------------------------------------------------------------------ sending

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._stopped and (not self._heap or self._heap[0][0] > time.monotonic()):
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cv.wait(timeout=wait)
                if self._stopped:
                    return
                _, _, entry = heapq.heappop(self._heap)
                entry["state"] = "sending"
            threading.Thread(target=self._deliver, args=(entry,), daemon=True,
                             name=f"yookassa-webhook-{entry['id']}").start()

    def _deliver(self, entry: dict) -> None:
        data = json.dumps(entry["payload"], ensure_ascii=False).encode("utf-8")
        if not entry["url"].startswith(("http://", "https://")):
            entry["attempts"].append({"at": time.time(), "error": "not an http(s) URL"})
            entry["state"] = "failed"
            return
        request = urllib.request.Request(entry["url"], data=data, method="POST", headers={  # noqa: S310 (http(s) only)
            "Content-Type": "application/json; charset=utf-8", "User-Agent": "YooKassa-Emulator/1.0"})
        started = time.time()
        try:
            with _NO_PROXY.open(request, timeout=self.timeout) as response:
                status = response.status
                response.read()
            outcome = {"at": started, "status": status}
        except urllib.error.HTTPError as error:
            status = error.code
            outcome = {"at": started, "status": status}
        except (OSError, ValueError) as error:
            status = None
            outcome = {"at": started, "error": str(error)}
        with self._cv:
            entry["attempts"].append(outcome)
            if status is not None and 200 <= status < 300:
                entry["state"] = "delivered"
                return
            tries = len(entry["attempts"])
            if tries > len(self.retry_delays) or self._stopped:
                entry["state"] = "failed"
                return
            entry["state"] = "retrying"
            heapq.heappush(self._heap, (time.monotonic() + self.retry_delays[tries - 1], next(self._seq), entry))
            self._cv.notify()
