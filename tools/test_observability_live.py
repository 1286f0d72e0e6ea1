"""
Prichal under a real Prometheus (Debian's ``prometheus`` and ``prometheus-blackbox-exporter`` on free local ports),
scraping with the project's own configuration (monitoring/prometheus/prometheus.yml, ports and paths templated):

1. a Django live server of Prichal (PostgreSQL, the test database) with pretix's ``[metrics]`` on and its metrics in
   Redis (database 12, a key of this process), the YooKassa emulator as the payment API;
2. Prometheus scrapes /metrics with the passphrase, the blackbox exporter probes the storefront, /healthcheck/ and
   /_prichal/health/;
3. a purchase paid through the emulator (its webhook posted to the live server) moves the payment and order
   counters; every dashboard panel's query runs and returns data;
4. the emulator loses the next webhook: the payment stays pending and PrichalYooKassaWebhooksMissing fires in
   Prometheus's own rule evaluation (test override: 5 s instead of 15 min, ``for: 2s`` instead of 5 min).

About a minute; `make observability-test` (run by .ci/run after `make test`) sets PRICHAL_OBSERVABILITY_LIVE=1,
the plain suite skips it. Test-only overrides of the production config: 1 s scrape and evaluation interval
(production: 60 s, tested in tools/test_monitoring.py), no Alertmanager, no node/PostgreSQL exporters.
"""
import base64
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.db import transaction
from django.test.utils import override_settings

from pretix.base.signals import order_placed

from tools import grafana_dashboards

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(os.environ.get("PRICHAL_OBSERVABILITY_LIVE") != "1",
                       reason="the live Prometheus test runs in `make observability-test`"),
]

ROOT = Path(__file__).resolve().parents[1]
PROM = ROOT / "monitoring" / "prometheus"
PASSPHRASE = "live-test-metrics-passphrase"  # noqa: S105 - a throw-away passphrase of this test's server
# Metrics no process of this test exports: PostgreSQL/node exporters, pretix's broker queues (no Celery broker in
# tests: tasks run eagerly), the backup job and the funnel (no shop visit here; kpi.funnel.record_step counts it).
NOT_EXPORTED_HERE = ("pg_", "node_", "pretix_celery_tasks_queued", "prichal_backup_", "prichal_funnel_steps_total")

from ticketing_core.observability.testing import metrics  # noqa: E402, F401 - fixture
from ticketing_yoomoney.tests.conftest import (  # noqa: E402, F401 - fixtures
    new_payment,
    paying,
    pending_order,
    rf_request,
    shop,
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, headers: dict | None = None, timeout: float = 10) -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - 127.0.0.1 only
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:  # noqa: S310  # nosec B310 - 127.0.0.1 only
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def wait_until(what: str, check, timeout: float = 40, pause: float = 0.5):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(pause)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


class Prometheus:
    def __init__(self, port: int):
        self.base = f"http://127.0.0.1:{port}"

    def api(self, path: str, **params) -> dict:
        status, body = get(f"{self.base}/api/v1/{path}?{urllib.parse.urlencode(params)}")
        data = json.loads(body)
        assert status == 200 and data["status"] == "success", (path, params, data)
        return data["data"]

    def query(self, expr: str) -> list:
        return self.api("query", query=expr)["result"]


def render_config(tmp: Path, server_url: str, blackbox_port: int, prom_port: int, organizer_slug: str) -> Path:
    """The production prometheus.yml with this test's ports, files and (faster) intervals."""
    config = yaml.safe_load((PROM / "prometheus.yml").read_text())
    rules_dir = tmp / "rules"
    rules_dir.mkdir()
    for f in (PROM / "rules").glob("*.yml"):
        text = f.read_text()
        if f.name == "prichal-alerts.yml":  # the lost-webhook alert within seconds instead of 15 + 5 minutes
            rules = yaml.safe_load(text)
            for group in rules["groups"]:
                for rule in group["rules"]:
                    if rule.get("alert") == "PrichalYooKassaWebhooksMissing":
                        rule["expr"] = rule["expr"].replace("> 900", "> 5")
                        rule["for"] = "2s"
            text = yaml.safe_dump(rules, allow_unicode=True)
        (rules_dir / f.name).write_text(text)
    config["global"].update(scrape_interval="1s", evaluation_interval="1s")
    config["rule_files"] = [str(rules_dir / f) for f in sorted(p.name for p in rules_dir.glob("*.yml"))]
    config.pop("alerting", None)
    (tmp / "passphrase").write_text(PASSPHRASE)
    host = server_url.removeprefix("http://")
    (tmp / "site.yml").write_text(yaml.safe_dump([{"targets": [f"{server_url}/{organizer_slug}/",
                                                               f"{server_url}/healthcheck/"]}]))
    (tmp / "dependencies.yml").write_text(yaml.safe_dump([{"targets": [f"{server_url}/_prichal/health/"]}]))
    jobs = []
    for job in config["scrape_configs"]:
        name = job["job_name"]
        if name in ("node", "postgres"):
            continue
        job["scrape_interval"] = "1s"
        job["scrape_timeout"] = "1s"
        if name == "prichal":
            job["static_configs"] = [{"targets": [host]}]
            job["basic_auth"]["password_file"] = str(tmp / "passphrase")
        elif name in ("site", "dependencies"):
            job["file_sd_configs"] = [{"files": [str(tmp / f"{name}.yml")]}]
            for relabel in job["relabel_configs"]:
                if relabel.get("replacement") == "blackbox:9115":
                    relabel["replacement"] = f"127.0.0.1:{blackbox_port}"
        elif name == "prometheus":
            job["static_configs"] = [{"targets": [f"127.0.0.1:{prom_port}"]}]
        jobs.append(job)
    config["scrape_configs"] = jobs
    path = tmp / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture
