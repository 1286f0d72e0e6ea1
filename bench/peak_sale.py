"""
Peak-sale load test: how fast pretix sells out a sailing with and without the Prichal plugins.

The script prepares its own PostgreSQL database (``prichal_bench`` on 127.0.0.1:5432), migrates it,
creates two identical event series under two organizers, starts gunicorn on a free local port and
lets N concurrent buyers create orders through pretix's REST API until each date is sold out:

* event A ("plugins on"): organizer and event with every Prichal plugin; each date is a sailing
  bound to a vessel of capacity C through ``ticketing_core.fleet.sailings.save_sailing``, which
  creates the managed quota;
* event B ("plugins off"): a second organizer and event without any Prichal plugin; each date has
  a plain pretix quota of size C over the same two products.

Every round gets a fresh date (and with it a fresh quota). Rounds alternate A/B in an ABBA order
so drift (cache warm-up, table growth, autovacuum) hits both sides alike. After each round the
places sold on the date are counted in the database; more than C is an oversell and makes the
script exit with status 1.

Exit status: 0 when every round sold out cleanly, 1 when any place was oversold, 2 when a round hit an
unexpected error or a cap before selling out. The throughput ratio is reported, not enforced: on a shared
host it moves with other people's load (see bench/RESULTS.md).

Usage (from the repository root)::

    .venv/bin/python bench/peak_sale.py [--buyers 8,32] [--capacity 120] [--reuse-db] [--workers 2]

Only 127.0.0.1 is contacted; every loop is bounded by a request cap and a time cap.
"""
import argparse
import configparser
import json
import math
import os
import platform
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2
import requests
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
DATA_DIR = OUT / "data"
CONFIG_PATH = OUT / "pretix-bench.cfg"
RESULTS_PATH = OUT / "results.json"
TEST_CONFIG = ROOT / "addons" / "ticketing_core" / "testing" / "pretix-test.cfg"

DB_HOST = "127.0.0.1"
DB_PORT = 5432
DB_USER = "postgres"
DB_NAME = "prichal_bench"

PRETIX_PLUGINS = "pretix.plugins.sendmail,pretix.plugins.statistics,pretix.plugins.checkinlists," \
                 "pretix.plugins.manualpayment"
PRICHAL_EVENT_PLUGINS = "ticketing_core,ticketing_rentals,ticketing_seating,ticketing_website,ticketing_yoomoney"
PRICHAL_ORGANIZER_PLUGINS = ("ticketing_core,ticketing_rentals,ticketing_seating,ticketing_website,ticketing_yoomoney,"
                             "ticketing_helpdesk")

ORG_A, ORG_B = "bench-plugins", "bench-plain"
EVENT_SLUG = "evening"
SAILING_MINUTES = 90
DATE_SPACING = timedelta(hours=4)  # longer than a sailing plus the vessel's turnaround

# pretix's answer when a quota is exhausted (API, English and Russian catalogues).
SOLD_OUT_MARKERS = ("not enough quota available", "Недостаточно квоты")

SERVER_START_TIMEOUT = 90.0
REQUEST_TIMEOUT = 60.0
MAX_ERRORS_PER_ROUND = 20


def log(msg: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}Z] {msg}", flush=True)


# --------------------------------------------------------------------------------------------
# Database, configuration, migrations
# --------------------------------------------------------------------------------------------

def admin_connection():
    conn = psycopg2.connect(host=DB_HOST, port=DB_PORT, user=DB_USER, dbname="postgres", connect_timeout=5)
    conn.autocommit = True
    return conn


