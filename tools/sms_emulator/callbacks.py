"""
Delivery-report callbacks, as SMS.ru sends them to the handler URLs of an account: a form-encoded ``POST``
with ``data[0]=sms_status\\n<sms_id>\\n<status_code>\\n<unix time>`` from a background thread, for every
status change after the message was queued. SMS.ru documents one rule for the handler: answer ``100`` to
every request; anything else (or no answer) is a failure and the report is sent again later. The real
service keeps trying for a long time; the emulator retries a few times quickly (``retry_delays``).
Deliveries are logged for the control API.
"""
import heapq
import itertools
import threading
import time
import urllib.error
import urllib.request
from collections import deque
from urllib.parse import urlencode

from .faults import Faults

_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def callback_body(entries: list[str]) -> bytes:
    """``data[0]=…&data[1]=…``: the shape PHP's ``$_POST["data"]`` and SMS.ru's examples read."""
    return urlencode([(f"data[{index}]", entry) for index, entry in enumerate(entries)]).encode("utf-8")


def status_entry(sms_id: str, status: int, at: float) -> str:
    return f"sms_status\n{sms_id}\n{status}\n{int(at)}"


class CallbackDispatcher:
    def __init__(self, urls: list[str], faults: Faults, *, retry_delays=(0.5, 1.0, 2.0, 5.0),
                 timeout: float = 5.0, log_size: int = 2000):
        self.urls = urls  # shared with the store (persisted there)
        self.faults = faults
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.log: deque[dict] = deque(maxlen=log_size)
        self._heap: list = []
        self._seq = itertools.count()
        self._ids = itertools.count(1)
        self._cv = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="sms-callbacks", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ queueing

    def enqueue(self, message: dict, status: int, at: float) -> None:
        """One status change of ``message``: a report to every handler URL (none: logged as ``no_url``)."""
        entry_text = status_entry(message["sms_id"], status, at)
        base = {"sms_id": message["sms_id"], "phone": message["phone"], "status": status, "state": "queued",
                "attempts": [], "queued_at": time.time(), "entries": [entry_text]}
        urls = list(self.urls)
        if not urls:
            with self._cv:
                self.log.append(dict(base, id=next(self._ids), url=None, state="no_url"))
            return
        for url in urls:
            entry = dict(base, id=next(self._ids), url=url, attempts=[])
            with self._cv:
                self.log.append(entry)
            if self.faults.take("lose_callback", message["phone"], status):
                entry["state"] = "lost"
                continue
            due = time.monotonic()
            delayed = self.faults.take("delay_callback", message["phone"], status)
            if delayed:
                due += delayed.delay
                entry["delayed"] = delayed.delay
            copies = 2 if self.faults.take("duplicate_callback", message["phone"], status) else 1
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
                             name=f"sms-callback-{entry['id']}").start()

    def _deliver(self, entry: dict) -> None:
        if not entry["url"].startswith(("http://", "https://")):
            entry["attempts"].append({"at": time.time(), "error": "not an http(s) URL"})
            entry["state"] = "failed"
            return
        request = urllib.request.Request(entry["url"], data=callback_body(entry["entries"]), method="POST",  # noqa: S310
                                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                                  "User-Agent": "SMS.RU-Emulator/1.0"})
        started = time.time()
        answer = b""
        try:
            with _NO_PROXY.open(request, timeout=self.timeout) as response:
                status = response.status
                answer = response.read(200)
        except urllib.error.HTTPError as error:
            status = error.code
            answer = error.read(200)
        except (OSError, ValueError) as error:
            status = None
            outcome = {"at": started, "error": str(error)}
        if status is not None:
            outcome = {"at": started, "status": status, "answer": answer.decode("utf-8", "replace").strip()}
        with self._cv:
            entry["attempts"].append(outcome)
            # SMS.ru: "на любой запрос этот скрипт должен отвечать цифрой 100"
            if status == 200 and outcome["answer"] == "100":
                entry["state"] = "delivered"
                return
            tries = len(entry["attempts"])
            if tries > len(self.retry_delays) or self._stopped:
                entry["state"] = "failed"
                return
            entry["state"] = "retrying"
            heapq.heappush(self._heap, (time.monotonic() + self.retry_delays[tries - 1], next(self._seq), entry))
            self._cv.notify()
