"""
Background delivery of an emulator's notifications (YooKassa's webhooks, SMS.ru's delivery reports): each entry
is logged, POSTed to its URL from a thread of its own (no proxy) and, until the receiver accepts it
(:meth:`Dispatcher.accepted`), retried after each of ``retry_delays`` seconds; the real services keep trying for
hours. When an entry is queued, the delivery faults ``lose_<noun>``, ``duplicate_<noun>`` and ``delay_<noun>`` of
the emulator's :class:`~.faults.Faults` apply. The log (entries with their attempts) backs the control API.

A subclass says what a notification looks like: ``noun``, ``name`` (of its threads), ``content_type``,
``user_agent``, :meth:`Dispatcher.body`, :meth:`Dispatcher.accepted`, ``keep_answer``; it builds the entries
(with ``id=next_id()``, ``url``, ``state="queued"``, ``attempts=[]``) and hands them to :meth:`Dispatcher.queue`.
"""
import heapq
import itertools
import threading
import time
import urllib.error
import urllib.request
from collections import deque

from .faults import Faults

ANSWER_BYTES = 200  # of a receiver's answer, read and (keep_answer) logged
_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class Dispatcher:
    noun = "notification"  # the delivery faults' kinds: lose_<noun>, duplicate_<noun>, delay_<noun>
    name = "emulator-notification"  # threads: <name>s, <name>-<entry id>
    content_type = "application/json; charset=utf-8"
    user_agent = "Emulator/1.0"
    keep_answer = False  # log the receiver's answer text with each attempt
    log_size = 1000

    def __init__(self, urls, faults: Faults, *, retry_delays=(0.5, 1.0, 2.0, 5.0), timeout: float = 5.0,
                 log_size: int | None = None):
        self.urls = urls  # shared with the store (persisted there)
        self.faults = faults
        self.retry_delays = tuple(retry_delays)
        self.timeout = timeout
        self.log: deque[dict] = deque(maxlen=log_size or self.log_size)
        self._heap: list = []
        self._seq = itertools.count()
        self._ids = itertools.count(1)
        self._cv = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name=f"{self.name}s", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------------ what a notification is

    def body(self, entry: dict) -> bytes:
        raise NotImplementedError

    def accepted(self, status: int, answer: str) -> bool:
        """Whether the receiver's answer (HTTP status, text) means it took the notification."""
        return 200 <= status < 300

    # ------------------------------------------------------------------ queueing

    def next_id(self) -> int:
        return next(self._ids)

    def queue(self, entry: dict, *context) -> None:
        """
        Logs ``entry`` and queues it for sending, unless it has no URL (``no_url``) or a ``lose_<noun>`` fault
        takes it (``lost``); ``delay_<noun>`` and ``duplicate_<noun>`` faults delay it or send it twice.
        ``context`` narrows the faults (:meth:`~.faults.Faults.take`).
        """
        with self._cv:
            self.log.append(entry)
        if not entry["url"]:
            entry["state"] = "no_url"
            return
        if self.faults.take(f"lose_{self.noun}", *context):
            entry["state"] = "lost"
            return
        due = time.monotonic()
        delayed = self.faults.take(f"delay_{self.noun}", *context)
        if delayed:
            due += delayed.delay
            entry["delayed"] = delayed.delay
        copies = 2 if self.faults.take(f"duplicate_{self.noun}", *context) else 1
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

    def wait_idle(self, timeout: float) -> int:
        """Waits until nothing is queued or being sent, at most ``timeout`` seconds; returns what still is."""
        deadline = time.monotonic() + timeout
        while self.pending() and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.pending()

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
                             name=f"{self.name}-{entry['id']}").start()

    def _deliver(self, entry: dict) -> None:
        if not entry["url"].startswith(("http://", "https://")):
            entry["attempts"].append({"at": time.time(), "error": "not an http(s) URL"})
            entry["state"] = "failed"
            return
        request = urllib.request.Request(entry["url"], data=self.body(entry), method="POST", headers={  # noqa: S310 (http(s) only)
            "Content-Type": self.content_type, "User-Agent": self.user_agent})
        started = time.time()
        status, answer = None, b""
        try:
            with _NO_PROXY.open(request, timeout=self.timeout) as response:
                status, answer = response.status, response.read(ANSWER_BYTES)
        except urllib.error.HTTPError as error:
            status, answer = error.code, error.read(ANSWER_BYTES)
        except (OSError, ValueError) as error:
            outcome = {"at": started, "error": str(error)}
        text = answer.decode("utf-8", "replace").strip()
        if status is not None:
            outcome = {"at": started, "status": status}
            if self.keep_answer:
                outcome["answer"] = text
        with self._cv:
            entry["attempts"].append(outcome)
            if status is not None and self.accepted(status, text):
                entry["state"] = "delivered"
                return
            tries = len(entry["attempts"])
            if tries > len(self.retry_delays) or self._stopped:
                entry["state"] = "failed"
                return
            entry["state"] = "retrying"
            heapq.heappush(self._heap, (time.monotonic() + self.retry_delays[tries - 1], next(self._seq), entry))
            self._cv.notify()
