"""
Agent console search on 100 000 orders: how long one search takes, per kind of query, without and with the
indexes of ticketing_helpdesk's migration 0002 (console/indexes.py).

The script builds a throwaway PostgreSQL database (``prichal_bench_console`` on 127.0.0.1:5432, dropped and
re-created; the tables come from the models like in the test suite, then the console's indexes are added),
fills one organizer with ORDERS orders (1–2 tickets each, an invoice name, an e-mail and a phone; a fifth of
them belong to customer accounts; some phones only in the checkout's contact preference) with
``bulk_create``, and times ``ticketing_helpdesk.console.search.search`` and the console page for random
existing values of every kind: order code, e-mail, phone typed the Russian way ("8 (9xx) xxx-xx-xx"), part of a
surname, ticket secret, a QR URL, a case number.

Usage (from the repository root)::

    .venv/bin/python bench/console.py [--orders 100000] [--queries 60] [--keep]

``--keep`` leaves the database for EXPLAIN by hand. Only 127.0.0.1 is contacted.
"""
import argparse
import os
import random
import statistics
import string
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "prichal_bench_console"
SURNAMES = ["Иванов", "Смирнов", "Кузнецов", "Попов", "Васильев", "Петров", "Соколов", "Михайлов", "Новиков",
            "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов", "Егоров", "Павлов", "Козлов",
            "Степанов", "Николаев", "Орлов", "Андреев", "Макаров", "Никитин", "Захаров", "Зайцев", "Соловьёв",
            "Борисов", "Яковлев", "Григорьев", "Романов", "Воробьёв", "Сергеев", "Кузьмин", "Фролов", "Александров"]
FIRST = ["Анна", "Мария", "Елена", "Ольга", "Иван", "Пётр", "Сергей", "Алексей", "Дмитрий", "Наталья", "Юлия",
         "Андрей", "Максим", "Татьяна", "Ирина", "Павел", "Виктор", "Светлана", "Никита", "Ксения"]


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ticketing_core.testing.settings")
    sys.path.insert(0, str(ROOT / "addons"))
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = DB_NAME
    settings.DEBUG = False
    django.setup()


def recreate_database():
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(DB_NAME)))
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB_NAME)))
    conn.close()


def drop_database():
    import psycopg2
    from psycopg2 import sql

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(DB_NAME)))
    conn.close()


def code(rng, length=5):
    return "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ3789") for _ in range(length))


def phone(rng):
    return "+79" + "".join(rng.choice(string.digits) for _ in range(9))