def prepare_database(reuse: bool) -> None:
    conn = admin_connection()
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME])
            exists = cur.fetchone() is not None
            if exists and reuse:
                log(f"Reusing database {DB_NAME}")
                return
            if exists:
                log(f"Dropping database {DB_NAME}")
                cur.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(DB_NAME)))
            log(f"Creating database {DB_NAME}")
            cur.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(
                sql.Identifier(DB_NAME)))
    finally:
        conn.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def write_config(port: int, profile_percent: float = 0.0) -> None:
    """The test suite's configuration with this benchmark's database and data directory."""
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.optionxform = str
    cfg.read(TEST_CONFIG, encoding="utf-8")
    cfg.set("pretix", "instance_name", "Prichal (peak sale benchmark)")
    cfg.set("pretix", "url", f"http://127.0.0.1:{port}")
    cfg.set("pretix", "datadir", str(DATA_DIR))
    cfg.set("database", "name", DB_NAME)
    cfg.set("database", "host", DB_HOST)
    cfg.set("database", "port", str(DB_PORT))
    cfg.set("database", "user", DB_USER)
    cfg.set("languages", "path", str(ROOT / "i18n"))  # our translations of pretix's strings, as in production
    if not cfg.has_section("django"):
        cfg.add_section("django")
    cfg.set("django", "debug", "false")
    if profile_percent > 0:
        # pretix's own CProfileMiddleware: one .pstat file per sampled request in <datadir>/profiles
        cfg.set("django", "profile", str(profile_percent))
    if not cfg.has_section("mail"):
        cfg.add_section("mail")
    cfg.set("mail", "host", "127.0.0.1")  # nothing is mailed (send_email is off), but never leave the host
    for d in (DATA_DIR, DATA_DIR / "logs", DATA_DIR / "media", DATA_DIR / "cache", DATA_DIR / "profiles"):
        d.mkdir(parents=True, exist_ok=True)
    with open(CONFIG_PATH, "w", encoding="utf-8") as f:
        f.write("# Written by bench/peak_sale.py on every run; see addons/ticketing_core/testing/pretix-test.cfg\n")
        cfg.write(f)


def server_env() -> dict:
    env = dict(os.environ)
    env["PRETIX_CONFIG_FILE"] = str(CONFIG_PATH)
    env["DJANGO_SETTINGS_MODULE"] = "pretix.settings"
    env.pop("PRETIX_DJANGO_SECRET", None)
    return env


def setup_django() -> None:
    os.environ["PRETIX_CONFIG_FILE"] = str(CONFIG_PATH)
    os.environ["DJANGO_SETTINGS_MODULE"] = "pretix.settings"
    import django

    django.setup()
    from django.conf import settings

    # pretix patches urllib3 in every process that loads it so that requests to private networks are refused;
    # this process only talks to its own gunicorn on 127.0.0.1. The server keeps pretix's default.
    settings.ALLOW_HTTP_TO_PRIVATE_NETWORKS = True


def pending_migrations() -> int:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    connection.close()
    return len(plan)


def migrate(total: int) -> None:
    if total == 0:
        log("Database is fully migrated, skipping migrate")
        return
    log(f"Running `python -m pretix migrate` ({total} migrations, usually 1.5-3 minutes)")
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pretix", "migrate", "--noinput"], cwd=ROOT, env=server_env(),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1,
    )
    done, last_print, tail = 0, 0.0, []
    assert proc.stdout is not None
    for line in proc.stdout:
        tail = (tail + [line.rstrip()])[-30:]
        if line.strip().startswith("Applying "):
            done += 1
            elapsed = time.monotonic() - started
            if done == total or done % 25 == 0 or elapsed - last_print > 15:
                last_print = elapsed
                log(f"  migrate: {done}/{total} applied ({elapsed:.0f}s) {line.strip()[9:60]}")
    rc = proc.wait(timeout=60)
    if rc != 0:
        print("\n".join(tail), file=sys.stderr)
        raise RuntimeError(f"pretix migrate failed with exit status {rc}")
    log(f"Migrations done in {time.monotonic() - started:.0f}s")


# --------------------------------------------------------------------------------------------
# Fixtures (in-process Django)
# --------------------------------------------------------------------------------------------

@dataclass
class Side:
    key: str          # "A" or "B"
    label: str        # "plugins on" / "plugins off"
    organizer: str
    event: str
    event_id: int
    token: str
    items: list[int]
    vessel_id: int | None = None
    pier_id: int | None = None


def _organizer(slug: str, name: str, plugins: str, with_policy: bool):
    from pretix.base.models import Organizer

    from ticketing_core.testing.factories import make_organizer

    return Organizer.objects.filter(slug=slug).first() or make_organizer(slug, name, plugins, with_policy)


def _token(org) -> str:
    from pretix.base.models import Team, TeamAPIToken

    team = org.teams.filter(name="Benchmark").first()
    if team is None:
        team = Team.objects.create(organizer=org, name="Benchmark", all_events=True, all_event_permissions=True,
                                   all_organizer_permissions=True)
    token = team.tokens.filter(active=True).first() or TeamAPIToken.objects.create(team=team, name="peak_sale")
    return token.token


