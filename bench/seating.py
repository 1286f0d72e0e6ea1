"""
Seat picker speed: the availability JSON and the date page with the seat picker, 16 concurrent users.

The script prepares its own PostgreSQL database (``prichal_bench_seating`` on 127.0.0.1:5432), migrates it
and creates an operator with a motor ship whose seat map has 400 seats on two decks (2 × 10 rows × 20 seats,
window, standard and VIP categories), an event series with one sailing of that ship, a quarter of the seats
sold and a few held in carts. It then starts gunicorn on a free local port (``debug=false``) and lets N user
threads (default 16) use the picker for a fixed time: each loads the date's page (the picker with its 400
seats, prices and labels, rendered into pretix's page), then asks ``seating/availability.json`` (every seat's
state) five times a second apart, and starts again (``--polls``, ``--interval``; ``--interval 0`` is a closed
loop without pauses, the worst case). Each user keeps its cookies like a browser.

"Server time" is gunicorn's own measure of each request (``%(D)s`` in its access log); the client-side
latency, which includes the wait for a free worker, is reported next to it. Targets (p50, client side, so the
wait is included): availability below 50 ms, page below 1 s.

Usage (from the repository root)::

    .venv/bin/python bench/seating.py [--users 16] [--seconds 40] [--workers 4] [--polls 5] [--interval 1]
                                      [--reuse-db]

Only 127.0.0.1 is contacted; every loop is bounded by time. Exit status 0 when both targets are met, 1 when
one is not, 2 on an error.
"""
import argparse
import atexit
import json
import platform
import sys
import threading
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peak_sale as base  # noqa: E402 - the database, configuration and server helpers are shared
import storefront as sf  # noqa: E402 - gunicorn with an access log, percentiles

base.DB_NAME = "prichal_bench_seating"
base.OUT = base.ROOT / "bench" / "out" / "seating"
base.DATA_DIR = base.OUT / "data"
base.CONFIG_PATH = base.OUT / "pretix-bench.cfg"
sf.ACCESS_LOG = base.OUT / "access.log"
RESULTS_PATH = base.OUT / "results.json"
TARGETS_MS = {"availability": 50.0, "page": 1000.0}
ORG = "seatbench"


def spec() -> dict:
    deck = {"sections": [
        {"rows": 2, "seats": 20, "aisles_after": [10], "category": "VIP"},
        {"rows": 8, "seats": 20, "aisles_after": [5, 15], "category": "Standard"},
    ]}
    return {"name": "400 seats", "categories": [{"name": "Window", "color": "#3b82c4"},
                                                {"name": "Standard", "color": "#2e9e6a"},
                                                {"name": "VIP", "color": "#c9712d"}],
            "decks": [dict(deck, name="Главная палуба"), dict(deck, name="Верхняя палуба")]}


