"""
Helpers for the emulators' test suites: the control-API client, a receiver of the emulator's notifications, an
emulator running for a ``with`` block, a free port and a run of the command line. ``loopback_allowed`` is an
autouse fixture: import it into a test module (``from tools.emulator_kit.testing import loopback_allowed``).
"""
import queue
import socket
import subprocess  # nosec B404 # tests start the emulators
import sys
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from .server import stop_server

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def loopback_allowed():
    """
    Once Django has loaded pretix (the project's pytest-django setup does), pretix's SSRF protection refuses
    urllib3 connections to private addresses such as 127.0.0.1 unless ALLOW_HTTP_TO_PRIVATE_NETWORKS
    ([pretix] allow_http_to_private_networks) is on. Without Django this fixture does nothing.
    """
    try:
        from django.conf import settings
        from django.test import override_settings
    except ImportError:
        yield
        return
    if not settings.configured:
        yield
        return
    with override_settings(ALLOW_HTTP_TO_PRIVATE_NETWORKS=True):
        yield


def control(base_url: str, method: str, path: str, body: dict | None = None, expect: int = 200):
    """A control-API call (``path`` after ``/_emulator``) that must answer ``expect``; its JSON."""
    response = requests.request(method, f"{base_url}/_emulator{path}", json=body, timeout=10)
    assert response.status_code == expect, response.text  # nosec B101 # test helper
    return response.json()


class Receiver:
    """
    A tiny HTTP server on 127.0.0.1 that takes the emulator's notifications at ``url``: :meth:`answer` says how
    each POST is answered and puts what the test should see into ``received``.
    """

    def __init__(self, path: str):
        self.received: queue.Queue = queue.Queue()
        receiver = self

        class RequestHandler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, text = receiver.answer(body, self.headers)
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}{path}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer(self, body: bytes, headers) -> tuple[int, str]:
        self.received.put(body)
        return 200, ""

    def next(self, timeout: float = 5.0):
        return self.received.get(timeout=timeout)

    def nothing(self, within: float = 0.5) -> bool:
        try:
            self.received.get(timeout=within)
        except queue.Empty:
            return True
        return False

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


@contextmanager
def running(started: tuple):
    """``with running(start_server(...)) as base_url:``, the emulator stopped afterwards."""
    server, _thread, base_url = started
    try:
        yield base_url
    finally:
        stop_server(server)


def free_port(*taken: int) -> int:
    """A port nobody listens on now, other than ``taken`` (ports chosen for other servers not started yet)."""
    while True:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port not in taken:
            return port


@contextmanager
def command_line(module: str, *args: str, env: dict | None = None):
    """
    ``python -m <module> --port <free port> --quiet <args>`` from the repository root; yields (base URL, the
    banner line it printed) and terminates it afterwards.
    """
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", module, "--port", str(port), "--quiet", *args], cwd=ROOT,  # nosec B603 # fixed argv of our own emulator
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        yield f"http://127.0.0.1:{port}", process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=10)