def _event(org, plugins: str, with_policy: bool):
    from pretix.base.models import Event

    from ticketing_core.testing.factories import make_series

    return Event.objects.filter(organizer=org, slug=EVENT_SLUG).first() or make_series(
        org, EVENT_SLUG, with_addon=False, plugins=plugins, with_policy=with_policy)


def create_fixtures(capacity: int) -> tuple[Side, Side]:
    from django.db import connection
    from django_scopes import scopes_disabled

    from ticketing_core.models import Pier, Vessel

    with scopes_disabled():
        org_a = _organizer(ORG_A, "Нева Круиз (с плагинами)", PRICHAL_ORGANIZER_PLUGINS, with_policy=True)
        org_b = _organizer(ORG_B, "Нева Круиз (без плагинов)", "", with_policy=False)
        ev_a = _event(org_a, f"{PRETIX_PLUGINS},{PRICHAL_EVENT_PLUGINS}", with_policy=True)
        ev_b = _event(org_b, PRETIX_PLUGINS, with_policy=False)
        pier = Pier.objects.filter(organizer=org_a).first() or Pier.objects.create(
            organizer=org_a, name={"ru": "Дворцовая пристань", "en": "Palace pier"}, address="Дворцовая наб., 2")
        reg = f"BENCH-{capacity}"
        vessel = Vessel.objects.filter(organizer=org_a, registration_number=reg).first() or Vessel.objects.create(
            organizer=org_a, name=f"Нева-{capacity}", registration_number=reg, vessel_type=Vessel.TYPE_MOTOR_SHIP,
            capacity=capacity)
        sides = (
            Side("A", "plugins on", org_a.slug, ev_a.slug, ev_a.pk, _token(org_a),
                 list(ev_a.items.order_by("pk").values_list("pk", flat=True)), vessel.pk, pier.pk),
            Side("B", "plugins off", org_b.slug, ev_b.slug, ev_b.pk, _token(org_b),
                 list(ev_b.items.order_by("pk").values_list("pk", flat=True))),
        )
    connection.close()
    return sides


def new_date(side: Side, capacity: int) -> int:
    """A fresh date with a fresh quota of ``capacity`` places; returns the subevent id."""
    from django.db import connection
    from django.db.models import Max
    from django.utils.timezone import now
    from django_scopes import scopes_disabled

    from pretix.base.models import Event, Quota, SubEvent

    from ticketing_core.fleet.sailings import save_sailing
    from ticketing_core.models import Pier, Vessel

    with scopes_disabled():
        event = Event.objects.get(pk=side.event_id)
        latest = event.subevents.aggregate(m=Max("date_from"))["m"]
        start = max(latest + DATE_SPACING if latest else now(), now() + timedelta(days=7))
        start = start.replace(second=0, microsecond=0)
        se = SubEvent.objects.create(event=event, name=event.name, date_from=start,
                                     date_to=start + timedelta(minutes=SAILING_MINUTES), active=True)
        if side.vessel_id:
            pier = Pier.objects.get(pk=side.pier_id)
            save_sailing(event, se, vessel=Vessel.objects.get(pk=side.vessel_id), departure_pier=pier,
                         arrival_pier=pier, duration=timedelta(minutes=SAILING_MINUTES))
            quotas = list(se.quotas.all())
            assert len(quotas) == 1 and quotas[0].size == capacity, "the sailing did not create its quota"
            assert sorted(quotas[0].items.values_list("pk", flat=True)) == sorted(side.items)
        else:
            q = Quota.objects.create(event=event, subevent=se, name="Места", size=capacity)
            q.items.set(side.items)
    connection.close()
    return se.pk


def sold_places(side: Side, subevent_id: int) -> int:
    """Admission places in paid and pending orders on the date, counted in the database."""
    from django.db import connection
    from django_scopes import scopes_disabled

    from pretix.base.models import Order, OrderPosition

    with scopes_disabled():
        n = OrderPosition.objects.filter(
            order__event_id=side.event_id, subevent_id=subevent_id, item__admission=True,
            order__status__in=(Order.STATUS_PAID, Order.STATUS_PENDING),
        ).count()
    connection.close()
    return n


# --------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------

def start_server(port: int, workers: int) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "gunicorn", "pretix.wsgi", "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--timeout", "120", "--graceful-timeout", "5",
           "--error-logfile", "-", "--log-level", "warning"]
    log(f"Starting gunicorn: {' '.join(cmd[1:])}")
    with open(OUT / "gunicorn.log", "wb") as log_file:  # the child keeps its own descriptor
        return subprocess.Popen(cmd, cwd=ROOT, env=server_env(), stdout=log_file, stderr=subprocess.STDOUT,
                                start_new_session=True)


