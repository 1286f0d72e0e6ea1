"""
Storefront speed: server time of the catalogue and event pages under 16 concurrent visitors.

The script prepares its own PostgreSQL database (``prichal_bench_storefront`` on 127.0.0.1:5432), migrates it,
loads the demo operator (``ticketing_core.demo.load_demo``: four events, about a hundred sailing dates, the
yacht charter), starts gunicorn on a free local port with ``debug=false`` and lets N visitor threads (default
16) walk the shop's pages for a fixed time: the catalogue (plain, filtered, calendar), a series page and a
date page. Each visitor keeps its cookies like a browser does.

"Server time" is gunicorn's own measure of each request (``%(D)s`` in its access log: from reading the
request to the last byte of the response), so it excludes the time a request waits for a free worker; the
client-side latency, which includes that wait, is reported next to it. The target is a server-time p50 below
100 ms for each page.

Usage (from the repository root)::

    .venv/bin/python bench/storefront.py [--visitors 16] [--seconds 40] [--workers 2] [--reuse-db]

Only 127.0.0.1 is contacted; every loop is bounded by time. Exit status 0 when every page meets the target,
1 when one does not, 2 on an error.
"""
import argparse
import atexit
import json
import platform
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peak_sale as base  # noqa: E402 - the database, configuration and server helpers are shared

base.DB_NAME = "prichal_bench_storefront"
base.OUT = base.ROOT / "bench" / "out" / "storefront"
base.DATA_DIR = base.OUT / "data"
base.CONFIG_PATH = base.OUT / "pretix-bench.cfg"
RESULTS_PATH = base.OUT / "results.json"
ACCESS_LOG = base.OUT / "access.log"
TARGET_P50_MS = 100.0
ORG = "neva"


def start_redis(port: int) -> subprocess.Popen:
    """A throw-away Redis as in production (docker-compose.yml): pretix's cache and sessions, nothing on disk."""
    cmd = ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
    base.log(f"Starting {' '.join(cmd)}")
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def add_redis_to_config(port: int) -> None:
    import configparser

    cfg = configparser.ConfigParser(interpolation=None)
    cfg.optionxform = str
    cfg.read(base.CONFIG_PATH, encoding="utf-8")
    if not cfg.has_section("redis"):
        cfg.add_section("redis")
    cfg.set("redis", "location", f"redis://127.0.0.1:{port}/0")
    cfg.set("redis", "sessions", "true")
    with open(base.CONFIG_PATH, "w", encoding="utf-8") as f:
        cfg.write(f)


def load_demo_data() -> dict:
    """The demo operator, and the URLs of one series and one of its dates."""
    from django.db import connection
    from django_scopes import scopes_disabled

    from ticketing_core.demo import load_demo

    result = load_demo()
    with scopes_disabled():
        from pretix.base.models import Event

        event = Event.objects.get(organizer__slug=ORG, slug="evening-canals")
        subevent = event.subevents.filter(active=True).order_by("date_from").first()
        dates = sum(e.subevents.count() for e in Event.objects.filter(organizer__slug=ORG))
    connection.close()
    return {"created": result["created"], "event": event.slug, "subevent": subevent.pk, "dates": dates}


def pages(demo: dict) -> dict[str, str]:
    return {
        "catalogue": f"/{ORG}/",
        # "прогул" (as in «прогулка»), percent-encoded as a browser sends it
        "catalogue filtered": f"/{ORG}/?kind=excursion&time=evening&available=on"
                              "&q=%D0%BF%D1%80%D0%BE%D0%B3%D1%83%D0%BB",
        "catalogue calendar": f"/{ORG}/?view=calendar",
        "event (series)": f"/{ORG}/{demo['event']}/",
        "event (date)": f"/{ORG}/{demo['event']}/{demo['subevent']}/",
    }


