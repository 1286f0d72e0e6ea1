"""
The HTTP plumbing of the emulators (standard library only): a threading server that owns its emulator and
closes it with itself, a request handler base and start/stop helpers.

The handler reads the body, answers JSON, HTML or anything else, logs requests to stderr (unless ``quiet``),
applies request faults around the API's answer and serves the test/control API under ``/_emulator/`` to
loopback clients only. The control endpoints every emulator has are answered here: ``GET /state``,
``POST /reset``, ``/faults`` (``POST``, ``GET``, ``DELETE``), the delivery log ``/<deliveries>`` (``GET``,
``DELETE``) and ``/<deliveries>/wait?timeout=5``. An emulator's handler says where its API is (:meth:`route`),
answers its own control endpoints first (:meth:`control_call`, falling back to this one) and its own terminal
faults (:meth:`fault_answer`).

By convention the emulator behind the server has ``store`` (with ``snapshot()`` and ``reset(<deliveries>=...)``),
``faults`` (:class:`~.faults.Faults`), its :class:`~.dispatch.Dispatcher` under the attribute named
``deliveries`` and ``close()``.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .faults import Fault, FaultError


class Dropped(Exception):
    """The connection is to be closed without an answer (fault injection)."""


def is_loopback(host: str) -> bool:
    return host.startswith("127.") or host in ("::1", "::ffff:127.0.0.1")


class EmulatorHandler(BaseHTTPRequestHandler):
    sys_version = ""
    log_name = "emulator"  # the request log's prefix
    json_content_type = "application/json; charset=utf-8"
    deliveries = "notifications"  # the delivery log: control path, emulator attribute, /state key, reset flag

    # ------------------------------------------------------------------ plumbing

    @property
    def emulator(self):
        return self.server.emulator

    def log_message(self, format, *args):  # noqa: A002 (the base class's name)
        if not self.server.quiet:
            sys.stderr.write(f"[{self.log_name}] {self.address_string()} {format % args}\n")

    def do_GET(self):  # noqa: N802
        self._dispatch("GET")

    def do_POST(self):  # noqa: N802
        self._dispatch("POST")

    def do_DELETE(self):  # noqa: N802
        self._dispatch("DELETE")

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        try:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length > 0 else b""
            if path == "/_emulator" or path.startswith("/_emulator/"):
                self._control(method, path[len("/_emulator"):] or "/", parse_qs(url.query), raw)
            elif path == "/" and method == "GET":
                self.send_html(200, self.index_page(self.emulator.store.snapshot(), self.server.base_url))
            elif path == "/favicon.ico" and method == "GET":  # a browser on a payment page: no icon, no error
                self.send_body(204, b"", "image/x-icon")
            else:
                self.route(method, path, url.query, raw)
        except Dropped:
            self.close_connection = True
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def send_body(self, status: int, data: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, str(value))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_json(self, status: int, body, headers: dict | None = None) -> None:
        self.send_body(status, json.dumps(body, ensure_ascii=False).encode("utf-8"), self.json_content_type, headers)

    def send_html(self, status: int, page: str) -> None:
        self.send_body(status, page.encode("utf-8"), "text/html; charset=utf-8")

    # ------------------------------------------------------------------ the emulator's API

    @staticmethod
    def index_page(snapshot: dict, base_url: str) -> str:
        """``GET /``: a page that says what this is (from the store's snapshot)."""
        raise NotImplementedError

    def route(self, method: str, path: str, query: str, raw: bytes) -> None:
        """Answers any other request (the API, pages); ``query`` is the raw query string."""
        raise NotImplementedError

    def run_faulted(self, faults: list[Fault], call) -> tuple[Fault | None, object]:
        """
        Runs ``call()`` under the request faults that hit it (``Faults.for_request``): sleeps for the ``slow``
        ones; a terminal one is returned to be answered (:meth:`fault_answer`) in place of the call's answer,
        and the call is not made unless the fault is ``after: true``. Returns (terminal fault, call's answer).
        """
        for fault in faults:
            if fault.kind == "slow":
                time.sleep(fault.delay)
        terminal = next((f for f in faults if f.kind != "slow"), None)
        if terminal is not None and not terminal.after:
            return terminal, None
        return terminal, call()

    def fault_answer(self, fault: Fault, *context) -> None:
        """The answer of a terminal fault; here ``timeout`` (silent for ``delay`` s) and ``drop``: none."""
        if fault.kind == "timeout":
            time.sleep(fault.delay)
        raise Dropped

    # ------------------------------------------------------------------ control API

    def _control(self, method: str, path: str, query: dict, raw: bytes) -> None:
        if not is_loopback(self.client_address[0]):
            self.send_json(403, {"error": "the control API answers loopback clients only"})
            return
        if self.control_page(method, path, query):
            return
        try:
            body = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except (UnicodeDecodeError, ValueError):
            self.send_json(400, {"error": "body isn't valid JSON"})
            return
        if not isinstance(body, dict):
            self.send_json(400, {"error": "body must be a JSON object"})
            return
        try:
            status, answer = self.control_call(method, path, query, body)
        except Exception as error:
            handled = self.control_error(error)
            if handled is None:
                raise
            status, answer = handled
        self.send_json(status, answer)

    def control_page(self, method: str, path: str, query: dict) -> bool:
        """Answers a control request that isn't JSON (a page); True if it did."""
        return False

    def control_error(self, error: Exception) -> tuple[int, object] | None:
        """The control API's answer to an error raised by :meth:`control_call` (None: not an answer)."""
        if isinstance(error, FaultError):
            return 400, {"error": str(error)}
        return None

    def control_call(self, method: str, path: str, query: dict, body: dict) -> tuple[int, object]:
        """The control endpoints every emulator has; an emulator answers its own, then calls this."""
        emu = self.emulator
        dispatcher = getattr(emu, self.deliveries)
        if path in ("/", "/state") and method == "GET":
            state = emu.store.snapshot()
            state["faults"] = emu.faults.describe()
            state[self.deliveries] = [{k: v for k, v in e.items() if k != "payload"} for e in dispatcher.entries()]
            return 200, state
        if path == "/reset" and method == "POST":
            emu.store.reset(**{self.deliveries: bool(body.get(self.deliveries, False))})
            emu.faults.clear()
            dispatcher.clear_log()
            return 200, {"reset": True}
        if path == f"/{self.deliveries}":
            if method == "DELETE":
                dispatcher.clear_log()
                return 200, []
            return 200, dispatcher.entries()
        if path == f"/{self.deliveries}/wait":
            return 200, {"pending": dispatcher.wait_idle(float((query.get("timeout") or ["5"])[0]))}
        if path == "/faults":
            if method == "POST":
                return 200, emu.faults.add(body).__dict__
            if method == "DELETE":
                emu.faults.clear()
                return 200, []
            return 200, emu.faults.describe()
        return 404, {"error": f"unknown control endpoint {method} /_emulator{path}"}


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    handler_class: type[BaseHTTPRequestHandler] = EmulatorHandler

    def __init__(self, address, emulator=None, quiet: bool = False):
        super().__init__(address, self.handler_class)
        self.emulator = emulator
        self.quiet = quiet

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def server_close(self) -> None:
        super().server_close()
        if self.emulator is not None:
            self.emulator.close()


def serve_in_thread(server: EmulatorHTTPServer, name: str) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name=name, daemon=True)
    thread.start()
    return thread


def stop_server(server: EmulatorHTTPServer) -> None:
    server.shutdown()
    server.server_close()
