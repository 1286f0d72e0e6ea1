"""
The HTTP side: SMS.ru's HTTP API (``/sms/send``, ``/sms/status``, ``/sms/cost``, ``/my/balance``,
``/my/senders``, ``/auth/check``, ``/callback/add|get|del``), the test/control API and the inbox page under
``/_emulator/`` (loopback clients only). Standard library only.

Like SMS.ru, every API method takes its parameters from the query string or a form-encoded POST body,
answers HTTP 200 whatever happened (``"status": "ERROR"`` and a ``status_code`` say what went wrong), in JSON
with ``json=1`` and in SMS.ru's older line-based text otherwise.

The server, the handler's plumbing, request faults and the control endpoints both emulators have (state, reset,
faults, the callback log) are ``tools/emulator_kit/server.py``; here is what is SMS.ru's own.
"""
import re
import threading
import time
from decimal import Decimal
from urllib.parse import parse_qsl

from tools.emulator_kit import server as kit
from tools.emulator_kit.server import stop_server

from . import pages
from .callbacks import CallbackDispatcher
from .codes import FINAL_STATUSES, OK, STATUS_TEXT
from .faults import Faults
from .store import DEFAULT_API_ID, DEFAULT_BALANCE, ApiError, Store, masked

API_METHODS = {"/sms/send", "/sms/status", "/sms/cost", "/my/balance", "/my/senders", "/auth/check",
               "/callback/add", "/callback/get", "/callback/del"}
API_PREFIXES = ("/sms/", "/my/", "/auth/", "/callback/", "/stoplist/", "/callcheck/")
_MULTI_KEY = re.compile(r"^(?:to|multi)\[(.+)\]$")


def _api_ids(value) -> dict[str, Decimal]:
    """``"id"``, ``["a", "b"]`` or ``{"id": balance}`` → {api_id: balance}."""
    if not value:
        return {DEFAULT_API_ID: DEFAULT_BALANCE}
    if isinstance(value, str):
        return {value: DEFAULT_BALANCE}
    if isinstance(value, dict):
        return {str(k): Decimal(str(v if v is not None else DEFAULT_BALANCE)) for k, v in value.items()}
    return {str(k): DEFAULT_BALANCE for k in value}


class Emulator:
    """Store + faults + callback dispatcher + the ticker that moves messages along: everything behind HTTP."""

    def __init__(self, api_ids=None, *, state_file=None, callback_url: str | list[str] | None = None,
                 callback_retry_delays=(0.5, 1.0, 2.0, 5.0), callback_timeout: float = 5.0, **store_options):
        self.faults = Faults()
        self.store = Store(_api_ids(api_ids), state_file=state_file, faults=self.faults, **store_options)
        for url in [callback_url] if isinstance(callback_url, str) else (callback_url or []):
            if url not in self.store.callback_urls:
                self.store.callback_urls.append(url)
        self.callbacks = CallbackDispatcher(self.store.callback_urls, self.faults,
                                            retry_delays=callback_retry_delays, timeout=callback_timeout)
        self.store.notify = self._notify
        self._wake = threading.Event()
        self._stop = threading.Event()
        self.store.wake = self._wake.set
        self._ticker = threading.Thread(target=self._tick, name="sms-ticker", daemon=True)
        self._ticker.start()

    def _notify(self, message: dict, status: int, at: float) -> None:
        if not message["test"]:
            self.callbacks.enqueue(message, status, at)

    def _tick(self) -> None:
        while not self._stop.is_set():
            next_due = self.store.advance()
            wait = 0.5 if next_due is None else min(0.5, max(0.0, next_due - time.time()))
            self._wake.wait(wait)
            self._wake.clear()

    def close(self) -> None:
        self._stop.set()
        self._wake.set()
        self._ticker.join(timeout=2)
        self.callbacks.stop()
        self.store.save()