def start_server(port: int, workers: int, cpu_log: Path | None = None) -> subprocess.Popen:
    """gunicorn as in production; with ``cpu_log``, each request's worker CPU is appended there
    (``bench/gunicorn_cpu.py``)."""
    cmd = [sys.executable, "-m", "gunicorn", "pretix.wsgi", "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--timeout", "120", "--graceful-timeout", "5",
           "--access-logfile", str(ACCESS_LOG), "--access-logformat", "%(U)s?%(q)s %(s)s %(D)s",
           "--error-logfile", "-", "--log-level", "warning"]
    env = base.server_env()
    if cpu_log is not None:
        cmd += ["--config", str(Path(__file__).resolve().parent / "gunicorn_cpu.py")]
        env = {**env, "PRICHAL_BENCH_CPU_LOG": str(cpu_log)}
    base.log(f"Starting gunicorn: {' '.join(cmd[1:])}")
    with open(base.OUT / "gunicorn.log", "wb") as log_file:
        return subprocess.Popen(cmd, cwd=base.ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT,
                                start_new_session=True)


def wait_for_server(proc: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + base.SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {proc.returncode}; see {base.OUT / 'gunicorn.log'}")
        try:
            if requests.get(url, timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer in time")


def put_a_ticket_in_the_cart(session: requests.Session, base_url: str, urls: dict) -> None:
    """A buyer midway: one ticket of the date in the cart, so every event page is computed for this visitor."""
    date_url = base_url + urls["event (date)"]
    html = session.get(date_url, timeout=60).text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    item = re.search(r'name="(item_\d+|variation_\d+_\d+)"', html)
    if not token or not item:
        raise RuntimeError("the date page offers no ticket to put in a cart")
    subevent = urls["event (date)"].rstrip("/").rsplit("/", 1)[-1]
    event_url = date_url.rstrip("/").rsplit("/", 1)[0]
    r = session.post(f"{event_url}/cart/add", data={item.group(1): "1", "subevent": subevent,
                                                   "csrfmiddlewaretoken": token.group(1)},
                     headers={"Referer": date_url}, timeout=60)
    if r.status_code != 200 or "cart" not in session.get(date_url, timeout=60).text.lower():
        raise RuntimeError(f"adding a ticket to the cart failed: HTTP {r.status_code}")


def visitor(base_url: str, urls: dict, stop: threading.Event, latencies: dict, errors: list, offset: int,
            with_cart: bool = False) -> None:
    session = requests.Session()
    if with_cart:
        try:
            put_a_ticket_in_the_cart(session, base_url, urls)
        except (requests.RequestException, RuntimeError) as e:
            errors.append(f"cart: {e}")
            return
    names = list(urls)
    i = offset
    while not stop.is_set():
        name = names[i % len(names)]
        i += 1
        started = time.perf_counter()
        try:
            r = session.get(base_url + urls[name], timeout=60)
            if r.status_code != 200:
                errors.append(f"{name}: HTTP {r.status_code}")
                continue
        except requests.RequestException as e:
            errors.append(f"{name}: {e}")
            continue
        latencies[name].append((time.perf_counter() - started) * 1000)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def server_times(urls: dict, since_line: int) -> dict[str, list[float]]:
    """gunicorn's %(D)s (microseconds) per page, from the access log lines written during the run."""
    by_path = {path.split("?")[0] + "?" + (path.split("?")[1] if "?" in path else ""): name
               for name, path in urls.items()}
    result = defaultdict(list)
    with open(ACCESS_LOG, encoding="utf-8", errors="replace") as f:
        for n, line in enumerate(f):
            if n < since_line:
                continue
            parts = line.split()
            if len(parts) != 3 or parts[1] != "200":
                continue
            name = by_path.get(parts[0])
            if name:
                result[name].append(int(parts[2]) / 1000)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--reuse-db", action="store_true")
    parser.add_argument("--no-redis", action="store_true", help="pretix without a cache (every page computed fresh)")
    parser.add_argument("--with-cart", action="store_true",
                        help="every visitor first puts a ticket in its cart, so no page is shared with others")
    args = parser.parse_args()

    base.OUT.mkdir(parents=True, exist_ok=True)
    port = base.free_port()
    base.prepare_database(args.reuse_db)
    base.write_config(port)
    redis_port = base.free_port()
    redis = None
    if not args.no_redis:
        add_redis_to_config(redis_port)
        redis = start_redis(redis_port)
        atexit.register(redis.terminate)  # also when a later step fails
    base.setup_django()
    base.migrate(base.pending_migrations())
    base.log("Loading the demo operator")
    demo = load_demo_data()
    base.log(f"Demo: {demo['dates']} dates; created now: {demo['created'] or 'nothing (already there)'}")
    urls = pages(demo)

    ACCESS_LOG.write_text("")
    server = start_server(port, args.workers)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(server, base_url + urls["catalogue"])
        latencies = defaultdict(list)
        errors: list[str] = []
        for phase, seconds in (("warm-up", args.warmup), ("measure", args.seconds)):
            if phase == "measure":
                with open(ACCESS_LOG, encoding="utf-8") as f:
                    since = sum(1 for _ in f)
                latencies.clear()
                errors.clear()
                cpu_before = base.server_cpu_seconds(server.pid)
            base.log(f"{phase}: {args.visitors} visitors for {seconds:.0f}s")
            stop = threading.Event()
            threads = [threading.Thread(target=visitor, daemon=True,
                                        args=(base_url, urls, stop, latencies, errors, i, args.with_cart))
                       for i in range(args.visitors)]
            for t in threads:
                t.start()
            time.sleep(seconds)
            stop.set()
            for t in threads:
                t.join(timeout=90)
        cpu = base.server_cpu_seconds(server.pid) - cpu_before
        time.sleep(1.0)  # let gunicorn flush its access log
        served = server_times(urls, since)
    finally:
        base.stop_server(server)
        if redis is not None:
            redis.terminate()
            redis.wait(timeout=10)

    rows, ok = [], True
    for name in urls:
        st, cl = served.get(name, []), latencies.get(name, [])
        row = {"page": name, "url": urls[name], "requests": len(st),
               "server_p50_ms": round(percentile(st, 50), 1), "server_p90_ms": round(percentile(st, 90), 1),
               "server_p99_ms": round(percentile(st, 99), 1), "client_p50_ms": round(percentile(cl, 50), 1),
               "client_p90_ms": round(percentile(cl, 90), 1)}
        row["meets_target"] = bool(st) and row["server_p50_ms"] < TARGET_P50_MS
        ok = ok and row["meets_target"]
        rows.append(row)
    total = sum(r["requests"] for r in rows)
    summary = {
        "visitors": args.visitors, "seconds": args.seconds, "workers": args.workers, "dates": demo["dates"],
        "redis": not args.no_redis, "with_cart": args.with_cart,
        "requests": total, "throughput_rps": round(total / args.seconds, 1), "errors": errors[:20],
        "error_count": len(errors), "server_cpu_ms_per_request": round(cpu * 1000 / total, 1) if total else None,
        "all_requests_server_p50_ms": round(statistics.median([v for r in served.values() for v in r]), 1)
        if total else None, "python": platform.python_version(), "pages": rows,
    }
    RESULTS_PATH.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    print()
    print("| page | requests | server p50 ms | server p90 ms | server p99 ms | client p50 ms | client p90 ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['page']} | {r['requests']} | **{r['server_p50_ms']}** | {r['server_p90_ms']} | "
              f"{r['server_p99_ms']} | {r['client_p50_ms']} | {r['client_p90_ms']} |")
    print(f"\n{total} requests in {args.seconds:.0f}s ({summary['throughput_rps']}/s), {len(errors)} errors, "
          f"server CPU {summary['server_cpu_ms_per_request']} ms/request; raw figures in {RESULTS_PATH}")
    if errors:
        print("first errors:", *errors[:5], sep="\n  ")
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