def monitoring_stack(tmp_path):
    """Start the blackbox exporter and Prometheus; yields a function that starts Prometheus for a server URL."""
    for binary in ("prometheus", "prometheus-blackbox-exporter"):
        if shutil.which(binary) is None:
            pytest.fail(f"{binary} missing: make monitoring-deps")
    procs = []
    bb_port = free_port()
    log = open(tmp_path / "blackbox.log", "wb")  # noqa: SIM115
    procs.append(subprocess.Popen(["prometheus-blackbox-exporter", f"--config.file={PROM / 'blackbox.yml'}",
                                   f"--web.listen-address=127.0.0.1:{bb_port}"], stdout=log, stderr=log))

    def start(server_url: str, organizer_slug: str) -> Prometheus:
        port = free_port()
        config = render_config(tmp_path, server_url, bb_port, port, organizer_slug)
        plog = open(tmp_path / "prometheus.log", "wb")  # noqa: SIM115
        procs.append(subprocess.Popen(["prometheus", f"--config.file={config}",
                                       f"--storage.tsdb.path={tmp_path / 'data'}",
                                       f"--web.listen-address=127.0.0.1:{port}"], stdout=plog, stderr=plog))
        prom = Prometheus(port)
        wait_until("Prometheus ready", lambda: get(prom.base + "/-/ready", timeout=2)[0] == 200 if _up(port) else 0)
        return prom

    yield start
    for p in reversed(procs):
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()


def _up(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def prichal_server(settings, shop):  # noqa: F811
    """A live server of Prichal with pretix's /metrics on (the middleware is loaded when the server starts)."""
    from pytest_django.live_server_helper import LiveServer

    with override_settings(
        METRICS_ENABLED=True, METRICS_USER="metrics", METRICS_PASSPHRASE=PASSPHRASE,
        MIDDLEWARE=[*settings.MIDDLEWARE, "pretix.helpers.metrics.middleware.MetricsMiddleware"],
        # pretix's /healthcheck/ writes and reads the cache: the test settings' dummy cache would make it a 503
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "obs-live"}},
    ):
        server = LiveServer("127.0.0.1:0")
        settings.SITE_URL = server.url  # pretix serves its own host only; return URLs are built from it
        try:
            yield server
        finally:
            server.stop()


