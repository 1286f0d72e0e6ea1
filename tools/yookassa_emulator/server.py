"""
The HTTP side: YooKassa API v3 under ``/v3``, the payer's confirmation page under ``/checkout/{id}`` and the
test/control API under ``/_emulator/`` (loopback clients only). Standard library only.

The server, the handler's plumbing, request faults and the control endpoints both emulators have (state, reset,
faults, the webhook log) are ``tools/emulator_kit/server.py``; here is what is YooKassa's own.
"""
import base64
import binascii
import hashlib
import json
import re
import threading
import uuid
from urllib.parse import parse_qs

from tools.emulator_kit import server as kit
from tools.emulator_kit.server import stop_server

from . import checkout
from .faults import Faults
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


class Handler(kit.EmulatorHandler):
    server_version = "YooKassaEmulator/1.0"
    log_name = "yookassa-emulator"
    json_content_type = "application/json;charset=UTF-8"
    deliveries = "webhooks"

    def do_PUT(self):  # noqa: N802
        self._dispatch("PUT")

    def do_PATCH(self):  # noqa: N802
        self._dispatch("PATCH")

    index_page = staticmethod(checkout.index_page)

    def route(self, method: str, path: str, query: str, raw: bytes) -> None:
        if path == "/v3" or path.startswith("/v3/"):
            self._api(method, path[3:], parse_qs(query, keep_blank_values=True), raw)
        elif path.startswith("/checkout/"):
            self._checkout(method, path[len("/checkout/"):], raw)
        else:
            self.send_json(404, ApiError(404, "not_found", "Not found").body())

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
            self.send_json(error.status, error.body(), error.headers)
            return

        def call() -> tuple[int, dict]:
            try:
                return self._api_call(method, path, name, shop_id, object_id, query, raw)
            except ApiError as error:
                return error.status, error.body()

        terminal, answer = self.run_faulted(self.emulator.faults.for_request(method, path, shop_id), call)
        if terminal is not None:
            self.fault_answer(terminal)
        else:
            self.send_json(*answer)

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

    def fault_answer(self, fault, *context) -> None:
        if fault.kind == "error_500":
            self.send_json(500, ApiError(500, "internal_server_error",
                                         "Internal server error. Repeat the request later with the same "
                                         "Idempotence-Key").body())
        elif fault.kind == "error_429":
            self.send_json(429, ApiError(429, "too_many_requests", "Too many requests. Try again later").body(),
                           {"Retry-After": fault.retry_after})
        elif fault.kind == "processing":
            self.send_json(202, {"type": "processing", "id": str(uuid.uuid4()),
                                 "description": "Request accepted, processing isn't finished. Repeat it with "
                                                "the same Idempotence-Key later",
                                 "retry_after": fault.retry_after * 1000})
        else:  # drop, timeout
            super().fault_answer(fault)

    # ------------------------------------------------------------------ checkout page

    def _checkout(self, method: str, payment_id: str, raw: bytes) -> None:
        store = self.emulator.store
        record = store.payment_record(payment_id)
        if record is None:
            self.send_html(404, checkout.not_found_page(payment_id))
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
                self.send_body(400, error.description.encode("utf-8"), "text/plain; charset=utf-8")
                return
            if return_url:
                self.send_body(303, b"", "text/html; charset=utf-8", {"Location": return_url})
                return
            record = store.payment_record(payment_id)
        elif method != "GET":
            self.send_body(405, b"", "text/plain")
            return
        record["return_url"] = return_url
        self.send_html(200, checkout.checkout_page(record))

    # ------------------------------------------------------------------ control API

    def control_error(self, error: Exception) -> tuple[int, object] | None:
        if isinstance(error, ApiError):
            return error.status, error.body()
        return super().control_error(error)

    def control_call(self, method: str, path: str, query: dict, body: dict) -> tuple[int, object]:
        store = self.emulator.store
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
        return super().control_call(method, path, query, body)


class EmulatorHTTPServer(kit.EmulatorHTTPServer):
    handler_class = Handler

    @property
    def api_url(self) -> str:
        return self.base_url + "/v3"


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
    return server, kit.serve_in_thread(server, "yookassa-emulator"), base_url


__all__ = ["DEFAULT_SHOPS", "Emulator", "EmulatorHTTPServer", "start_server", "stop_server"]
