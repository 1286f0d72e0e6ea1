"""
The YooKassa emulator (tools/yookassa_emulator) as a real HTTP server for tests, a pytest plugin (root conftest):
this addon's tests and the whole-product journeys of other addons (the seat journey pays on YooKassa's page) use
its fixtures by name, so no addon imports this one's tests.
"""
import json
import urllib.request

import pytest

from tools.yookassa_emulator import start_server, stop_server

SHOP_ID, SECRET = "100500", "test_prichal_secret"


class Emulator:
    """Drives the emulator's control API (what a payer, YooKassa's delays or faults would do)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.api_url = base_url + "/v3"

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base_url + path, data=data, method=method,  # noqa: S310 - the emulator
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310 - on 127.0.0.1
            text = r.read().decode()
        return json.loads(text) if text else {}

    def state(self) -> dict:
        return self.call("GET", "/_emulator/state")

    def payments(self) -> list[dict]:
        return self.state()["payments"]

    def refunds(self) -> list[dict]:
        return self.state()["refunds"]

    def receipts(self) -> list[dict]:
        return self.state()["receipts"]

    def succeed(self, payment_id: str, method: str = "bank_card") -> dict:
        return self.call("POST", f"/_emulator/payments/{payment_id}/succeed", {"payment_method": method})

    def decline(self, payment_id: str, reason: str = "insufficient_funds") -> dict:
        return self.call("POST", f"/_emulator/payments/{payment_id}/cancel", {"reason": reason})

    def fault(self, **kwargs) -> dict:
        return self.call("POST", "/_emulator/faults", kwargs)

    def webhook_url(self, url: str | None) -> dict:
        return self.call("POST", "/_emulator/webhook-url", {"url": url})

    def wait_webhooks(self) -> dict:
        return self.call("GET", "/_emulator/webhooks/wait?timeout=10")

    def webhook_log(self) -> list:
        return self.call("GET", "/_emulator/webhooks")

    def reset(self) -> None:
        self.call("POST", "/_emulator/reset", {})
        self.call("DELETE", "/_emulator/faults")


@pytest.fixture(scope="session")
def _emulator_server():
    server, thread, base_url = start_server(port=0, shops={SHOP_ID: SECRET}, webhook_retry_delays=(0.2, 0.5))
    yield Emulator(base_url)
    stop_server(server)


API_URL_VARIABLE = "PRETIX_TICKETING_YOOMONEY_API_URL"  # pretix's environment form of [ticketing_yoomoney] api_url


@pytest.fixture
def emulator(_emulator_server, settings, monkeypatch):
    settings.ALLOW_HTTP_TO_PRIVATE_NETWORKS = True
    # The API address comes from the configuration only; the emulator's port is known only now.
    monkeypatch.setenv(API_URL_VARIABLE, _emulator_server.api_url)
    _emulator_server.reset()
    _emulator_server.webhook_url(None)
    yield _emulator_server
    _emulator_server.reset()


def configure(obj, emulator: Emulator, **overrides) -> None:
    """YooKassa settings on an organizer or event, for the emulator's shop (its address is configured)."""
    values = {"shop_id": SHOP_ID, "secret_key": SECRET, "test_mode": True, "restrict_networks": False, **overrides}
    for key, value in values.items():
        obj.settings.set(f"payment_yookassa_{key}", value)


@pytest.fixture
def configure_yookassa():
    """:func:`configure` for tests of other addons, which take it as a fixture instead of importing this addon."""
    return configure
