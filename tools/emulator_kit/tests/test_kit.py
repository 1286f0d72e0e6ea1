"""The emulators' shared pieces on their own (the emulators' suites exercise them through HTTP). Plain pytest."""
import json

import pytest
import requests

from tools.emulator_kit import cli
from tools.emulator_kit.dispatch import Dispatcher
from tools.emulator_kit.faults import Fault, FaultError, Faults
from tools.emulator_kit.server import EmulatorHandler, EmulatorHTTPServer, serve_in_thread, stop_server
from tools.emulator_kit.state import read_state, write_state
from tools.emulator_kit.testing import (
    Receiver,
    control,
    loopback_allowed,  # noqa: F401 (an autouse fixture)
)


class NoteFaults(Faults):
    kinds = Faults.kinds | {"lose_note", "duplicate_note", "delay_note"}


class Notes(Dispatcher):
    noun = "note"
    name = "test-note"

    def body(self, entry: dict) -> bytes:
        return json.dumps(entry["payload"]).encode()


class Store:
    def __init__(self):
        self.resets = []

    def snapshot(self) -> dict:
        return {"things": []}

    def reset(self, *, notes: bool = False) -> None:
        self.resets.append(notes)


class Emulator:
    def __init__(self, url: str):
        self.store = Store()
        self.faults = NoteFaults()
        self.notes = Notes({"a": url}, self.faults, retry_delays=(0.05, 0.05))

    def close(self) -> None:
        self.notes.stop()


class Handler(EmulatorHandler):
    deliveries = "notes"

    @staticmethod
    def index_page(snapshot: dict, base_url: str) -> str:
        return f"<p>{len(snapshot)} at {base_url}</p>"

    def route(self, method: str, path: str, query: str, raw: bytes) -> None:
        terminal, answer = self.run_faulted(self.emulator.faults.for_request(method, path), lambda: {"ok": path})
        if terminal is not None:
            self.fault_answer(terminal)
        else:
            self.send_json(200, answer)


class Server(EmulatorHTTPServer):
    handler_class = Handler


@pytest.fixture
def receiver():
    receiver = Receiver("/notes")
    yield receiver
    receiver.close()


@pytest.fixture
def emulator(receiver):
    server = Server(("127.0.0.1", 0), Emulator(receiver.url), quiet=True)
    serve_in_thread(server, "test-emulator")
    yield server
    stop_server(server)


def test_parse_fault():
    assert cli.parse_fault("error, status_code=201, after=true, count=2") == {
        "kind": "error", "status_code": "201", "after": True, "count": "2"}
    assert cli.parse_fault("drop,after=false") == {"kind": "drop", "after": False}
    with pytest.raises(ValueError):
        cli.parse_fault("slow,delay")


def test_env_and_delays(monkeypatch):
    monkeypatch.setenv("KIT_TEST", "a; b;;")
    assert cli.with_env(["x"], "KIT_TEST", ";") == ["x", "a", " b"]
    assert cli.with_env(["x"], "KIT_TEST") == ["x", "a; b;;"]
    monkeypatch.delenv("KIT_TEST")
    assert cli.with_env(["x"], "KIT_TEST") == ["x"]
    assert cli.parse_delays("0.5, 1,,2") == (0.5, 1.0, 2.0)


def test_state_file(tmp_path):
    path = tmp_path / "sub" / "state.json"
    assert read_state(path) is None and read_state(None) is None
    write_state(path, {"version": 1, "text": "Привет"})
    assert read_state(path) == {"version": 1, "text": "Привет"}
    assert not (tmp_path / "sub" / "state.json.tmp").exists()


