"""
Prichal's Grafana dashboards, written as data here and rendered to monitoring/grafana/dashboards/*.json
(``python tools/grafana_dashboards.py``; tools/test_grafana_dashboards.py fails when the JSON is out of date).

Grafana is not installable on the project's machines, so the dashboards are proven another way: the live test
(tools/test_observability_live.py) runs every panel's PromQL against a real Prometheus that scraped a running
Prichal after a purchase. Queries use fixed windows (no Grafana-only variables) so they run there unchanged.
Panels counting events a purchase need not cause (refunds, failed receipts, SMS) end in ``or vector(0)``: they
show 0 instead of "No data" on a quiet day. The funnel counter ``prichal_funnel_steps_total{step}`` is recorded by
``ticketing_core.kpi.funnel.record_step`` (the KPI slice); the Sales dashboard expects that name.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "monitoring" / "grafana" / "dashboards"
DATASOURCE = {"type": "prometheus", "uid": "prichal-prometheus"}

# view group = the namespace of pretix's url name (presale, control, api, plugins:ticketing_…)
GROUP = 'label_replace({expr}, "group", "$1", "url_name", "([^:]+):.*")'
CHECKOUT = 'url_name=~"presale:event\\\\.checkout.*"'


def panel(title: str, targets: list[tuple[str, str]], unit: str = "short", kind: str = "timeseries",
          description: str = "") -> dict:
    return {"title": title, "type": kind, "description": description, "datasource": DATASOURCE,
            "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
            "targets": [{"refId": chr(65 + i), "expr": expr, "legendFormat": legend, "datasource": DATASOURCE}
                        for i, (expr, legend) in enumerate(targets)]}


def rate_by_group(selector: str = "") -> str:
    return "sum by (group) (" + GROUP.format(expr=f"rate(pretix_view_duration_seconds_count{{{selector}}}[5m])") + ")"


SERVICE = [
    panel("Requests per second by view group", [(rate_by_group(), "{{group}}")], "reqps",
          description="pretix's view timer: every request with a url name, by namespace."),
    panel("5xx share by view group",
          [("(" + rate_by_group('status_code=~"5.."') + " or 0 * " + rate_by_group() + ") / " + rate_by_group(),
            "{{group}}")], "percentunit",
          description="Server errors / all requests, 5 min."),
    panel("Duration p95 by view group",
          [("histogram_quantile(0.95, sum by (group, le) (" + GROUP.format(
              expr="rate(pretix_view_duration_seconds_bucket[5m])") + "))", "{{group}}")], "s"),
    panel("Checkout p95 and p50", [
        (f"histogram_quantile({q}, sum by (le) (rate(pretix_view_duration_seconds_bucket{{{CHECKOUT}}}[10m])))", name)
        for q, name in (("0.95", "p95"), ("0.50", "p50"))
    ], "s", description="Alert PrichalCheckoutSlow at p95 > 2 s."),
    panel("Error budget burn rate (SLO 99.5 %)", [
        ('(sum(rate(pretix_view_duration_seconds_count{status_code=~"5.."}[1h])) or vector(0)) / '
         'sum(rate(pretix_view_duration_seconds_count[1h])) / 0.005', "1 h"),
        ('(sum(rate(pretix_view_duration_seconds_count{status_code=~"5.."}[6h])) or vector(0)) / '
         'sum(rate(pretix_view_duration_seconds_count[6h])) / 0.005', "6 h"),
    ], "short", description="1 = spending the budget exactly in 30 days; pages at 14.4 (1 h), tickets at 6 (6 h)."),
    panel("Celery queue length", [("pretix_celery_tasks_queued_count", "{{queue}}")], "short"),
    panel("Celery oldest task age", [("pretix_celery_tasks_queued_age_seconds", "{{queue}}")], "s",
          description="Alert PrichalCeleryQueueStuck above 60 s for checkout, mail, notifications."),
    panel("Celery task runs by status", [("sum by (status) (rate(pretix_task_runs_total[5m]))", "{{status}}")],
          "ops"),
    panel("Capacity lock wait p95 at order placement", [
        ("histogram_quantile(0.95, sum by (le) (rate(prichal_capacity_lock_wait_seconds_bucket[10m])))", "p95")],
        "s", description="Rises first when a peak sale queues buyers on one sailing."),
    panel("Database connections in use", [
        ("sum(pg_stat_activity_count) / max(pg_settings_max_connections)", "share of max_connections")],
        "percentunit", description="postgres exporter; alert at 80 %."),
    panel("Rows: orders, invoices, events", [
        ('pretix_model_instances{model=~"pretixbase.order|pretixbase.invoice|pretixbase.event"}', "{{model}}")],
        "short"),
    panel("Targets up", [("up", "{{job}} {{instance}}")], "short", kind="stat"),
]

PAYMENTS = [
    panel("YooKassa payments by result", [
        ("sum by (result) (increase(prichal_yookassa_payments_total[1h]))", "{{result}}")], "short"),
    panel("Successful payments by method (24 h)", [
        ('sum by (method) (increase(prichal_yookassa_payments_total{result="succeeded"}[1d]))', "{{method}}")],
        "short", kind="piechart"),
    panel("Webhooks by event and result", [
        ("sum by (event, result) (increase(prichal_yookassa_webhooks_total[1h]))", "{{event}} {{result}}")],
        "short", description="accepted, ignored, unknown, forged (refused network), invalid, error (503, retried)."),
    panel("Time since the last webhook", [
        ("time() - max(prichal_yookassa_webhook_last_received_timestamp_seconds)", "seconds")], "s", kind="stat"),
    panel("Payments waiting for YooKassa", [
        ("max(prichal_yookassa_pending_payments)", "pending"),
        ("max(prichal_yookassa_oldest_pending_payment_age_seconds)", "oldest (s)"),
    ], "short", description="Alert PrichalYooKassaWebhooksMissing: oldest > 15 min with no webhook for 15 min."),
    panel("Success → paid lag p50 / p95", [
        ("histogram_quantile(0.5, sum by (le) (rate(prichal_yookassa_paid_latency_seconds_bucket[1h])))", "p50"),
        ("histogram_quantile(0.95, sum by (le) (rate(prichal_yookassa_paid_latency_seconds_bucket[1h])))", "p95"),
    ], "s", description="From YooKassa's captured_at to pretix confirming the payment."),
    panel("Refunds by result", [
        ("sum by (result) (increase(prichal_yookassa_refunds_total[1d])) or vector(0)", "{{result}}")], "short"),
    panel("54-FZ receipts by kind and result", [
        ("sum by (kind, result) (increase(prichal_yookassa_receipts_total[1h]))", "{{kind}} {{result}}")], "short"),
    panel("Failed 54-FZ receipts (24 h)", [
        ('sum(increase(prichal_yookassa_receipts_total{result="canceled"}[1d])) or vector(0)', "failed")],
        "short", kind="stat", description="Alert PrichalReceipts54FZFailing pages after 15 min of failures only."),
    panel("Reconciliation differences (24 h)", [
        ("sum by (kind) (increase(prichal_yookassa_reconciliation_differences_total[1d])) or vector(0)", "{{kind}}")],
        "short"),
]

SALES = [
    panel("Orders placed and paid per hour by channel", [
        ("sum by (channel, state) (increase(prichal_orders_total[1h]))", "{{channel}} {{state}}")], "short"),
    panel("Revenue RUB per day by channel", [
        ("sum by (channel) (increase(prichal_revenue_rub_total[1d]))", "{{channel}}")], "currencyRUB"),
    panel("Revenue RUB today (24 h)", [("sum(increase(prichal_revenue_rub_total[1d]))", "RUB")], "currencyRUB",
          kind="stat"),
    panel("Funnel steps per day", [
        ("sum by (step) (increase(prichal_funnel_steps_total[1d]))", "{{step}}")], "short",
          description="ticketing_core.kpi.funnel.record_step: shop visit, cart, checkout, placed, paid."),
    panel("Funnel conversion visit → paid (day)", [
        ('sum(increase(prichal_funnel_steps_total{step="paid"}[1d])) / '
         'sum(increase(prichal_funnel_steps_total{step="visit"}[1d]))', "visit→paid")], "percentunit"),
    panel("Paid / placed orders (day)", [
        ('sum(increase(prichal_orders_total{state="paid"}[1d])) / '
         'sum(increase(prichal_orders_total{state="placed"}[1d]))', "paid/placed")], "percentunit"),
    panel("Seat and charter holds active", [
        ("max(prichal_seat_holds_active)", "seats in carts"), ("max(prichal_charter_holds_active)", "charters")],
        "short", description="Load pressure: seats and vessel time held by checkouts in progress."),
    panel("Paid orders (rows)", [('pretix_model_instances{model="pretixbase.order"}', "orders")], "short",
          kind="stat"),
]

NOTIFICATIONS = [
    panel("Notifications by channel and outcome", [
        ("sum by (channel, outcome) (increase(prichal_notifications_total[1h])) or vector(0)",
         "{{channel}} {{outcome}}")], "short"),
    panel("Notifications by kind (24 h)", [
        ("sum by (kind) (increase(prichal_notifications_total[1d])) or vector(0)", "{{kind}}")], "short"),
    panel("SMS failure share (30 min)", [
        ('(sum(increase(prichal_notifications_total{channel="sms",outcome=~"failed|unknown"}[30m])) or vector(0)) / '
         '(sum(increase(prichal_notifications_total{channel="sms",outcome=~"sent|failed|unknown"}[30m])) > 0 '
         'or vector(1))', "failed share")], "percentunit", description="Alert PrichalSmsFailures above 10 %."),
    panel("Oldest unsent notification", [
        ("prichal_notifications_oldest_unsent_age_seconds", "{{channel}}")], "s",
          description="Set every minute by the periodic task; alert above 15 min."),
    panel("Mail task runs", [
        ('sum by (status) (increase(pretix_task_runs_total{task_name=~".*mail.*"}[1h]))', "{{status}}")], "short"),
]

DASHBOARDS = {
    "prichal-service": ("Prichal · Service", SERVICE),
    "prichal-payments": ("Prichal · Payments & receipts", PAYMENTS),
    "prichal-sales": ("Prichal · Sales", SALES),
    "prichal-notifications": ("Prichal · Notifications", NOTIFICATIONS),
}


def dashboard(uid: str, title: str, panels: list[dict]) -> dict:
    laid_out = []
    for i, p in enumerate(panels):
        laid_out.append({**p, "id": i + 1, "gridPos": {"h": 8, "w": 12, "x": 12 * (i % 2), "y": 8 * (i // 2)}})
    return {"uid": uid, "title": title, "tags": ["prichal"], "timezone": "Europe/Moscow", "schemaVersion": 39,
            "refresh": "1m", "time": {"from": "now-24h", "to": "now"}, "editable": True, "panels": laid_out}


def render() -> dict[str, str]:
    return {f"{uid}.json": json.dumps(dashboard(uid, title, panels), ensure_ascii=False, indent=2) + "\n"
            for uid, (title, panels) in DASHBOARDS.items()}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (OUT / name).write_text(text, encoding="utf-8")
        print(OUT / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