def test_prometheus_scrapes_a_purchase_dashboards_have_data_and_lost_webhooks_alert(
        metrics, emulator, shop, paying, prichal_server, monitoring_stack, sailing):  # noqa: F811
    from ticketing_core.notifications.metrics import update_backlog
    from ticketing_rentals.metrics import update_holds as charter_holds
    from ticketing_seating.metrics import update_holds as seat_holds
    from ticketing_yoomoney.metrics import update_pending

    url = prichal_server.url
    organizer = shop.organizer
    status, body = get(url + "/metrics")
    assert status == 401  # the passphrase is required
    auth = {"Authorization": "Basic " + base64.b64encode(f"metrics:{PASSPHRASE}".encode()).decode()}
    assert get(url + "/metrics", auth)[0] == 200

    prom = monitoring_stack(url, organizer.slug)

    # a customer's requests (view metrics: shop, checkout), then YooKassa's webhook of the payment over HTTP
    event_path = f"/{organizer.slug}/{shop.slug}/"
    for path in (f"/{organizer.slug}/", event_path, event_path + "checkout/start"):
        assert get(url + path)[0] in (200, 302), path
    with transaction.atomic():  # what pretix sends when it places an order (capacity lock, order counters)
        order_placed.send(shop, order=paying.order)
    emulator.webhook_url(url + "/_yookassa/webhook/")
    emulator.succeed(paying.info_data["id"])
    emulator.wait_webhooks()
    paying.refresh_from_db()
    assert paying.state == "confirmed"
    update_pending(), update_backlog(), seat_holds(), charter_holds()  # what the periodic task does every minute

    wait_until("the paid purchase in Prometheus", lambda: prom.query(
        'prichal_yookassa_payments_total{result="succeeded"} >= 1') and prom.query(
        'prichal_orders_total{state="paid"} >= 1') and prom.query('probe_success{job="dependencies"} == 1'))
    def health_by_job() -> dict:
        found: dict = {}
        for t in prom.api("targets")["activeTargets"]:
            found.setdefault(t["labels"]["job"], []).append(t["health"])
        return found

    # every target scraped at least once (a busy machine may not have reached the second storefront probe yet)
    wait_until("every target up", lambda: all(
        health_by_job().get(job) and all(h == "up" for h in health_by_job()[job])
        for job in ("prichal", "site", "dependencies")))
    targets = prom.api("targets")["activeTargets"]
    by_job = health_by_job()
    for job in ("prichal", "site", "dependencies"):
        assert by_job.get(job) and all(h == "up" for h in by_job[job]), (job, targets)
    assert all(r["value"][1] == "1" for r in prom.query('probe_success{job=~"site|dependencies"}'))
    paid = prom.query('prichal_yookassa_payments_total{method="bank_card",result="succeeded"}')
    assert float(paid[0]["value"][1]) == 1
    assert float(prom.query("sum(prichal_revenue_rub_total)")[0]["value"][1]) == float(paying.order.total)
    assert prom.query('prichal_yookassa_webhooks_total{event="payment.succeeded",result="accepted"}')

    # every dashboard panel's query parses and returns data (except metrics no process here exports); rates and
    # increases need two scrapes of a series, so this waits for them (1 s scrapes)
    def panels_without_data() -> list[str]:
        empty = []
        for dashboard, title, expr in _panel_queries():
            result = prom.query(expr)  # a query that does not parse fails here (status "error")
            if not result and not any(m in expr for m in NOT_EXPORTED_HERE):
                empty.append(f"{dashboard} / {title}: {expr}")
        return empty

    assert len(list(_panel_queries())) > 30
    try:
        wait_until("every dashboard panel to have data", lambda: not panels_without_data(), timeout=30, pause=2)
    except AssertionError:
        raise AssertionError("panels without data:\n" + "\n".join(panels_without_data())) from None

    # lost webhooks: the next payment is paid at YooKassa but its notification never comes
    def webhook_alerts():
        return [a for a in prom.api("alerts")["alerts"] if a["labels"]["alertname"] == "PrichalYooKassaWebhooksMissing"]

    assert not webhook_alerts()
    emulator.fault(kind="lose_webhook")
    from django.test import RequestFactory

    from pretix.base.models import Order

    from ticketing_core.testing import factories

    adult = shop.items.filter(admission=True).order_by("pk").first()
    second = factories.make_order(shop, sailing.subevent, [adult], status=Order.STATUS_PENDING)
    request = RequestFactory().get("/")
    request.event, request.organizer = shop, organizer
    from django.contrib.sessions.backends.db import SessionStore

    request.session = SessionStore()
    payment = new_payment(second)
    payment.payment_provider.execute_payment(request, payment)
    payment.refresh_from_db()
    emulator.succeed(payment.info_data["id"])
    time.sleep(6)  # past the test threshold of 5 s since the last webhook and since the payment was created
    count, age = update_pending()
    payment.refresh_from_db()
    assert count == 1 and age > 5 and payment.state == "pending"

    def firing():
        alerts = webhook_alerts()
        return alerts if alerts and alerts[0]["state"] == "firing" else None

    alert = wait_until("PrichalYooKassaWebhooksMissing firing", firing)[0]
    assert alert["labels"]["severity"] == "page"
    assert alert["annotations"]["runbook_url"] == "docs/runbooks/yookassa-webhooks.md"


def _panel_queries():
    for name in sorted(grafana_dashboards.OUT.glob("*.json")):
        data = json.loads(name.read_text(encoding="utf-8"))
        for p in data["panels"]:
            for t in p["targets"]:
                yield name.stem, p["title"], t["expr"]