def wait_for_server(proc: subprocess.Popen, base: str, token: str) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    started = time.monotonic()
    for _ in range(int(SERVER_START_TIMEOUT / 0.5) + 1):
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {proc.returncode}; see {OUT / 'gunicorn.log'}")
        try:
            r = requests.get(f"{base}/api/v1/organizers/", headers={"Authorization": f"Token {token}"}, timeout=10)
            if r.status_code == 200:
                log(f"gunicorn is answering after {time.monotonic() - started:.1f}s")
                return
        except requests.RequestException:
            pass
        if time.monotonic() > deadline:
            break
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {SERVER_START_TIMEOUT:.0f}s; see {OUT / 'gunicorn.log'}")


def stop_server(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    log("Stopping gunicorn")
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass


# --------------------------------------------------------------------------------------------
# CPU accounting (Linux /proc): the host is shared, so wall-clock figures alone are noisy
# --------------------------------------------------------------------------------------------

CLK_TCK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user+system CPU seconds) of a process, or None if it is gone."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / CLK_TCK


def server_cpu_seconds(master_pid: int) -> float:
    """CPU time used so far by the gunicorn master and its workers (orders are handled there, eager tasks too)."""
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        pid = int(entry)
        st = _proc_stat(pid)
        if st and (pid == master_pid or st[0] == master_pid):
            total += st[1]
    return total


def host_cpu_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    with open("/proc/stat", encoding="ascii") as f:
        values = [int(x) for x in f.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values) - idle, sum(values)


# --------------------------------------------------------------------------------------------
# One round: N buyers against one fresh date
# --------------------------------------------------------------------------------------------

@dataclass
class RoundResult:
    side: str
    buyers: int
    subevent: int
    capacity: int
    wall_s: float = 0.0
    requests: int = 0
    orders: int = 0
    places: int = 0
    refused: int = 0
    errors: int = 0
    sold_in_db: int = 0
    oversold: int = 0
    sold_out: bool = False
    capped: str = ""
    server_cpu_s: float = 0.0   # gunicorn workers' CPU during the round
    host_busy_pct: float = 0.0  # all CPUs of the machine, every process (others' too)
    latencies_ms: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)


def is_sold_out_answer(resp: requests.Response) -> bool:
    return resp.status_code == 400 and any(m in resp.text for m in SOLD_OUT_MARKERS)


def run_round(base: str, side: Side, subevent_id: int, buyers: int, capacity: int, max_requests: int,
              time_cap: float, seed: int, server_pid: int | None = None) -> RoundResult:
    url = f"{base}/api/v1/organizers/{side.organizer}/events/{side.event}/orders/"
    res = RoundResult(side=side.key, buyers=buyers, subevent=subevent_id, capacity=capacity)
    lock = threading.Lock()
    go = threading.Event()
    stop = threading.Event()
    state = {"sent": 0}
    deadline_box = {}

    def buyer(idx: int) -> None:
        rng = random.Random(seed * 1000 + idx)
        session = requests.Session()
        session.headers.update({"Authorization": f"Token {side.token}", "Accept-Language": "en"})
        want_single = False
        go.wait(timeout=30)
        for i in range(max_requests):  # bounded even if the shared counter were broken
            with lock:
                if stop.is_set() or state["sent"] >= max_requests:
                    break
                if time.perf_counter() > deadline_box["t"]:
                    res.capped = res.capped or "time"
                    break
                state["sent"] += 1
            n = 1 if want_single else rng.choice((1, 2))
            payload = {
                "email": f"buyer{idx}-{i}@example.org",
                "locale": "ru",
                "sales_channel": "web",
                "payment_provider": "manual",
                "send_email": False,
                "positions": [{"item": rng.choice(side.items), "subevent": subevent_id} for _ in range(n)],
            }
            t0 = time.perf_counter()
            try:
                resp = session.post(url, json=payload, timeout=REQUEST_TIMEOUT)
                status, body_ok, sold_out = resp.status_code, resp.status_code == 201, is_sold_out_answer(resp)
                text = "" if body_ok or sold_out else resp.text[:300]
            except requests.RequestException as e:
                status, body_ok, sold_out, text = 0, False, False, f"{type(e).__name__}: {e}"[:300]
            dt = (time.perf_counter() - t0) * 1000.0
            with lock:
                if body_ok:
                    res.orders += 1
                    res.places += n
                    res.latencies_ms.append(dt)
                    want_single = False
                elif sold_out:
                    res.refused += 1
                    if n == 1:
                        res.sold_out = True
                        stop.set()  # quotas only shrink during a round: nobody can buy any more
                    else:
                        want_single = True  # maybe one place is left
                else:
                    res.errors += 1
                    if len(res.error_samples) < 5:
                        res.error_samples.append(f"HTTP {status}: {text}")
                    if res.errors >= MAX_ERRORS_PER_ROUND:
                        stop.set()
        session.close()

    threads = [threading.Thread(target=buyer, args=(i,), daemon=True) for i in range(buyers)]
    for t in threads:
        t.start()
    cpu0 = server_cpu_seconds(server_pid) if server_pid else 0.0
    host0 = host_cpu_jiffies()
    start = time.perf_counter()
    deadline_box["t"] = start + time_cap
    go.set()
    for t in threads:
        t.join(timeout=time_cap + REQUEST_TIMEOUT + 10)
    res.wall_s = time.perf_counter() - start
    if server_pid:
        res.server_cpu_s = round(server_cpu_seconds(server_pid) - cpu0, 2)
    host1 = host_cpu_jiffies()
    res.host_busy_pct = round(100.0 * (host1[0] - host0[0]) / max(1, host1[1] - host0[1]), 1)
    res.requests = state["sent"]
    if not res.sold_out and not res.capped and res.requests >= max_requests:
        res.capped = "requests"
    if any(t.is_alive() for t in threads):
        res.capped = "hung"
        stop.set()
    return res


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------

