"""
The Grafana dashboards: the committed JSON is what tools/grafana_dashboards.py renders, every panel query parses
as PromQL (promtool checks it as a recording rule), the provisioning points at the datasource the panels use, and
the four dashboards the operator needs exist. That each query returns data is the live test's job
(tools/test_observability_live.py).
"""
import json
import shutil
import subprocess

import pytest
import yaml

from tools import grafana_dashboards as dashboards

GRAFANA = dashboards.ROOT / "monitoring" / "grafana"


def all_targets():
    for name in sorted(dashboards.OUT.glob("*.json")):
        data = json.loads(name.read_text(encoding="utf-8"))
        for p in data["panels"]:
            for t in p["targets"]:
                yield name.stem, p["title"], t["expr"]


def test_committed_json_is_the_rendered_json():
    for name, text in dashboards.render().items():
        assert (dashboards.OUT / name).read_text(encoding="utf-8") == text, \
            f"{name} is out of date: run python tools/grafana_dashboards.py"


def test_the_four_dashboards_exist():
    titles = {json.loads(p.read_text())["title"] for p in dashboards.OUT.glob("*.json")}
    assert titles == {"Prichal · Service", "Prichal · Payments & receipts", "Prichal · Sales",
                      "Prichal · Notifications"}


def test_every_panel_query_parses(tmp_path):
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.fail("promtool missing: make monitoring-deps")
    rules = [{"record": f"dashboard:panel_{i}", "expr": expr} for i, (_d, _t, expr) in enumerate(all_targets())]
    assert len(rules) > 30
    f = tmp_path / "panels.yml"
    f.write_text(yaml.safe_dump({"groups": [{"name": "panels", "rules": rules}]}))
    r = subprocess.run([promtool, "check", "rules", str(f)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr


def test_sales_dashboard_uses_the_funnel_counter_and_provisioning_matches():
    sales = json.loads((dashboards.OUT / "prichal-sales.json").read_text())
    assert any("prichal_funnel_steps_total" in t["expr"] for p in sales["panels"] for t in p["targets"])
    ds = yaml.safe_load((GRAFANA / "provisioning" / "datasources" / "prichal.yml").read_text())["datasources"][0]
    assert ds["uid"] == dashboards.DATASOURCE["uid"]
    assert yaml.safe_load((GRAFANA / "provisioning" / "dashboards" / "prichal.yml").read_text())["providers"]
