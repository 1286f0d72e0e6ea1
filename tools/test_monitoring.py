"""
The monitoring configuration (monitoring/) checked with the real tools, as `make monitoring-check` does:
promtool check config / check rules / test rules, amtool check-config, the blackbox exporter's config check; plus
what the tools cannot see: every alert has a unit test, every runbook link resolves, pretix is scraped at most
once a minute, and every label in the rules refers to a metric Prichal or pretix actually exports.
"""
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
PROM = ROOT / "monitoring" / "prometheus"
ALERTMANAGER = ROOT / "monitoring" / "alertmanager" / "alertmanager.yml"
RULE_FILES = sorted((PROM / "rules").glob("*.yml"))
TEST_FILES = sorted((PROM / "tests").glob("*.yml"))

def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: `make monitoring-deps` installs Debian's prometheus, "
                    "prometheus-alertmanager and prometheus-blackbox-exporter")
    return path


def run(*args: str, cwd: Path = ROOT) -> str:
    r = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"{' '.join(args)} failed:\n{r.stdout}\n{r.stderr}"
    return r.stdout + r.stderr


def alerts() -> list[dict]:
    return [rule for f in RULE_FILES for g in yaml.safe_load(f.read_text())["groups"] for rule in g["rules"]
            if "alert" in rule]


def test_promtool_checks_the_config_and_the_rules():
    out = run(tool("promtool"), "check", "config", "prometheus.yml", cwd=PROM)
    assert "SUCCESS" in out
    assert "SUCCESS" in run(tool("promtool"), "check", "rules", *map(str, RULE_FILES))


def test_promtool_unit_tests_of_every_alert_pass():
    assert TEST_FILES
    assert "SUCCESS" in run(tool("promtool"), "test", "rules", *(f.name for f in TEST_FILES), cwd=PROM / "tests")


def test_every_alert_has_a_unit_test():
    tested = {case["alertname"] for f in TEST_FILES for t in yaml.safe_load(f.read_text())["tests"]
              for case in t.get("alert_rule_test", [])}
    missing = {a["alert"] for a in alerts()} - tested
    assert not missing, f"alerts without a promtool unit test: {sorted(missing)}"


def test_every_alert_fires_in_some_test_and_is_quiet_in_another():
    fires, quiet = set(), set()
    for f in TEST_FILES:
        for t in yaml.safe_load(f.read_text())["tests"]:
            for case in t.get("alert_rule_test", []):
                (fires if case.get("exp_alerts") else quiet).add(case["alertname"])
    names = {a["alert"] for a in alerts()}
    assert names <= fires, f"never shown firing: {sorted(names - fires)}"
    assert names <= quiet, f"never shown quiet below the threshold: {sorted(names - quiet)}"


def test_amtool_checks_the_alertmanager_example():
    assert "SUCCESS" in run(tool("amtool"), "check-config", str(ALERTMANAGER))
    routes = yaml.safe_load(ALERTMANAGER.read_text())
    kinds = {k for r in routes["receivers"] for k in r if k.endswith("_configs")}
    assert {"email_configs", "telegram_configs"} <= kinds


def test_blackbox_exporter_accepts_its_modules():
    run(tool("prometheus-blackbox-exporter"), f"--config.file={PROM / 'blackbox.yml'}", "--config.check")


def test_every_runbook_link_resolves():
    for alert in alerts():
        link = alert["annotations"]["runbook_url"]
        assert link.startswith("docs/runbooks/") and link.endswith(".md"), link
        name = link.removeprefix("docs/runbooks/")
        assert (ROOT / "docs" / "runbooks" / name).is_file(), f"{alert['alert']}: {link} does not exist"


def test_every_alert_states_its_severity_and_summary():
    for alert in alerts():
        assert alert["labels"]["severity"] in ("page", "ticket"), alert["alert"]
        assert alert["annotations"]["summary"], alert["alert"]


def test_pretix_is_scraped_at_most_once_a_minute():
    config = yaml.safe_load((PROM / "prometheus.yml").read_text())
    job = next(j for j in config["scrape_configs"] if j["job_name"] == "prichal")
    interval = job.get("scrape_interval", config["global"]["scrape_interval"])
    assert re.fullmatch(r"\d+s", interval) and int(interval[:-1]) >= 60
    assert "password_file" in job["basic_auth"] and "password" not in job["basic_auth"]


def test_receipt_alert_pages():
    by_name = {a["alert"]: a for a in alerts()}
    assert by_name["PrichalReceipts54FZFailing"]["labels"]["severity"] == "page"
    assert by_name["PrichalReceipts54FZFailing"]["for"] == "15m"


def test_compose_monitoring_profile_and_the_nginx_metrics_rule_agree():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    profile = {n for n, s in services.items() if "monitoring" in s.get("profiles", [])}
    assert {"prometheus", "alertmanager", "blackbox", "grafana"} <= profile
    assert any("./monitoring/prometheus:/etc/prometheus" in v for v in services["prometheus"]["volumes"])
    assert any("./monitoring/grafana/dashboards:" in v for v in services["grafana"]["volumes"])
    assert any("./monitoring/grafana/provisioning:" in v for v in services["grafana"]["volumes"])
    # Prometheus reads the passphrase from the compose secret, the file prometheus.yml names
    config = yaml.safe_load((PROM / "prometheus.yml").read_text())
    job = next(j for j in config["scrape_configs"] if j["job_name"] == "prichal")
    secret = services["prometheus"]["secrets"][0]
    assert job["basic_auth"]["password_file"] == f"/run/secrets/{secret}"
    assert compose["secrets"][secret] == {"environment": "PRETIX_METRICS_PASSPHRASE"}
    # nginx lets /metrics through from exactly the monitoring network, and nginx is on it
    subnet = compose["networks"]["monitoring"]["ipam"]["config"][0]["subnet"]
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    block = re.search(r"location = /metrics \{(?P<body>[^}]*)\}", nginx).group("body")
    assert f"allow {subnet};" in block and "deny all;" in block
    assert "monitoring" in services["nginx"]["networks"]
    assert {job["static_configs"][0]["targets"][0]} == {"nginx:80"}
    # Grafana sends nothing home
    env = services["grafana"]["environment"]
    assert env["GF_ANALYTICS_REPORTING_ENABLED"] == "false" and env["GF_ANALYTICS_CHECK_FOR_UPDATES"] == "false"
