"""
The HTTP side: YooKassa API v3 under ``/v3``, the payer's confirmation page under ``/checkout/{id}`` and the
test/control API under ``/_emulator/`` (loopback clients only). Standard library only.
"""
import base64
import binascii
import hashlib
import json
import re
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import checkout
from .faults import FaultError, Faults
from .store import Store
from .validation import ApiError, invalid
from .webhooks import WebhookDispatcher

DEFAULT_SHOPS = {"100500": "test_prichal_secret"}
IDEMPOTENCE_KEY_MAX = 64
CREDENTIALS_ERROR = ("Error in shopId or secret key. Check their validity. "
                     "You can reissue the key in the Merchant Profile")

API_ROUTES = [
    ("/payments", {"GET": "list_payments", "POST": "create_payment"}),
    ("/payments/{id}", {"GET": "get_payment"}),
    ("/payments/{id}/capture", {"POST": "capture_payment"}),
    ("/payments/{id}/cancel", {"POST": "cancel_payment"}),
    ("/refunds", {"GET": "list_refunds", "POST": "create_refund"}),
    ("/refunds/{id}", {"GET": "get_refund"}),
    ("/receipts", {"GET": "list_receipts", "POST": "create_receipt"}),
    ("/receipts/{id}", {"GET": "get_receipt"}),
    ("/me", {"GET": "me"}),
]
_COMPILED = [(re.compile("^" + p.replace("{id}", "(?P<id>[^/]+)") + "$"), methods) for p, methods in API_ROUTES]


class _Dropped(Exception):
    """The connection is to be closed without an answer (fault injection)."""


class Emulator:
    """Store + faults + webhook dispatcher: everything behind the HTTP server."""

    def __init__(self, shops: dict[str, str] | None = None, *, public_url: str = "http://127.0.0.1:8010",
                 state_file=None, webhook_url: str | dict | None = None,
                 webhook_retry_delays=(0.5, 1.0, 2.0, 5.0), webhook_timeout: float = 5.0, **store_options):
        self.faults = Faults()
        self.store = Store(shops or DEFAULT_SHOPS, public_url=public_url, state_file=state_file, **store_options)
        if isinstance(webhook_url, str):
            self.store.webhook_urls.update({shop: webhook_url for shop in self.store.shops})
        elif webhook_url:
            self.store.webhook_urls.update(webhook_url)
        self.webhooks = WebhookDispatcher(self.store.webhook_urls, self.faults, retry_delays=webhook_retry_delays,
                                          timeout=webhook_timeout)
        self.store.notify = self.webhooks.enqueue
        self.store.refund_should_pend = lambda shop_id: self.faults.take("refund_pending", shop_id) is not None

    def call(self, name: str, shop_id: str, object_id: str | None, body: dict | None, query: dict) -> dict:
        store = self.store
        if name in ("list_payments", "list_refunds", "list_receipts"):
            return getattr(store, name)(shop_id, query)
        if name in ("get_payment", "get_refund", "get_receipt", "cancel_payment"):
            return getattr(store, name)(shop_id, object_id)
        if name == "capture_payment":
            return store.capture_payment(shop_id, object_id, body or {})
        if name in ("create_payment", "create_refund", "create_receipt"):
            return getattr(store, name)(shop_id, body or {})
        if name == "me":
            return store.me(shop_id)
        raise ApiError(404, "not_found", "Unknown API method")

    def close(self) -> None:
        self.webhooks.stop()
        self.store.save()


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, emulator: Emulator | None = None, quiet: bool = False):
        super().__init__(address, Handler)
        self.emulator = emulator
        self.quiet = quiet

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/v3"

    def server_close(self) -> None:
        super().server_close()
        if self.emulator is not None:
            self.emulator.close()


