"""
The KPI dashboard on a season of 2 000 sailings and about 10 000 orders: how long the page takes (p50/p90), with
the Django test client in one process (no HTTP server: the figure is the view, its SQL and its template), and
what one ``record_step`` of the funnel costs on the shop's hot path (database UPSERT and Redis).

The script builds a throwaway PostgreSQL database (``prichal_bench_kpi`` on 127.0.0.1:5432, dropped and
re-created; tables from the models like the test suite), writes the season with ``ticketing_core.kpi.season``
(``bulk_create``: sailings, orders, places, payments, refunds, check-ins, funnel days) and times the dashboard.

Usage (from the repository root)::

    .venv/bin/python bench/kpi.py [--sailings 2000] [--requests 30] [--keep]

Only 127.0.0.1 is contacted (PostgreSQL; Redis DB 11 with a key prefix of its own, if it runs).
"""
import argparse
import math
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "prichal_bench_kpi"
MSK = ZoneInfo("Europe/Moscow")


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticketing_core.testing.settings")
    sys.path.insert(0, str(ROOT / "addons"))
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = DB_NAME
    settings.DEBUG = False
    django.setup()


def database(create: bool) -> None:
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(DB_NAME)))
        if create:
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    conn.close()


def build(n_sailings: int, rng: random.Random) -> dict:
    from django.utils.timezone import now
    from django_scopes import scopes_disabled

    from ticketing_core.kpi.season import Plan, generate
    from ticketing_core.testing import factories

    with scopes_disabled():
        organizer = factories.make_organizer(slug="bench")
        admin = factories.make_admin(organizer)
        piers = [factories.make_pier(organizer, name) for name in ("Дворцовая", "Адмиралтейская", "Летний сад")]
        boats = [factories.make_vessel(organizer, f"Нева-{i}", capacity=60) for i in range(4)]
        events = [factories.make_series(organizer, slug=f"route{i}") for i in range(4)]
        per_event = math.ceil(n_sailings / len(events))
        days = math.ceil(per_event / 3)
        first = (now() - timedelta(days=days + 1)).astimezone(MSK).date()
        plans = []
        for i, event in enumerate(events):
            departures = [datetime.combine(first + timedelta(days=d), datetime.min.time(), tzinfo=MSK)
                          + timedelta(hours=hour) for d in range(days) for hour in (10, 13, 16)][:per_event]
            plans.append(Plan(event=event, vessel=boats[i], pier=piers[i % len(piers)], departures=departures))
        # about 11 places (5 orders) per 60-seat sailing: 10 000 orders on 2 000 sailings
        counts = generate(plans, rng, load=(0.1, 0.27))
    return {"organizer": organizer, "admin": admin, "events": events, "first": first,
            "last": first + timedelta(days=days), "counts": counts}


def existing_world() -> dict:
    from django.db.models import Max, Min
    from django_scopes import scopes_disabled

    from pretix.base.models import Order, Organizer, SubEvent

    with scopes_disabled():
        organizer = Organizer.objects.get(slug="bench")
        span = SubEvent.objects.filter(event__organizer=organizer).aggregate(a=Min("date_from"), b=Max("date_from"))
        return {"organizer": organizer, "admin": organizer.teams.get(name="Admins").members.get(),
                "events": list(organizer.events.order_by("slug")), "first": span["a"].astimezone(MSK).date(),
                "last": span["b"].astimezone(MSK).date(),
                "counts": {"orders": Order.objects.filter(event__organizer=organizer).count()}}