def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile; NaN for no values."""
    if not values:
        return float("nan")
    s = sorted(values)
    return s[max(0, math.ceil(p / 100.0 * len(s)) - 1)]


def summarize(rounds: list[RoundResult]) -> dict:
    lat = [x for r in rounds for x in r.latencies_ms]
    wall = sum(r.wall_s for r in rounds)
    orders = sum(r.orders for r in rounds)
    return {
        "rounds": len(rounds),
        "orders": orders,
        "places": sum(r.places for r in rounds),
        "requests": sum(r.requests for r in rounds),
        "wall_s": round(wall, 3),
        "orders_per_s": round(orders / wall, 2) if wall else 0.0,
        "places_per_s": round(sum(r.places for r in rounds) / wall, 2) if wall else 0.0,
        "p50_ms": round(percentile(lat, 50), 1),
        "p99_ms": round(percentile(lat, 99), 1),
        "refused": sum(r.refused for r in rounds),
        "errors": sum(r.errors for r in rounds),
        "sold_in_db": sum(r.sold_in_db for r in rounds),
        "oversold": sum(r.oversold for r in rounds),
        "server_cpu_s": round(sum(r.server_cpu_s for r in rounds), 2),
        "server_cpu_ms_per_order": round(1000.0 * sum(r.server_cpu_s for r in rounds) / orders, 1) if orders else 0.0,
        "host_busy_pct": round(sum(r.host_busy_pct * r.wall_s for r in rounds) / wall, 1) if wall else 0.0,
        "all_sold_out": all(r.sold_out for r in rounds),
    }


def print_table(summary: dict, buyers: list[int], sides: tuple[Side, Side], capacity: int) -> None:
    head = (f"{'plugins':<12}{'buyers':>7}{'rounds':>7}{'orders':>8}{'places':>8}{'wall s':>8}{'orders/s':>10}"
            f"{'p50 ms':>9}{'p99 ms':>9}{'refused':>9}{'errors':>8}{'oversold':>10}{'CPU ms/order':>14}"
            f"{'host busy':>11}")
    print()
    print(f"Capacity per date: {capacity} places")
    print(head)
    print("-" * len(head))
    for n in buyers:
        for side in sides:
            s = summary[f"{side.key}/{n}"]
            print(f"{side.label:<12}{n:>7}{s['rounds']:>7}{s['orders']:>8}{s['places']:>8}{s['wall_s']:>8.1f}"
                  f"{s['orders_per_s']:>10.2f}{s['p50_ms']:>9.0f}{s['p99_ms']:>9.0f}{s['refused']:>9}"
                  f"{s['errors']:>8}{s['oversold']:>10}{s['server_cpu_ms_per_order']:>14.0f}"
                  f"{s['host_busy_pct']:>10.0f}%")
    print()


# --------------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------------

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--buyers", default="8,32", help="comma-separated numbers of concurrent buyers (default 8,32)")
    p.add_argument("--capacity", type=int, default=120, help="places per date (vessel capacity C, default 120)")
    p.add_argument("--reuse-db", action="store_true", help="keep the database of an earlier run (skip migrate)")
    p.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    p.add_argument("--repeats", type=int, default=4,
                   help="rounds per event and buyer count, alternating AB, BA, AB, ... (default 4)")
    p.add_argument("--max-requests", type=int, default=400, help="request cap per round (default 400)")
    p.add_argument("--round-timeout", type=float, default=120.0, help="time cap per round in seconds (default 120)")
    p.add_argument("--profile", type=float, default=0.0, metavar="PERCENT",
                   help="let pretix cProfile this percentage of requests into bench/out/data/profiles "
                        "(skews the figures; default 0)")
    p.add_argument("--target", type=float, default=0.90, help="required throughput ratio (default 0.90)")
    args = p.parse_args(argv)
    try:
        args.buyers = [int(x) for x in args.buyers.split(",") if x.strip()]
    except ValueError:
        p.error("--buyers must be a comma-separated list of integers")
    if not args.buyers or min(args.buyers) < 1 or max(args.buyers) > 256:
        p.error("--buyers must be between 1 and 256")
    if not 1 <= args.capacity <= 10000:
        p.error("--capacity must be between 1 and 10000")
    if not 1 <= args.workers <= 16:
        p.error("--workers must be between 1 and 16")
    if not 1 <= args.repeats <= 20:
        p.error("--repeats must be between 1 and 20")
    if not 1 <= args.max_requests <= 100000:
        p.error("--max-requests must be between 1 and 100000")
    if not 0 <= args.profile <= 100:
        p.error("--profile must be between 0 and 100")
    if not 1 <= args.round_timeout <= 3600:
        p.error("--round-timeout must be between 1 and 3600")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    # a plain `kill` of this script must still reach the `finally` that stops gunicorn
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    t_start = time.monotonic()
    OUT.mkdir(parents=True, exist_ok=True)
    command = " ".join([_display_path(Path(sys.executable)), "bench/peak_sale.py",
                        *(argv if argv is not None else sys.argv[1:])])

    prepare_database(args.reuse_db)
    port = free_port()
    write_config(port, args.profile)
    if args.profile > 0:
        for stale in (DATA_DIR / "profiles").glob("*.pstat"):
            stale.unlink()
    setup_django()
    migrate(pending_migrations())
    log("Creating fixtures")
    sides = create_fixtures(args.capacity)
    base = f"http://127.0.0.1:{port}"

    proc = None
    rounds: list[RoundResult] = []
    try:
        proc = start_server(port, args.workers)
        wait_for_server(proc, base, sides[0].token)

        log("Warm-up (not measured): a few orders per event on throw-away dates")
        for side in sides:
            warm = new_date(side, args.capacity)
            w = run_round(base, side, warm, buyers=args.workers * 2, capacity=args.capacity,
                          max_requests=args.workers * 12, time_cap=60, seed=7)
            if w.orders == 0:
                raise RuntimeError(f"warm-up for event {side.key} created no order: {w.error_samples}")
            log(f"  event {side.key}: {w.orders} orders, {w.errors} errors {w.error_samples[:1]}")

        for n in args.buyers:
            for rep in range(args.repeats):
                for side in (sides if rep % 2 == 0 else sides[::-1]):
                    seed = n * 100 + rep  # both events see the same sequence of 1- and 2-ticket orders
                    se = new_date(side, args.capacity)
                    r = run_round(base, side, se, buyers=n, capacity=args.capacity,
                                  max_requests=args.max_requests, time_cap=args.round_timeout, seed=seed,
                                  server_pid=proc.pid)
                    r.sold_in_db = sold_places(side, se)
                    r.oversold = max(0, r.sold_in_db - args.capacity)
                    rounds.append(r)
                    rate = r.orders / r.wall_s if r.wall_s else 0.0
                    log(f"  {side.label:<11} N={n:<3} round {rep + 1}: {r.orders} orders / {r.wall_s:.2f}s = "
                        f"{rate:.1f}/s, sold {r.sold_in_db}/{args.capacity}, refused {r.refused}, "
                        f"errors {r.errors}, oversold {r.oversold}, "
                        f"server CPU {1000 * r.server_cpu_s / max(1, r.orders):.0f} ms/order, "
                        f"host busy {r.host_busy_pct:.0f}%"
                        + (f", capped by {r.capped}" if r.capped else "")
                        + (f" {r.error_samples[:1]}" if r.error_samples else ""))
                    if r.places != r.sold_in_db:
                        log(f"  note: buyers counted {r.places} places, the database {r.sold_in_db}")
    finally:
        stop_server(proc)

    summary = {}
    for n in args.buyers:
        for side in sides:
            summary[f"{side.key}/{n}"] = summarize([r for r in rounds if r.side == side.key and r.buyers == n])
    ratios, place_ratios, cpu_ratios, paired = {}, {}, {}, {}
    for n in args.buyers:
        # rounds of one repetition ran back to back: their ratio is less exposed to slow drift of the host's load
        per_rep = []
        a_rounds = [r for r in rounds if r.side == "A" and r.buyers == n]
        b_rounds = [r for r in rounds if r.side == "B" and r.buyers == n]
        for ra, rb in zip(a_rounds, b_rounds, strict=False):
            if ra.wall_s and rb.wall_s and rb.orders:
                per_rep.append((ra.orders / ra.wall_s) / (rb.orders / rb.wall_s))
        paired[str(n)] = round(statistics.median(per_rep), 3) if per_rep else None
        a, b = summary[f"A/{n}"]["server_cpu_ms_per_order"], summary[f"B/{n}"]["server_cpu_ms_per_order"]
        cpu_ratios[str(n)] = round(b / a, 3) if a else None
        a, b = summary[f"A/{n}"]["orders_per_s"], summary[f"B/{n}"]["orders_per_s"]
        ratios[str(n)] = round(a / b, 3) if b else None
        a, b = summary[f"A/{n}"]["places_per_s"], summary[f"B/{n}"]["places_per_s"]
        place_ratios[str(n)] = round(a / b, 3) if b else None
    total_oversold = sum(r.oversold for r in rounds)
    runtime = time.monotonic() - t_start

    print_table(summary, args.buyers, sides, args.capacity)
    for n in args.buyers:
        ratio = ratios[str(n)]
        verdict = "n/a" if ratio is None else ("meets" if ratio >= args.target else "BELOW")
        print(f"throughput(plugins)/throughput(no plugins) at N={n}: {ratio} orders/s ({verdict} target "
              f"{args.target:.2f}); places/s ratio {place_ratios[str(n)]}; server CPU per order ratio "
              f"(no plugins/plugins) {cpu_ratios[str(n)]}; median of paired rounds {paired[str(n)]}")
    print(f"oversold places in total: {total_oversold}")
    print(f"script runtime: {runtime:.0f}s")

    results = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "pretix": _pretix_version(),
        "args": {k: v for k, v in vars(args).items()},
        "sides": {s.key: {"label": s.label, "organizer": s.organizer, "event": s.event} for s in sides},
        "summary": summary,
        "ratio_orders_per_s": ratios,
        "ratio_places_per_s": place_ratios,
        "ratio_orders_per_s_median_of_pairs": paired,
        "ratio_server_cpu_per_order_b_over_a": cpu_ratios,
        "target_ratio": args.target,
        "oversold_total": total_oversold,
        "runtime_s": round(runtime, 1),
        "rounds": [{k: v for k, v in asdict(r).items() if k != "latencies_ms"} | {
            "p50_ms": round(percentile(r.latencies_ms, 50), 1), "p99_ms": round(percentile(r.latencies_ms, 99), 1),
        } for r in rounds],
    }
    RESULTS_PATH.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"results written to {RESULTS_PATH.relative_to(ROOT)}")
    if total_oversold:
        print(f"FAIL: {total_oversold} places sold beyond capacity", file=sys.stderr)
        return 1
    broken = [r for r in rounds if r.errors or not r.sold_out]
    if broken:
        print(f"FAIL: {len(broken)} round(s) had unexpected errors or did not sell out; see {RESULTS_PATH}",
              file=sys.stderr)
        return 2
    return 0


def _display_path(p: Path) -> str:
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


def _pretix_version() -> str:
    try:
        import pretix

        return pretix.__version__
    except Exception:  # pragma: no cover - informational only
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
