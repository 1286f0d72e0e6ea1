"""
Where does an API order spend its time, with and without the Prichal plugins? (companion of peak_sale.py)

Runs in-process on the database that ``bench/peak_sale.py`` prepared (run that first, or pass
--migrate): posts orders one at a time through Django's test client to the same two events,
alternating A and B, with one cProfile per event and a query counter. pretix's request and task
profiling is switched off here, because its nested profilers hide the part of a request that runs
after the commit.

    .venv/bin/python bench/profile_order_api.py [--orders 60] [--top 25] [--migrate]

No network traffic at all; the loop is bounded by --orders.
"""
import argparse
import cProfile
import io
import pstats
import sys
import time

import peak_sale as ps

# Functions whose cumulative time per request is shown side by side.
WATCH = [
    ("rest_framework/views.py", "dispatch", "whole DRF view"),
    ("pretix/api/serializers/order.py", "create", "OrderCreateSerializer.create"),
    ("rest_framework/serializers.py", "is_valid", "serializer validation"),
    ("pretix/base/services/quotas.py", "compute", "QuotaAvailability.compute"),
    ("pretix/base/services/locking.py", "lock_objects", "lock_objects"),
    ("django/db/backends/base/base.py", "run_and_clear_commit_hooks", "on-commit hooks (eager tasks)"),
    ("pretix/base/signals.py", "send", "plugin signals (all)"),
    ("execute' of 'psycopg2", None, "SQL execute (client side)"),
    ("ticketing_core/fleet/capacity.py", "hold_capacity_lock", "ticketing_core hold_capacity_lock"),
    ("ticketing_core/", None, "ticketing_core (all functions, own time)"),
]


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--orders", type=int, default=60, help="orders per event (default 60, at most 1000)")
    p.add_argument("--top", type=int, default=25, help="rows of the cumulative listing per event (0: none)")
    p.add_argument("--capacity", type=int, default=120, help="vessel of peak_sale.py to reuse (default 120)")
    p.add_argument("--migrate", action="store_true", help="create/migrate the database if needed")
    args = p.parse_args(argv)
    args.orders = max(1, min(args.orders, 1000))

    ps.prepare_database(reuse=True)
    ps.write_config(ps.free_port())
    ps.setup_django()
    pending = ps.pending_migrations()
    if pending and not args.migrate:
        print(f"{pending} migrations are missing: run bench/peak_sale.py first or pass --migrate", file=sys.stderr)
        return 2
    ps.migrate(pending)
    sides = ps.create_fixtures(args.capacity)

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.PROFILING_RATE = 0  # no nested profilers from pretix's task wrapper
    client = Client()
    dates = {s.key: ps.new_date(s, args.capacity) for s in sides}
    profiles = {s.key: cProfile.Profile() for s in sides}
    queries = {s.key: 0 for s in sides}
    wall = {s.key: 0.0 for s in sides}
    used = {s.key: 3 for s in sides}  # places on the current date, after the warm-up below

    def post(side, i):
        return client.post(
            f"/api/v1/organizers/{side.organizer}/events/{side.event}/orders/",
            data={"email": f"profile{i}@example.org", "locale": "ru", "sales_channel": "web",
                  "payment_provider": "manual", "send_email": False,
                  "positions": [{"item": side.items[i % len(side.items)], "subevent": dates[side.key]}]},
            content_type="application/json", HTTP_AUTHORIZATION=f"Token {side.token}",
        )

    for side in sides:  # warm-up: imports, URL resolver, first connection
        for i in range(3):
            post(side, i)
    for i in range(args.orders):
        for side in (sides if i % 2 == 0 else sides[::-1]):
            if used[side.key] >= args.capacity:  # the date is full: measure on a fresh one, never on sold-out
                dates[side.key] = ps.new_date(side, args.capacity)
                used[side.key] = 0
            connection.queries_log.clear()  # the log holds at most 9000 entries; count per request
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                profiles[side.key].enable()
                resp = post(side, i)
                profiles[side.key].disable()
                wall[side.key] += time.perf_counter() - t0
            queries[side.key] += len(ctx.captured_queries)
            used[side.key] += 1
            if resp.status_code != 201:
                print(f"event {side.key}: HTTP {resp.status_code} {resp.content[:200]!r}", file=sys.stderr)
                return 1

    n = args.orders
    print(f"\n{n} orders per event, one at a time, in-process (no gunicorn), profiler on\n")
    print(f"{'':<52}{'A plugins on':>14}{'B plugins off':>15}")
    print(f"{'wall ms/order':<52}{1000 * wall['A'] / n:>14.1f}{1000 * wall['B'] / n:>15.1f}")
    print(f"{'SQL queries/order':<52}{queries['A'] / n:>14.1f}{queries['B'] / n:>15.1f}")
    stats = {k: pstats.Stats(v) for k, v in profiles.items()}
    for path, func, label in WATCH:
        row = []
        for key in ("A", "B"):
            total = 0.0
            for (fn, _line, name), (_cc, _nc, tt, ct, _callers) in stats[key].stats.items():
                if func is None and "psycopg2" in path:
                    total += tt if path in name else 0.0
                elif func is None:
                    total += tt if path in fn else 0.0
                elif fn.endswith(path) and name == func:
                    total += ct
            row.append(1000 * total / n)
        print(f"{label + ' ms/order':<52}{row[0]:>14.2f}{row[1]:>15.2f}")

    for key in ("A", "B") if args.top > 0 else ():
        out = io.StringIO()
        st = pstats.Stats(profiles[key], stream=out)
        st.sort_stats("cumulative").print_stats(args.top)
        text = out.getvalue()
        print(f"\n===== event {key}: top {args.top} by cumulative time =====")
        print(text[text.find("ncalls"):].replace(str(ps.ROOT / ".venv/lib/python3.11/site-packages") + "/", ""))
    out = io.StringIO()
    pstats.Stats(profiles["A"], stream=out).sort_stats("cumulative").print_stats("ticketing_core")
    text = out.getvalue()
    print("===== event A: every ticketing_core function called =====")
    print(text[text.find("ncalls"):] if "ncalls" in text else "(none)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