def timed(fn, n: int) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def time_pages(world: dict, n: int) -> dict:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(world["admin"])
    session = client.session
    session["pretix_auth_login_time"] = int(time.time())
    session.save()
    url = reverse("plugins:ticketing_core:kpi.dashboard", kwargs={"organizer": world["organizer"].slug})
    export = reverse("plugins:ticketing_core:kpi.export", kwargs={"organizer": world["organizer"].slug})
    season = {"start": world["first"].isoformat(), "end": world["last"].isoformat()}
    from pretix.base.models import Order

    from ticketing_core.kpi.summary import mark_orders_changed

    some_orders = list(Order.objects.filter(event__organizer=world["organizer"]).order_by("-datetime")
                       .values_list("pk", flat=True)[:200])
    cases = {
        "dashboard, whole season (all events)": (url, season),
        "dashboard, whole season, an order changed before each request (its sailing recomputed)": (url, season),
        "dashboard, default period (30 days back, 30 ahead)": (url, {}),
        "dashboard, whole season, one event": (url, {**season, "event": world["events"][0].pk}),
        "XLSX export, whole season": (export, season),
    }
    results = {}
    for name, (path, query) in cases.items():
        def get(path=path, query=query, name=name):
            if "changed" in name:
                mark_orders_changed(some_orders.pop())  # outside a transaction: marked at once
            r = client.get(path, query)
            assert r.status_code == 200, r.status_code

        timed(get, 3)  # warm-up: caches, first queries
        values = timed(get, n if "XLSX" not in name else max(n // 3, 5))
        results[name] = (statistics.median(values), pct(values, 0.9), len(values))
    return results


def profile(world: dict) -> None:
    """Each SQL statement of one dashboard computation with its time, then a cProfile summary."""
    import cProfile
    import pstats

    from django.db import connection

    from ticketing_core.kpi import dashboard

    data = {"start": world["first"], "end": world["last"], "event": None, "vessel": None, "pier": None}
    spent = []

    def wrapper(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append(((time.perf_counter() - t0) * 1000, sql[:160]))

    with connection.execute_wrapper(wrapper):
        t0 = time.perf_counter()
        dashboard.compute(world["organizer"], world["events"], data)
        total = (time.perf_counter() - t0) * 1000
    print(f"compute: {total:.0f} ms, SQL {sum(t for t, _ in spent):.0f} ms in {len(spent)} statements")
    for t, sql in sorted(spent, reverse=True)[:8]:
        print(f"  {t:7.1f} ms  {sql}")
    prof = cProfile.Profile()
    prof.enable()
    dashboard.compute(world["organizer"], world["events"], data)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(18)


def time_record_step(world: dict, n: int = 2000) -> dict:
    import redis
    from django.db import transaction

    from ticketing_core.kpi import funnel

    event = world["events"][0]
    out = {}
    out["record_step, database UPSERT (autocommit)"] = statistics.median(timed(
        lambda: funnel.record_step(event, "visit"), n)) * 1000
    with transaction.atomic():
        out["record_step, database UPSERT (inside a transaction)"] = statistics.median(timed(
            lambda: funnel.record_step(event, "placed"), n)) * 1000
    conn = redis.Redis(host="127.0.0.1", port=6379, db=11)
    try:
        conn.ping()
    except redis.exceptions.ConnectionError:
        return out
    prefix = f"bench:{os.getpid()}:kpi:funnel:"
    funnel.KEY_PREFIX = prefix
    funnel.redis_connection = lambda: conn
    out["record_step, Redis HINCRBY+EXPIRE (pipelined)"] = statistics.median(timed(
        lambda: funnel.record_step(event, "visit"), n)) * 1000
    t0 = time.perf_counter()
    moved = funnel.flush(conn)
    out[f"flush of {moved} counters into the table (ms, once)"] = (time.perf_counter() - t0) * 1000
    for key in conn.scan_iter(match=prefix + "*"):
        conn.delete(key)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sailings", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=30, help="timed requests per case")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse-db", action="store_true", help="time the season a --keep run left")
    parser.add_argument("--live", action="store_true",
                        help="time the live computation (no summary table): the figures before the summary table")
    parser.add_argument("--profile", action="store_true", help="print each SQL query's time of one page view")
    args = parser.parse_args()
    rng = random.Random(18)  # nosec B311  # bench data

    print(f"load average before: {os.getloadavg()}", flush=True)
    if not args.reuse_db:
        database(create=True)
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django_scopes import scopes_disabled

    if args.reuse_db:
        world = existing_world()
    else:
        t0 = time.perf_counter()
        call_command("migrate", run_syncdb=True, verbosity=0)
        print(f"tables: {time.perf_counter() - t0:.0f} s", flush=True)
        t0 = time.perf_counter()
        world = build(args.sailings, rng)
        print(f"data: {time.perf_counter() - t0:.0f} s, {world['counts']}", flush=True)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    with scopes_disabled():
        from ticketing_core.fleet.models import Sailing
        from ticketing_core.kpi import summary

        t0 = time.perf_counter()
        n = summary.refresh(Sailing.objects.all())
        print(f"summary table: {n} sailings computed in {(time.perf_counter() - t0) * 1000:.0f} ms "
              "(the periodic job's full run; the dashboard reads the rows)", flush=True)
        if args.live:
            import types

            from ticketing_core.kpi import dashboard, figures

            dashboard.summary = types.SimpleNamespace(sailing_figures=figures.sailing_figures,
                                                      booking_pace=figures.booking_pace)
            print("LIVE computation: the dashboard aggregates the orders on every request", flush=True)
        if args.profile:
            profile(world)
        pages = time_pages(world, args.requests)
        steps = time_record_step(world)
    print(f"load average after: {os.getloadavg()}")
    print("\n| case | p50 ms | p90 ms | requests |\n|---|---:|---:|---:|")
    for name, (p50, p90, n) in pages.items():
        print(f"| {name} | {p50:.0f} | {p90:.0f} | {n} |")
    print("\n| funnel step | µs per call (median) |\n|---|---:|")
    for name, value in steps.items():
        print(f"| {name} | {value:.0f} |")
    if not args.keep and not args.reuse_db:
        connection.close()
        database(create=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