def prepare_data() -> dict:
    """The operator, ship, map, series and sailing (created once; a reused database keeps them)."""
    from decimal import Decimal

    from django.db import connection
    from django.utils.timezone import now
    from django_scopes import scopes_disabled

    from pretix.base.models import CartPosition, Item, OrderPosition, Organizer

    from ticketing_core.models import Vessel
    from ticketing_core.testing import factories
    from ticketing_seating.models import EventSeatCategory
    from ticketing_seating.services import assign, generator

    with scopes_disabled():
        org = Organizer.objects.filter(slug=ORG).first()
        if org is None:
            org = factories.make_organizer(slug=ORG, name="Seat bench")
            vessel = factories.make_vessel(org, "Бенч-400", capacity=450, reg="BENCH-400",
                                           seating_mode=Vessel.SEATING_ASSIGNED)
            layout = generator.generate(spec())
            for zone in layout["zones"]:
                for row in zone["rows"]:
                    if row["row_number"] not in ("1", "2"):
                        for seat in row["seats"]:
                            if seat["seat_number"] in ("1", "20"):
                                seat["category"] = "Window"
            assign.save_seat_map(vessel, layout, {}, {"zones": {"Главная палуба": {"en": "Main deck"},
                                                                "Верхняя палуба": {"en": "Upper deck"}}})
            event = factories.make_series(org, slug="seated", with_addon=True)
            adult = event.items.get(default_price=Decimal("1500.00"))
            window = Item.objects.create(event=event, name={"ru": "У окна", "en": "Window"},
                                         default_price=Decimal("1800.00"), admission=True)
            vip = Item.objects.create(event=event, name={"ru": "VIP", "en": "VIP"},
                                      default_price=Decimal("3500.00"), admission=True)
            for category, item in (("Standard", adult), ("Window", window), ("VIP", vip)):
                EventSeatCategory.objects.create(event=event, category=category, item=item)
            pier = factories.make_pier(org)
            sailing = factories.make_sailing(event, vessel, pier, now() + timedelta(days=30))
            se = sailing.subevent
            seats = list(se.seats.order_by("sorting_rank"))
            # a quarter sold (in 25 orders of 4), eight held in carts
            for i in range(0, 100, 4):
                order = factories.make_order(event, se, [s.product for s in seats[i:i + 4]])
                for p, s in zip(order.positions.order_by("positionid"), seats[i:i + 4], strict=True):
                    p.seat = s
                    p.save(update_fields=["seat"])
            for s in seats[200:208]:
                CartPosition.objects.create(event=event, subevent=se, item=s.product, seat=s, price=s.product.
                                            default_price, cart_id="bench-cart", expires=now() + timedelta(days=7))
        event = org.events.get(slug="seated")
        se = event.subevents.first()
        result = {"event": event.slug, "subevent": se.pk, "seats": se.seats.count(),
                  "sold": OrderPosition.objects.filter(subevent=se, seat__isnull=False).count()}
    connection.close()
    return result


def collect_static() -> None:
    """
    With ``debug=false`` pretix serves static files through Django's manifest (``pretix rebuild`` in
    deploy/Dockerfile builds it); a development checkout may not have our addon's files in it yet.
    ``collectstatic`` adds them (it writes pretix's build output, as ``pretix rebuild`` does).
    """
    import subprocess

    manifest = Path(base.ROOT / ".venv/lib/python3.11/site-packages/pretix/static.dist/staticfiles.json")
    if manifest.exists() and "ticketing_seating/picker.js" in manifest.read_text(encoding="utf-8"):
        return
    base.log("Collecting static files (the seat picker's script and styles are not in the manifest yet)")
    subprocess.run([sys.executable, "-m", "pretix", "collectstatic", "--noinput", "-v", "0"], check=True,
                   cwd=base.ROOT, env=base.server_env())


def pages(data: dict) -> dict[str, str]:
    return {
        "page": f"/{ORG}/{data['event']}/{data['subevent']}/",
        "availability": f"/{ORG}/{data['event']}/seating/availability.json?subevent={data['subevent']}",
    }