def test_faults_registry():
    faults = Faults()
    slow = faults.add({"kind": "slow", "count": 2})
    assert (slow.delay, slow.after) == (2.0, False)
    assert faults.add({"kind": "timeout"}).delay == 5.0
    faults.add({"kind": "drop", "path": "/a", "method": "post", "after": "true"})
    assert [f.kind for f in faults.for_request("GET", "/a")] == ["slow", "timeout"]  # one terminal at most
    assert [f.kind for f in faults.for_request("POST", "/a/b")] == ["slow", "drop"]
    assert faults.for_request("POST", "/a") == []
    assert faults.describe() == []
    with pytest.raises(FaultError, match="unknown fault kind"):
        faults.add({"kind": "explode"})
    with pytest.raises(FaultError, match="count must be at least 1"):
        faults.add({"kind": "slow", "count": 0})
    with pytest.raises(FaultError, match="invalid fault"):
        faults.add({"kind": "slow", "delay": "soon"})
    assert faults.add({"kind": "drop", "after": "0"}).after is False
    assert set(faults.describe()[0]) == {"id", "kind", "remaining", "delay", "after", "method", "path"}
    assert isinstance(faults.take("drop"), Fault) and faults.take("drop") is None


def test_control_api_and_delivery(emulator, receiver):
    base_url = emulator.base_url
    assert requests.get(base_url + "/", timeout=5).text == f"<p>1 at {base_url}</p>"
    assert control(base_url, "GET", "/state") == {"things": [], "faults": [], "notes": []}
    control(base_url, "POST", "/faults", {"kind": "duplicate_note"})
    emulator.emulator.notes.queue({"id": emulator.emulator.notes.next_id(), "url": receiver.url, "state": "queued",
                                   "attempts": [], "payload": {"n": 1}})
    assert control(base_url, "GET", "/notes/wait?timeout=5") == {"pending": 0}
    assert [receiver.next(), receiver.next()] == [b'{"n": 1}', b'{"n": 1}']
    entries = control(base_url, "GET", "/notes")
    assert [e["state"] for e in entries] == ["delivered", "delivered"] and entries[1]["duplicate_of"] == 1
    assert "payload" not in control(base_url, "GET", "/state")["notes"][0]
    assert control(base_url, "POST", "/reset", {"notes": True}) == {"reset": True}
    assert emulator.emulator.store.resets == [True] and control(base_url, "GET", "/notes") == []
    assert control(base_url, "POST", "/faults", {"kind": "nope"}, expect=400)["error"].startswith("unknown fault")
    assert control(base_url, "GET", "/x", expect=404) == {"error": "unknown control endpoint GET /_emulator/x"}
    assert control(base_url, "POST", "/reset", [1], expect=400) == {"error": "body must be a JSON object"}


def test_favicon_is_an_empty_answer_not_a_404(emulator):
    """Browsers on an emulator's page (a payment page) ask for /favicon.ico; a 404 was a console error there."""
    response = requests.get(emulator.base_url + "/favicon.ico", timeout=5)
    assert response.status_code == 204 and response.content == b""


def test_request_faults_and_retries(emulator, receiver):
    base_url = emulator.base_url
    assert requests.get(base_url + "/api", timeout=5).json() == {"ok": "/api"}
    control(base_url, "POST", "/faults", {"kind": "drop"})
    with pytest.raises(requests.ConnectionError):
        requests.get(base_url + "/api", timeout=5)
    notes = emulator.emulator.notes
    notes.queue({"id": notes.next_id(), "url": "http://127.0.0.1:9/closed", "state": "queued", "attempts": [],
                 "payload": {}})
    notes.queue({"id": notes.next_id(), "url": None, "state": "queued", "attempts": [], "payload": {}})
    control(base_url, "POST", "/faults", {"kind": "lose_note"})
    notes.queue({"id": notes.next_id(), "url": receiver.url, "state": "queued", "attempts": [], "payload": {}})
    assert notes.wait_idle(5) == 0
    failed, no_url, lost = notes.entries()
    assert failed["state"] == "failed" and len(failed["attempts"]) == 3 and "error" in failed["attempts"][0]
    assert (no_url["state"], lost["state"]) == ("no_url", "lost") and receiver.nothing(0.2)
