"""
``/_prichal/health/``: YooKassa reachable with the configured shop (the emulator), answers cached so a probe every
30 s never multiplies calls, nothing secret in the answer, 503 when YooKassa is down, 429 beyond the rate limit.
"""
import pytest
from django.core.cache import cache

from ticketing_core.observability import health

from .conftest import SECRET, SHOP_ID

pytestmark = pytest.mark.django_db
URL = "/_prichal/health/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    health.clear_local()
    yield
    health.clear_local()
    cache.clear()


def me_calls(emulator) -> int:
    return sum(1 for r in emulator.state().get("requests", []) if r.get("path", "").endswith("/me"))


def test_ok_with_the_configured_shop_and_nothing_secret(client, shop, emulator):
    r = client.get(URL)
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "ok" and body["checks"]["yookassa"] == "ok" and body["checks"]["celery"] == "off"
    text = r.content.decode()
    for secret in (SECRET, SHOP_ID, emulator.api_url, "127.0.0.1"):
        assert secret not in text


def test_outbound_check_is_cached(client, shop, emulator, monkeypatch):
    calls = []
    from ticketing_yoomoney.services import remote

    real = remote.check_connection
    monkeypatch.setattr(remote, "check_connection", lambda c: calls.append(1) or real(c))
    for _ in range(5):
        assert client.get(URL).status_code == 200
    assert len(calls) == 1


def test_yookassa_down_is_503_and_fail(client, shop, emulator, monkeypatch):
    monkeypatch.setenv("PRETIX_TICKETING_YOOMONEY_API_URL", "http://127.0.0.1:9/v3")  # nothing listens there
    r = client.get(URL)
    assert r.status_code == 503 and r.json()["checks"]["yookassa"] == "fail"
    assert "127.0.0.1" not in r.content.decode()


def test_not_configured_is_off_not_a_failure(client, organizer):
    r = client.get(URL)
    assert r.status_code == 200 and r.json()["checks"]["yookassa"] == "off"


def test_rate_limited_per_client(client, organizer, monkeypatch):
    monkeypatch.setattr(health, "RATE_LIMIT", 3)
    codes = [client.get(URL).status_code for _ in range(5)]
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