def build(n_orders: int, rng: random.Random) -> dict:
    """One organizer, one series with 60 sailings, ``n_orders`` orders; returns samples for the queries."""
    from django.utils.timezone import now
    from django_scopes import scopes_disabled

    from pretix.base.models import Customer, InvoiceAddress, Order, OrderPosition

    from ticketing_core.notifications.models import ContactPreference
    from ticketing_core.testing import factories

    with scopes_disabled():
        org = factories.make_organizer(slug="bench", name="Bench")
        admin = factories.make_admin(org, "bench-admin@example.org")
        series = factories.make_series(org)
        boat, pier = factories.make_vessel(org, capacity=300), factories.make_pier(org)
        sailings = [factories.make_sailing(series, boat, pier, now() + timedelta(days=1 + i // 4, hours=(i % 4) * 3))
                    for i in range(60)]
        items = list(series.items.filter(admission=True))
        channel = org.sales_channels.get(identifier="web")
        n_customers = n_orders // 5
        customers = []
        used_emails = set()
        for i in range(n_customers):
            email = f"c{i}.{code(rng, 4).lower()}@example.org"
            used_emails.add(email)
            name = f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}"
            customers.append(Customer(organizer=org, identifier=f"C{i:06d}", email=email, phone=phone(rng),
                                      name_parts={"_legacy": name}, name_cached=name, is_active=True,
                                      is_verified=True))
        Customer.objects.bulk_create(customers, batch_size=5000)
        customers = list(Customer.objects.filter(organizer=org))
        codes = set()
        samples = {"code": [], "email": [], "phone": [], "name": [], "secret": [], "qr": [], "customer_email": [],
                   "pref_phone": []}
        batch = 5000
        created = now()
        for start in range(0, n_orders, batch):
            orders, names = [], []
            for _i in range(start, min(start + batch, n_orders)):
                c = code(rng)
                while c in codes:
                    c = code(rng)
                codes.add(c)
                customer = rng.choice(customers) if rng.random() < 0.2 else None
                name = f"{rng.choice(FIRST)} {rng.choice(SURNAMES)}"
                email = customer.email if customer else f"g{len(codes)}.{code(rng, 3).lower()}@example.org"
                orders.append(Order(
                    code=c, organizer=org, event=series, status=rng.choice([Order.STATUS_PAID] * 8 + [
                        Order.STATUS_CANCELED, Order.STATUS_PENDING]), email=email, phone=phone(rng),
                    customer=customer, locale="ru", datetime=created - timedelta(minutes=len(codes)),
                    expires=created + timedelta(days=3), total=Decimal("2400.00"), sales_channel=channel,
                    secret=code(rng, 16).lower()))
                names.append(name)
            Order.objects.bulk_create(orders, batch_size=batch)
            orders = list(Order.objects.filter(organizer=org, code__in=[o.code for o in orders]).order_by("pk"))
            by_code = dict(zip([o.code for o in orders], names, strict=False))
            positions, addresses, prefs = [], [], []
            for o in orders:
                name = by_code[o.code]
                sailing = rng.choice(sailings)
                for pid, item in enumerate(items[:rng.choice([1, 2])], start=1):
                    positions.append(OrderPosition(order=o, organizer=org, positionid=pid, item=item,
                                                   subevent=sailing.subevent, tax_rate=Decimal("0.00"),
                                                   tax_value=Decimal("0.00"),
                                                   pseudonymization_id=f"B{len(positions):05d}{o.pk:09d}",
                                                   price=item.default_price, attendee_name_cached=name,
                                                   attendee_name_parts={"_legacy": name},
                                                   secret=code(rng, 32).lower()))
                addresses.append(InvoiceAddress(order=o, name_cached=name, name_parts={"_legacy": name}))
                if rng.random() < 0.1:
                    prefs.append(ContactPreference(order=o, phone=phone(rng), sms=True))
            OrderPosition.objects.bulk_create(positions, batch_size=batch)
            InvoiceAddress.objects.bulk_create(addresses, batch_size=batch)
            ContactPreference.objects.bulk_create(prefs, batch_size=batch)
            if rng.random() < 0.5 or not samples["code"]:
                for o in rng.sample(orders, 5):
                    samples["code"].append(o.code)
                    samples["email"].append(o.email)
                    samples["phone"].append(str(o.phone))
                    samples["name"].append(by_code[o.code].split()[1][:-2])  # "Иван" of "Иванов" etc.
                for p in rng.sample(positions, 5):
                    samples["secret"].append(p.secret)
                    samples["qr"].append(f"https://tickets.example.org/bench/evening/ticket/{p.secret}/")
                for p in prefs[:3]:
                    samples["pref_phone"].append(p.phone)
            print(f"  {min(start + batch, n_orders)} orders", flush=True)
        samples["customer_email"] = [c.email for c in rng.sample(customers, 20)]
    return {"organizer": org, "admin": admin, "samples": samples}


def russian_format(e164: str) -> str:
    d = e164[2:]
    return f"8 ({d[:3]}) {d[3:6]}-{d[6:8]}-{d[8:]}"


def queries(samples: dict, rng: random.Random, n: int) -> list[tuple[str, str]]:
    kinds = {
        "order code": lambda: rng.choice(samples["code"]).lower(),
        "e-mail": lambda: rng.choice(samples["email"]).upper(),
        "phone (8 (9xx) …)": lambda: russian_format(rng.choice(samples["phone"])),
        "phone from checkout": lambda: russian_format(rng.choice(samples["pref_phone"] or samples["phone"])),
        "name fragment": lambda: rng.choice(samples["name"]),
        "ticket secret": lambda: rng.choice(samples["secret"]),
        "QR URL": lambda: rng.choice(samples["qr"]),
        "customer e-mail": lambda: rng.choice(samples["customer_email"]),
        "case number": lambda: f"#{rng.randint(1, 999)}",
    }
    return [(kind, make()) for kind, make in kinds.items() for _ in range(n)]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = max(0, min(len(values) - 1, round(p / 100 * (len(values) - 1))))
    return values[k]


def time_searches(org, admin, qs) -> dict:
    from django_scopes import scopes_disabled

    from ticketing_helpdesk.console.search import search

    results: dict[str, list[float]] = {}
    counts: dict[str, list[int]] = {}
    with scopes_disabled():
        for kind, q in qs:
            t0 = time.perf_counter()
            r = search(org, admin, q)
            results.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
            counts.setdefault(kind, []).append(r.count)
    return {k: (statistics.median(v), percentile(v, 95), statistics.mean(counts[k])) for k, v in results.items()}


def time_pages(org, admin, qs) -> tuple[float, float]:
    from django.test import Client
    from django.urls import reverse
    from django.utils.timezone import now
    from django_scopes import scopes_disabled

    with scopes_disabled():  # importing every addon's URLs builds forms with scoped querysets
        url = reverse("plugins:ticketing_helpdesk:console", kwargs={"organizer": org.slug})
    client = Client()
    client.force_login(admin)
    session = client.session
    session["pretix_auth_login_time"] = int(now().timestamp())
    session.save()
    times = []
    for _kind, q in qs:
        t0 = time.perf_counter()
        r = client.get(url, {"q": q})
        times.append((time.perf_counter() - t0) * 1000)
        assert r.status_code == 200, r.status_code
    return statistics.median(times), percentile(times, 95)


def report(orders: int, per_kind: int, before: dict | None, after: dict, page: tuple[float, float]) -> None:
    print(f"\n{orders} orders, {per_kind} queries per kind; search() in ms")
    if before:
        print("| query | hits (mean) | p50 without indexes | p95 without | p50 with indexes | p95 with |")
        print("|---|---:|---:|---:|---:|---:|")
    else:
        print("| query | hits (mean) | p50 with indexes | p95 with |")
        print("|---|---:|---:|---:|")
    for kind, a in after.items():
        b = f"{before[kind][0]:.1f} | {before[kind][1]:.1f} | " if before else ""
        print(f"| {kind} | {a[2]:.1f} | {b}**{a[0]:.1f}** | **{a[1]:.1f}** |")
    print(f"\nconsole page (GET with the query, rendering included, with indexes): "
          f"p50 {page[0]:.0f} ms, p95 {page[1]:.0f} ms; median of the kinds' p50: "
          f"{statistics.median(a[0] for a in after.values()):.1f} ms")


def existing_world(rng: random.Random) -> dict:
    """Samples of every kind from the database a previous ``--keep`` run left."""
    from django_scopes import scopes_disabled

    from pretix.base.models import Customer, Order, OrderPosition, Organizer, User

    from ticketing_core.notifications.models import ContactPreference

    with scopes_disabled():
        org = Organizer.objects.get(slug="bench")
        orders = list(Order.objects.filter(organizer=org).select_related("invoice_address").order_by("?")[:200])
        secrets = list(OrderPosition.objects.filter(organizer=org).order_by("?").values_list("secret", flat=True)[:200])
        samples = {
            "code": [o.code for o in orders], "email": [o.email for o in orders],
            "phone": [str(o.phone) for o in orders],
            "name": [o.invoice_address.name_cached.split()[1][:-2] for o in orders],
            "secret": secrets, "qr": [f"https://tickets.example.org/bench/evening/ticket/{s}/" for s in secrets],
            "customer_email": list(Customer.objects.filter(organizer=org).order_by("?")
                                   .values_list("email", flat=True)[:50]),
            "pref_phone": list(ContactPreference.objects.filter(order__organizer=org).order_by("?")
                               .values_list("phone", flat=True)[:50]),
        }
        return {"organizer": org, "admin": User.objects.get(email="bench-admin@example.org"), "samples": samples,
                "orders": Order.objects.filter(organizer=org).count()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=100000)
    parser.add_argument("--queries", type=int, default=60, help="queries per kind")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse-db", action="store_true",
                        help="time the searches on the database a --keep run left (with its indexes)")
    args = parser.parse_args()
    rng = random.Random(20261125)

    if args.reuse_db:
        setup_django()
        world = existing_world(rng)
        qs = queries(world["samples"], rng, args.queries)
        time_searches(world["organizer"], world["admin"], qs[:20])
        after = time_searches(world["organizer"], world["admin"], qs)
        page = time_pages(world["organizer"], world["admin"], qs[:: max(1, len(qs) // 150)])
        report(world["orders"], args.queries, None, after, page)
        return 0
    recreate_database()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from ticketing_helpdesk.console import indexes

    t0 = time.perf_counter()
    call_command("migrate", run_syncdb=True, verbosity=0)
    print(f"tables: {time.perf_counter() - t0:.0f} s", flush=True)
    t0 = time.perf_counter()
    world = build(args.orders, rng)
    print(f"data: {time.perf_counter() - t0:.0f} s", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    qs = queries(world["samples"], rng, args.queries)
    # warm-up (caches, first queries), not counted
    time_searches(world["organizer"], world["admin"], qs[:20])
    before = time_searches(world["organizer"], world["admin"], qs)
    t0 = time.perf_counter()
    indexes.install(connection)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"indexes: {time.perf_counter() - t0:.0f} s", flush=True)
    after = time_searches(world["organizer"], world["admin"], qs)
    page = time_pages(world["organizer"], world["admin"], qs[:: max(1, len(qs) // 150)])

    report(args.orders, args.queries, before, after, page)
    if not args.keep:
        connection.close()
        drop_database()
    return 0


if __name__ == "__main__":
    sys.exit(main())