class Handler(kit.EmulatorHandler):
    server_version = "SmsRuEmulator/1.0"
    log_name = "sms-emulator"
    deliveries = "callbacks"

    index_page = staticmethod(pages.index_page)

    def route(self, method: str, path: str, query: str, raw: bytes) -> None:
        if path in API_METHODS or path.startswith(API_PREFIXES):
            self._api(method, path, query, raw)
        else:
            self.send_body(404, b"Not found", "text/plain; charset=utf-8")

    # ------------------------------------------------------------------ API

    def _params(self, query: str, raw: bytes) -> list[tuple[str, str]]:
        """Query and form parameters, in order (a form value repeats or overrides a query one)."""
        pairs = parse_qsl(query, keep_blank_values=True, encoding="utf-8", errors="strict")
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if raw and content_type in ("", "application/x-www-form-urlencoded"):
            pairs += parse_qsl(raw.decode("utf-8"), keep_blank_values=True, encoding="utf-8", errors="strict")
        return pairs

    def _api(self, method: str, path: str, query: str, raw: bytes) -> None:
        try:
            pairs = self._params(query, raw)
            encoding_error = False
        except UnicodeDecodeError:  # SMS.ru: 212, the text must be UTF-8
            pairs = parse_qsl(query, keep_blank_values=True, errors="replace") + parse_qsl(
                raw.decode("utf-8", "replace"), keep_blank_values=True, errors="replace")
            encoding_error = True
        params = dict(pairs)
        as_json = params.get("json") == "1"

        def call() -> dict:
            try:
                if encoding_error:
                    raise ApiError(212)
                return self._call(path, params, pairs)
            except ApiError as error:
                return error.body()

        terminal, answer = self.run_faulted(self.emulator.faults.for_request(method, path), call)
        if terminal is not None:
            self.fault_answer(terminal, as_json)
        elif as_json:
            self.send_json(200, answer)
        else:
            self.send_body(200, self._plain(path, answer).encode("utf-8"), "text/plain; charset=utf-8")

    def _call(self, path: str, params: dict, pairs: list[tuple[str, str]]) -> dict:
        store = self.emulator.store
        api_id = params.get("api_id")
        if not api_id and params.get("login"):
            raise ApiError(301)
        if not store.authenticate(api_id):
            raise ApiError(200)
        if path not in API_METHODS:
            raise ApiError(211)
        if path in ("/sms/send", "/sms/cost"):
            return self._send_sms(path, api_id, params, pairs)
        if path == "/sms/status":
            ids = [i.strip() for i in (params.get("sms_id") or params.get("id") or "").split(",") if i.strip()]
            if not ids:
                return {"status": "ERROR", "status_code": -1, "status_text": STATUS_TEXT[-1]}
            return store.status_answer(api_id, ids)
        if path == "/my/balance":
            return {"status": "OK", "status_code": OK, "balance": float(store.balance(api_id))}
        if path == "/my/senders":
            return {"status": "OK", "status_code": OK, "senders": list(store.senders)}
        if path == "/auth/check":
            return {"status": "OK", "status_code": OK}
        return self._callback_method(path, params)

    def _send_sms(self, path: str, api_id: str, params: dict, pairs: list[tuple[str, str]]) -> dict:
        text = params.get("msg", params.get("text"))
        recipients = [(match.group(1), value) for key, value in pairs if (match := _MULTI_KEY.match(key))]
        if not recipients:
            numbers = [n for n in (params.get("to") or "").split(",") if n.strip()]
            if not numbers:
                raise ApiError(202)
            if text is None or not text.strip():
                raise ApiError(203)
            recipients = [(number, text) for number in numbers]
        at = None
        if params.get("time"):
            try:
                at = int(params["time"])
            except ValueError:
                raise ApiError(208)
        ttl = None
        if params.get("ttl"):
            try:
                ttl = int(params["ttl"])
            except ValueError:
                ttl = None
        return self.emulator.store.send(
            api_id, recipients, sender=params.get("from") or None, test=params.get("test") == "1", at=at, ttl=ttl,
            partner_id=params.get("partner_id"), cost_only=path == "/sms/cost", path=path)

    def _callback_method(self, path: str, params: dict) -> dict:
        store = self.emulator.store
        url = (params.get("url") or "").strip()
        with store.lock:
            if path == "/callback/add":
                if not url.startswith(("http://", "https://")):
                    raise ApiError(901)
                if url not in store.callback_urls:
                    store.callback_urls.append(url)
            elif path == "/callback/del":
                if url not in store.callback_urls:
                    raise ApiError(902)
                store.callback_urls.remove(url)
            store.save()
            return {"status": "OK", "status_code": OK, "callback": list(store.callback_urls)}

    @staticmethod
    def _plain(path: str, answer: dict) -> str:
        """SMS.ru's text answers: the code first, then one value per line."""
        if answer.get("status") != "OK":
            return str(answer.get("status_code"))
        lines = [str(OK)]
        if path == "/sms/send":
            lines += [str(e.get("sms_id") or e.get("status_code")) for e in answer["sms"].values()]
            lines.append(f"balance={answer['balance']}")
        elif path == "/sms/status":
            lines = [str(e.get("status_code")) for e in answer["sms"].values()]
        elif path == "/sms/cost":
            lines += [str(answer["total_cost"]), str(answer["total_sms"])]
        elif path == "/my/balance":
            lines.append(str(answer["balance"]))
        elif path == "/my/senders":
            lines += answer["senders"]
        elif path.startswith("/callback/"):
            lines += answer["callback"]
        return "\n".join(lines)

    def fault_answer(self, fault, as_json: bool = True) -> None:
        if fault.kind == "error":
            body = ApiError(fault.status_code).body()
            if as_json:
                self.send_json(200, body)
            else:
                self.send_body(200, str(fault.status_code).encode(), "text/plain; charset=utf-8")
        elif fault.kind == "http_error":
            page = (f"<html><head><title>{fault.http_status}</title></head><body><center><h1>{fault.http_status}"
                    "</h1></center><hr><center>nginx</center></body></html>")
            self.send_body(fault.http_status, page.encode(), "text/html")
        else:  # drop, timeout
            super().fault_answer(fault)

    # ------------------------------------------------------------------ control API and inbox

    def control_page(self, method: str, path: str, query: dict) -> bool:
        if path == "/inbox" and method == "GET":
            phone = (query.get("phone") or [None])[0]
            messages = self.emulator.store.list_messages(phone=phone)
            self.send_html(200, pages.inbox_page(messages, phone))
            return True
        return False

    def control_error(self, error: Exception) -> tuple[int, object] | None:
        if isinstance(error, (ValueError, TypeError)):  # FaultError too
            return 400, {"error": str(error)}
        if isinstance(error, KeyError):
            return 404, {"error": f"unknown {error.args[0]}"}
        return None

    def control_call(self, method: str, path: str, query: dict, body: dict) -> tuple[int, object]:
        store = self.emulator.store
        if path == "/messages":
            if method == "DELETE":
                store.clear_messages()
                return 200, []
            status = (query.get("status") or [None])[0]
            return 200, store.list_messages(phone=(query.get("phone") or [None])[0],
                                            status=int(status) if status else None)
        match = re.fullmatch(r"/messages/([^/]+)(/status)?", path)
        if match:
            sms_id, set_status = match.groups()
            if set_status and method == "POST":
                return 200, store.public(store.set_status(sms_id, int(body.get("status", 0))))
            message = store.get_message(sms_id)
            return (200, message) if message else (404, {"error": f"unknown message {sms_id}"})
        if path == "/wait":
            return 200, self._wait(query)
        if path == "/outcomes":
            if method == "POST":
                return 200, store.add_outcome(str(body.get("phone") or ""), int(body.get("status", 0)),
                                              int(body.get("count", 1)))
            if method == "DELETE":
                store.clear_outcomes()
                return 200, []
            return 200, store.snapshot()["outcomes"]
        if path == "/callback-url":
            if method == "POST":
                urls = body.get("url")
                urls = [] if urls is None else [urls] if isinstance(urls, str) else list(urls)
                if any(not isinstance(u, str) or not u.startswith(("http://", "https://")) for u in urls):
                    return 400, {"error": "url must be an http:// or https:// URL (or a list of them, or null)"}
                with store.lock:
                    store.callback_urls[:] = urls
                    store.save()
            return 200, {"callback_urls": list(store.callback_urls)}
        if path == "/settings" and method == "POST":
            with store.lock:
                if "senders" in body:
                    store.senders = [str(s) for s in body["senders"]]
                if "price" in body:
                    store.price = Decimal(str(body["price"]))
                if "step_seconds" in body:
                    store.step_seconds = float(body["step_seconds"])
                for name in ("daily_limit", "same_per_minute", "same_per_day"):
                    if name in body:
                        setattr(store, name, int(body[name]))
            return 200, store.settings()
        if path == "/balance" and method == "POST":
            return 200, store.set_balance(body.get("api_id"), body.get("balance"))
        return super().control_call(method, path, query, body)

    def _wait(self, query: dict) -> dict:
        """Until message ``sms_id`` has ``status`` (default: any final one), at most ``timeout`` seconds."""
        sms_id = (query.get("sms_id") or [""])[0]
        wanted = (query.get("status") or [None])[0]
        deadline = time.monotonic() + float((query.get("timeout") or ["5"])[0])
        while True:
            message = self.emulator.store.get_message(sms_id)
            if message is None:
                raise KeyError(f"message {sms_id}")
            done = message["status"] == int(wanted) if wanted else message["status"] in FINAL_STATUSES
            if done or time.monotonic() >= deadline:
                return dict(message, reached=done)
            time.sleep(0.02)


class EmulatorHTTPServer(kit.EmulatorHTTPServer):
    handler_class = Handler


def start_server(port: int = 0, host: str = "127.0.0.1", *, api_ids=None, callback_url=None, state_file=None,
                 quiet: bool = True, **options) -> tuple[EmulatorHTTPServer, threading.Thread, str]:
    """
    Starts the emulator in a background thread. Returns (server, thread, base_url); a client's base URL (in
    place of https://sms.ru) is ``base_url``. Stop it with :func:`stop_server`.

    ``api_ids``: one api_id, several, or {api_id: balance} (default ``prichal-demo-api-id`` with 1000 ₽).
    ``options`` go to :class:`Emulator` / :class:`~.store.Store`: ``callback_retry_delays``, ``senders``,
    ``price``, ``step_seconds``, ``daily_limit``, ``same_per_minute``, ``same_per_day``...
    """
    server = EmulatorHTTPServer((host, port), quiet=quiet)
    server.emulator = Emulator(api_ids, state_file=state_file, callback_url=callback_url, **options)
    return server, kit.serve_in_thread(server, "sms-emulator"), server.base_url


__all__ = ["Emulator", "EmulatorHTTPServer", "masked", "start_server", "stop_server"]
