"""
Test helper: pretix's metrics written to a real Redis (127.0.0.1:6379, database 12, a hash key of this process
only), so a test reads back exactly what a scrape of ``/metrics`` would show. Import the fixture into a test
module: ``from ticketing_core.observability.testing import metrics  # noqa: F401``.
"""
import os

import pytest


class MetricsReader:
    def __init__(self, client, key: str):
        self.client, self.key = client, key

    def all(self) -> dict[str, float]:
        return {k.decode(): float(v) for k, v in self.client.hgetall(self.key).items()}

    def value(self, name: str, **labels) -> float:
        """The sample ``name{labels}`` (labels in the metric's declared order, as pretix writes them)."""
        want = {f'{k}="{v}"' for k, v in labels.items()}
        total = 0.0
        for key, value in self.all().items():
            metric, _, rest = key.partition("{")
            if metric != name:
                continue
            have = set(rest.rstrip("}").split(",")) if rest else set()
            if want <= have:
                total += value
        return total


class _SettingsWithRedis:
    """Django's settings as pretix's metrics module sees them, with HAS_REDIS on (for that module only)."""

    HAS_REDIS = True

    def __getattr__(self, name):
        from django.conf import settings

        return getattr(settings, name)


@pytest.fixture
def metrics(monkeypatch):
    redis = pytest.importorskip("redis")
    from pretix.base import metrics as pretix_metrics

    client = redis.Redis(host="127.0.0.1", port=6379, db=12)
    key = f"prichal_test_metrics_{os.getpid()}"
    client.delete(key)
    monkeypatch.setattr(pretix_metrics, "settings", _SettingsWithRedis())
    monkeypatch.setattr(pretix_metrics, "redis", client, raising=False)
    monkeypatch.setattr(pretix_metrics, "REDIS_KEY", key)
    yield MetricsReader(client, key)
    client.delete(key)