class Handler(BaseHTTPRequestHandler):
    server_version = "YooKassaEmulator/1.0"
    sys_version = ""

    # ------------------------------------------------------------------ plumbing

    @property
    def emulator(self) -> Emulator:
        return self.server.emulator

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        if not self.server.quiet:
            sys.stderr.write(f"[yookassa-emulator] {self.address_string()} {format % args}\n")

    def do_GET(self):  # noqa: N802
        self._dispatch("GET")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def do_DELETE(self):  # noqa: N802
        self._dispatch("DELETE")

    def do_PUT(self):  # noqa: N802
        self._dispatch("PUT")

    def do_PATCH(self):  # noqa: N802
        self._dispatch("PATCH")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        query = parse_qs(url.query, keep_blank_values=True)
        try:
            raw = self._read_body()
            if path == "/v3" or path.startswith("/v3/"):
                self._api(method, path[3:], query, raw)
            elif path.startswith("/checkout/"):
                self._checkout(method, path[len("/checkout/"):], raw)
            elif path == "/_emulator" or path.startswith("/_emulator/"):
                self._control(method, path[len("/_emulator"):] or "/", query, raw)
            elif path == "/" and method == "GET":
                page = checkout.index_page(self.emulator.store.snapshot(), self.server.base_url)
                self._send(200, page.encode("utf-8"), "text/html; charset=utf-8")
            else:
                self._send_json(404, ApiError(404, "not_found", "Not found").body())
        except _Dropped:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send(self, status: int, data: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _send_json(self, status: int, body, headers: dict | None = None) -> None:
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._send(status, data, "application/json;charset=UTF-8", headers)

    # ------------------------------------------------------------------ API

    def _shop(self) -> str:
        header = self.headers.get("Authorization") or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "bearer":
            raise ApiError(401, "invalid_credentials", "OAuth tokens aren't supported by the emulator; use "
                           "HTTP Basic auth with shopId and secret key", "Authorization")
        if scheme.lower() != "basic":
            raise ApiError(401, "invalid_credentials", CREDENTIALS_ERROR, "Authorization")
        try:
            shop_id, _, secret = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise ApiError(401, "invalid_credentials", CREDENTIALS_ERROR, "Authorization")
        if not self.emulator.store.authenticate(shop_id, secret):
            raise ApiError(401, "invalid_credentials", CREDENTIALS_ERROR, "Authorization")
        return shop_id

    def _api(self, method: str, path: str, query: dict, raw: bytes) -> None:
        try:
            shop_id = self._shop()
            name, object_id = self._route(method, path)
        except ApiError as error:
            self._send_json(error.status, error.body(), error.headers)
            return
        faults = self.emulator.faults.for_request(method, path, shop_id)
        for fault in faults:
            if fault.kind == "slow":
                time.sleep(fault.delay)
        terminal = next((f for f in faults if f.kind != "slow"), None)
        if terminal is not None and not terminal.after:
            self._fault_answer(terminal)
            return
        try:
            status, body = self._api_call(method, path, name, shop_id, object_id, query, raw)
        except ApiError as error:
            status, body = error.status, error.body()
        if terminal is not None:
            self._fault_answer(terminal)
            return
        self._send_json(status, body)

    def _route(self, method: str, path: str) -> tuple[str, str | None]:
        for pattern, methods in _COMPILED:
            match = pattern.match(path)
            if match:
                if method not in methods:
                    raise ApiError(405, "invalid_request", f"Method {method} isn't allowed for /v3{path}")
                return methods[method], match.groupdict().get("id")
        raise ApiError(404, "not_found", f"Unknown API method /v3{path}")

    def _api_call(self, method, path, name, shop_id, object_id, query, raw) -> tuple[int, dict]:
        if method == "GET":
            return 200, self.emulator.call(name, shop_id, object_id, None, query)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if raw.strip() and content_type and content_type != "application/json":
            raise ApiError(415, "invalid_request", f"Content type {content_type} isn't supported, "
                           "use application/json")
        key = (self.headers.get("Idempotence-Key") or "").strip()
        if not key:
            raise invalid("Idempotence key is empty: the Idempotence-Key header is required for POST requests",
                          "Idempotence-Key")
        if len(key) > IDEMPOTENCE_KEY_MAX:
            raise invalid(f"Idempotence key is too long: at most {IDEMPOTENCE_KEY_MAX} characters",
                          "Idempotence-Key")
        try:
            body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except (UnicodeDecodeError, ValueError):
            raise invalid("Request body isn't valid JSON")
        if not isinstance(body, dict):
            raise invalid("Request body must be a JSON object")
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        fingerprint = hashlib.sha256(f"{method} /v3{path}\n{canonical}".encode()).hexdigest()
        status, answer, _replayed = self.emulator.store.idempotent(
            shop_id, key, fingerprint, lambda: (200, self.emulator.call(name, shop_id, object_id, body, query)))
        return status, answer

    def _fault_answer(self, fault) -> None:
        if fault.kind == "error_500":
            self._send_json(500, ApiError(500, "internal_server_error",
                                          "Internal server error. Repeat the request later with the same "
                                          "Idempotence-Key").body())
        elif fault.kind == "error_429":
            self._send_json(429, ApiError(429, "too_many_requests", "Too many requests. Try again later").body(),
                            {"Retry-After": fault.retry_after})
        elif fault.kind == "processing":
            self._send_json(202, {"type": "processing", "id": str(uuid.uuid4()),
                                  "description": "Request accepted, processing isn't finished. Repeat it with "
                                                 "the same Idempotence-Key later",
                                  "retry_after": fault.retry_after * 1000})
        elif fault.kind == "timeout":
            time.sleep(fault.delay)
            raise _Dropped
        else:  # drop
            raise _Dropped

    # ------------------------------------------------------------------ checkout page

    def _checkout(self, method: str, payment_id: str, raw: bytes) -> None:
        store = self.emulator.store
        record = store.payment_record(payment_id)
        if record is None:
            self._send(404, checkout.not_found_page(payment_id).encode("utf-8"), "text/html; charset=utf-8")
            return
        confirmation = record["object"].get("confirmation") or {}
        return_url = confirmation.get("return_url")
        if method == "POST":
            form = parse_qs(raw.decode("utf-8", "replace"))
            action = (form.get("action") or [""])[0]
            try:
                if record["object"]["status"] == "pending":
                    if action == "pay":
                        store.complete_payment(payment_id, "succeed", method_type=(form.get("method") or [None])[0])
                    elif action == "decline":
                        store.complete_payment(payment_id, "cancel", reason=(form.get("reason") or [None])[0])
            except ApiError as error:
                self._send(400, error.description.encode("utf-8"), "text/plain; charset=utf-8")
                return
            if return_url:
                self._send(303, b"", "text/html; charset=utf-8", {"Location": return_url})
                return
            record = store.payment_record(payment_id)
        elif method != "GET":
            self._send(405, b"", "text/plain")
            return
        record["return_url"] = return_url
        self._send(200, checkout.checkout_page(record).encode("utf-8"), "text/html; charset=utf-8")

    # ------------------------------------------------------------------ control API

    def _control(self, method: str, path: str, query: dict, raw: bytes) -> None:
        host = self.client_address[0]
        if not (host.startswith("127.") or host in ("::1", "::ffff:127.0.0.1")):
            self._send_json(403, {"error": "the control API answers loopback clients only"})
            return
        try:
            body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except (UnicodeDecodeError, ValueError):
            self._send_json(400, {"error": "body isn't valid JSON"})
            return
        if not isinstance(body, dict):
            self._send_json(400, {"error": "body must be a JSON object"})
            return
        try:
            status, answer = self._control_call(method, path, query, body)
        except ApiError as error:
            status, answer = error.status, error.body()
        except FaultError as error:
            status, answer = 400, {"error": str(error)}
        self._send_json(status, answer)

    def _control_call(self, method: str, path: str, query: dict, body: dict) -> tuple[int, object]:
        emu = self.emulator
        store = emu.store
        if path in ("/", "/state") and method == "GET":
            state = store.snapshot()
            state["faults"] = emu.faults.describe()
            state["webhooks"] = [{k: v for k, v in e.items() if k != "payload"} for e in emu.webhooks.entries()]
            return 200, state
        if path == "/reset" and method == "POST":
            store.reset(webhooks=bool(body.get("webhooks", False)))
            emu.faults.clear()
            emu.webhooks.clear_log()
            return 200, {"reset": True}
        if path == "/webhook-url":
            if method == "POST":
                url = body.get("url") or None
                if url is not None and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
                    return 400, {"error": "url must be an http:// or https:// URL"}
                shops = [str(body["shop_id"])] if body.get("shop_id") is not None else list(store.shops)
                with store.lock:
                    for shop in shops:
                        if shop not in store.shops:
                            return 404, {"error": f"unknown shop {shop}"}
                        if url:
                            store.webhook_urls[shop] = url
                        else:
                            store.webhook_urls.pop(shop, None)
                    store.save()
            elif method != "GET":
                return 405, {"error": "GET or POST"}
            return 200, {shop: store.webhook_urls.get(shop) for shop in store.shops}
        if path == "/webhooks":
            if method == "DELETE":
                emu.webhooks.clear_log()
                return 200, []
            return 200, emu.webhooks.entries()
        if path == "/webhooks/wait":
            deadline = time.monotonic() + float((query.get("timeout") or ["5"])[0])
            while emu.webhooks.pending() and time.monotonic() < deadline:
                time.sleep(0.02)
            return 200, {"pending": emu.webhooks.pending()}
        if path == "/faults":
            if method == "POST":
                return 200, emu.faults.add(body).__dict__
            if method == "DELETE":
                emu.faults.clear()
                return 200, []
            return 200, emu.faults.describe()
        if path == "/shops" and method == "POST":
            shop_id, secret = str(body.get("shop_id") or ""), body.get("secret")
            if not shop_id or not isinstance(secret, str) or not secret:
                return 400, {"error": "shop_id and secret are required"}
            with store.lock:
                store.shops[shop_id] = secret
            return 200, {"shop_id": shop_id}
        if path == "/settings" and method == "POST":
            with store.lock:
                for name in ("receipt_required", "measure_required"):
                    if name in body:
                        setattr(store, name, bool(body[name]))
                for name in ("hold_seconds", "receipt_registration_delay"):
                    if name in body:
                        setattr(store, name, float(body[name]))
            return 200, store.snapshot()["settings"]
        match = re.fullmatch(r"/(payments|refunds)/([^/]+)/(succeed|cancel)", path)
        if match and method == "POST":
            kind, object_id, outcome = match.groups()
            if kind == "payments":
                return 200, store.complete_payment(object_id, outcome, reason=body.get("reason"),
                                                   party=body.get("party"), method_type=body.get("payment_method"))
            return 200, store.complete_refund(object_id, outcome, reason=body.get("reason"))
        return 404, {"error": f"unknown control endpoint {method} /_emulator{path}"}


def start_server(port: int = 0, host: str = "127.0.0.1", *, shops: dict[str, str] | None = None,
                 webhook_url: str | dict | None = None, state_file=None, public_url: str | None = None,
                 quiet: bool = True, **options) -> tuple[EmulatorHTTPServer, threading.Thread, str]:
    """
    Starts the emulator in a background thread. Returns (server, thread, base_url); the SDK's api_url is
    ``base_url + "/v3"`` (also ``server.api_url``). Stop it with :func:`stop_server`.

    ``options`` go to :class:`Emulator` / :class:`~.store.Store` (``webhook_retry_delays``,
    ``receipt_required``, ``measure_required``, ``hold_seconds``, ``receipt_registration_delay``, ...).
    """
    server = EmulatorHTTPServer((host, port), quiet=quiet)
    base_url = server.base_url
    server.emulator = Emulator(shops, public_url=public_url or base_url, state_file=state_file,
                               webhook_url=webhook_url, **options)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="yookassa-emulator", daemon=True)
    thread.start()
    return server, thread, base_url


def stop_server(server: EmulatorHTTPServer) -> None:
    server.shutdown()
    server.server_close()