def user(base_url: str, urls: dict, stop: threading.Event, latencies: dict, errors: list, offset: int,
         polls: int, interval: float) -> None:
    """
    One customer with the picker open: loads the date's page, then asks for the availability ``polls`` times,
    ``interval`` seconds apart (the picker itself asks every 15 s; 1 s is a harsh stand-in for clicks and
    several tabs), then loads the page again. ``interval`` 0 is a closed loop without any pause.
    """
    session = requests.Session()
    sequence = [n for n in ["page"] + ["availability"] * polls if n in urls]
    i = offset % len(sequence)
    while not stop.is_set():
        name = sequence[i % len(sequence)]
        i += 1
        started = time.perf_counter()
        try:
            r = session.get(base_url + urls[name], timeout=60)
            if r.status_code != 200 or (name == "page" and 'id="ts-picker"' not in r.text):
                errors.append(f"{name}: HTTP {r.status_code}")
                continue
        except requests.RequestException as e:
            errors.append(f"{name}: {e}")
            continue
        latencies[name].append((time.perf_counter() - started) * 1000)
        if interval:
            stop.wait(interval)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (production: 4)")
    parser.add_argument("--polls", type=int, default=5, help="availability requests per page view")
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between a user's requests (0: none)")
    parser.add_argument("--only", choices=("page", "availability"), help="send only this request (cost per kind)")
    parser.add_argument("--reuse-db", action="store_true")
    parser.add_argument("--no-redis", action="store_true", help="pretix without a cache and with sessions in the DB")
    args = parser.parse_args()

    base.OUT.mkdir(parents=True, exist_ok=True)
    port = base.free_port()
    base.prepare_database(args.reuse_db)
    base.write_config(port)
    if not args.no_redis:  # as in production (docker-compose.yml): pretix's cache and sessions in Redis
        redis_port = base.free_port()
        sf.add_redis_to_config(redis_port)
        redis = sf.start_redis(redis_port)
        atexit.register(redis.terminate)  # also when a later step fails
    base.setup_django()
    base.migrate(base.pending_migrations())
    base.log("Preparing the 400-seat ship and its sailing")
    data = prepare_data()
    base.log(f"Sailing {data['subevent']}: {data['seats']} seats, {data['sold']} sold")
    urls = pages(data)
    if args.only:
        urls = {args.only: urls[args.only]}
    collect_static()

    sf.ACCESS_LOG.write_text("")
    server = sf.start_server(port, args.workers)
    base_url = f"http://127.0.0.1:{port}"
    try:
        sf.wait_for_server(server, base_url + next(iter(urls.values())))
        latencies = defaultdict(list)
        errors: list[str] = []
        for phase, seconds in (("warm-up", args.warmup), ("measure", args.seconds)):
            if phase == "measure":
                with open(sf.ACCESS_LOG, encoding="utf-8") as f:
                    since = sum(1 for _ in f)
                latencies.clear()
                errors.clear()
                cpu_before = base.server_cpu_seconds(server.pid)
            base.log(f"{phase}: {args.users} users for {seconds:.0f}s")
            stop = threading.Event()
            threads = [threading.Thread(target=user, args=(base_url, urls, stop, latencies, errors, i,
                                                                      args.polls, args.interval), daemon=True)
                       for i in range(args.users)]
            for t in threads:
                t.start()
            time.sleep(seconds)
            stop.set()
            for t in threads:
                t.join(timeout=90)
        cpu = base.server_cpu_seconds(server.pid) - cpu_before
        time.sleep(1.0)  # let gunicorn flush its access log
        served = sf.server_times(urls, since)
    finally:
        base.stop_server(server)

    rows, ok = [], True
    for name in urls:
        st, cl = served.get(name, []), latencies.get(name, [])
        row = {"request": name, "url": urls[name], "requests": len(cl),
               "client_p50_ms": round(sf.percentile(cl, 50), 1), "client_p90_ms": round(sf.percentile(cl, 90), 1),
               "client_p99_ms": round(sf.percentile(cl, 99), 1), "server_p50_ms": round(sf.percentile(st, 50), 1),
               "server_p90_ms": round(sf.percentile(st, 90), 1), "target_p50_ms": TARGETS_MS[name]}
        row["meets_target"] = bool(cl) and row["client_p50_ms"] < TARGETS_MS[name]
        ok = ok and row["meets_target"]
        rows.append(row)
    total = sum(r["requests"] for r in rows)
    summary = {"users": args.users, "seconds": args.seconds, "workers": args.workers, "polls": args.polls,
               "interval": args.interval, "only": args.only, "redis": not args.no_redis, "seats": data["seats"],
               "sold": data["sold"], "requests": total, "throughput_rps": round(total / args.seconds, 1),
               "errors": errors[:20], "error_count": len(errors),
               "server_cpu_ms_per_request": round(cpu * 1000 / total, 1) if total else None,
               "python": platform.python_version(), "requests_by_kind": rows}
    RESULTS_PATH.write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    print()
    print("| request | requests | client p50 ms | client p90 ms | client p99 ms | server p50 ms | server p90 ms "
          "| target p50 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['request']} | {r['requests']} | **{r['client_p50_ms']}** | {r['client_p90_ms']} | "
              f"{r['client_p99_ms']} | {r['server_p50_ms']} | {r['server_p90_ms']} | < {r['target_p50_ms']:.0f} |")
    print(f"\n{total} requests in {args.seconds:.0f}s ({summary['throughput_rps']}/s), {len(errors)} errors, "
          f"server CPU {summary['server_cpu_ms_per_request']} ms/request; raw figures in {RESULTS_PATH}")
    if errors:
        print("first errors:", *errors[:5], sep="\n  ")
        return 2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
