"""
Storefront checkout: what a buyer's whole HTML purchase of one ticket costs with Prichal and with plain pretix.

One installation (own PostgreSQL database ``prichal_bench21``, own Redis and gunicorn on free local ports)
holds two organizers with the same event, products, prices and dates:

* **Prichal** (``neva``): the demo operator of ``make run`` with every addon (``ticketing_core.demo``);
* **plain** (``neva-plain``): a twin of its event "evening-canals" without any of our addons: pretix's own
  plugins only, the same products and prices, the same dates with the same quotas, pretix's settings copied.

Scripted buyers (N at a time, default 8) each do the whole purchase a browser does, as a guest: the date page,
"add to cart", every checkout step pretix shows (customer account, questions, payment "Pay at the pier" =
pretix's manual payment, confirmation) and the order page. Rounds alternate the sides in ABBA pairs on the same
server so drift hits both alike. Reported per side, median and range over the rounds:

* server CPU per completed checkout (user+system of gunicorn's master and workers from ``/proc``: the stable
  figure on a shared host; tasks run eagerly, so all of the purchase's work is in there),
* checkouts/s, p50/p99 of the whole purchase and p50/p99 of every step (client-side),
* SQL queries per checkout and per step, from an in-process purchase (Django's test client with
  ``CaptureQueriesContext``, warm cache), CPU per checkout and per step in-process (median of ``--cpu-repeats``
  purchases; process CPU of the test client and the server code together), and the CPU and queries of the date
  page for a visitor holding a cart,
* the oversell count on a small date (``--small-capacity`` places, three times as many buyers).

``--profile`` adds an in-process cProfile of ``--profile-checkouts`` purchases per side and prints the top
functions and our addons' top receivers by cumulative time.

Usage (from the repository root; the first run creates and migrates the database, 2-9 minutes)::

    .venv/bin/python bench/checkout.py --reuse-db --buyers 8 --pairs 4 --per-round 16 --profile

Only 127.0.0.1 is contacted; every loop is bounded. Exit status 0 when nothing was oversold and no purchase
failed, 1 when a place was oversold, 2 on purchase errors.
"""
import argparse
import atexit
import cProfile
import io
import json
import os
import platform
import pstats
import re
import socketserver
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peak_sale as base  # noqa: E402 - database, configuration and /proc helpers are shared
import storefront  # noqa: E402 - Redis and gunicorn helpers

base.DB_NAME = "prichal_bench21"
base.SERVER_START_TIMEOUT = 600.0  # four workers booting pretix on a busy shared host take minutes
base.OUT = base.ROOT / "bench" / "out" / "checkout"
base.DATA_DIR = base.OUT / "data"
base.CONFIG_PATH = base.OUT / "pretix-bench.cfg"
storefront.ACCESS_LOG = base.OUT / "access.log"
RESULTS_PATH = base.OUT / "results.json"
CPU_LOG = base.OUT / "cpu.log"  # each request's worker CPU over HTTP (bench/gunicorn_cpu.py)

ORG_A, ORG_B = "neva", "neva-plain"
EVENT = "evening-canals"
PLAIN_EVENT_PLUGINS = ("pretix.plugins.sendmail,pretix.plugins.statistics,pretix.plugins.checkinlists,"
                       "pretix.plugins.ticketoutputpdf,pretix.plugins.manualpayment")
# Settings of ours that must not follow the twin (it has none of our addons) and pretix's customer accounts,
# which our demo switches on and a plain shop does not have.
SKIPPED_SETTING = re.compile(r"ticketing|yookassa|sms|customer_accounts")
BUYER_EMAIL = "buyer{n}@example.org"
BUYER_NAME = "Анна Смирнова"
MAX_STEPS = 14


# --------------------------------------------------------------------------------------------
# Mail: a local SMTP sink, as production has a mail server
# --------------------------------------------------------------------------------------------
class _SmtpSink(socketserver.StreamRequestHandler):
    """Accepts every message and keeps nothing. Without it pretix's mail task meets a refused connection and
    retries five times at once (tasks run eagerly), which runs every ``email_filter`` receiver six times per
    e-mail and adds the retries' queries and CPU to the purchase: a cost production, with its mail server, has
    not."""

    def handle(self):
        self.wfile.write(b"220 bench sink\r\n")
        in_data = False
        for line in self.rfile:
            if in_data:
                if line.rstrip(b"\r\n") == b".":
                    in_data = False
                    self.wfile.write(b"250 OK\r\n")
                continue
            command = line[:4].upper()
            if command == b"DATA":
                in_data = True
                self.wfile.write(b"354 go on\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 OK\r\n")


def start_mail_sink() -> int:
    """An SMTP sink on a free local port, written into the configuration as pretix's mail server."""
    import configparser

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SmtpSink)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    atexit.register(server.shutdown)
    mail_port = server.server_address[1]
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.optionxform = str
    cfg.read(base.CONFIG_PATH, encoding="utf-8")
    cfg.set("mail", "host", "127.0.0.1")
    cfg.set("mail", "port", str(mail_port))
    with open(base.CONFIG_PATH, "w", encoding="utf-8") as f:
        cfg.write(f)
    return mail_port


# --------------------------------------------------------------------------------------------
# Fixtures (in-process)
# --------------------------------------------------------------------------------------------

def _copy_settings(source, target) -> None:
    """pretix's stored settings (raw rows) of an organizer or event, less ours."""
    existing = set(target._settings_objects.values_list("key", flat=True))
    for row in source._settings_objects.all():
        if row.key not in existing and not SKIPPED_SETTING.search(row.key):
            target._settings_objects.create(key=row.key, value=row.value)
    target.settings.flush()


def ensure_twin() -> None:
    """The plain organizer: the demo event's products, prices, dates and quotas, none of our addons."""
    from django.db import transaction
    from django_scopes import scopes_disabled

    from pretix.base.models import (
        CheckinList,
        Event,
        Item,
        ItemCategory,
        Organizer,
        Quota,
        SubEvent,
        SubEventItem,
        TaxRule,
    )

    with scopes_disabled(), transaction.atomic():
        ev_a = Event.objects.get(organizer__slug=ORG_A, slug=EVENT)
        org_b, created = Organizer.objects.get_or_create(slug=ORG_B, defaults={"name": "Нева Круиз (pretix)"})
        if created or org_b.plugins:
            org_b.plugins = ""
            org_b.save(update_fields=["plugins"])
            _copy_settings(ev_a.organizer, org_b)
        ev_b = Event.objects.filter(organizer=org_b, slug=EVENT).first()
        if ev_b is None:
            ev_b = Event.objects.create(
                organizer=org_b, slug=EVENT, name=ev_a.name, currency=ev_a.currency, has_subevents=True,
                date_from=ev_a.date_from, live=True, is_public=True, location=ev_a.location, plugins="",
                geo_lat=ev_a.geo_lat, geo_lon=ev_a.geo_lon)
            ev_b.plugins = PLAIN_EVENT_PLUGINS
            ev_b.save(update_fields=["plugins"])
            _copy_settings(ev_a, ev_b)
            taxes = {t.pk: TaxRule.objects.create(event=ev_b, name=t.name, rate=t.rate, code=t.code,
                                                  price_includes_tax=t.price_includes_tax, default=t.default)
                     for t in ev_a.tax_rules.all()}
            cats = {c.pk: ItemCategory.objects.create(event=ev_b, name=c.name, position=c.position)
                    for c in ev_a.categories.all()}
            for item in ev_a.items.all():
                Item.objects.create(
                    event=ev_b, name=item.name, default_price=item.default_price, admission=item.admission,
                    personalized=item.personalized, category=cats.get(item.category_id),
                    tax_rule=taxes.get(item.tax_rule_id), position=item.position, active=item.active,
                    free_price=item.free_price, max_per_order=item.max_per_order)
            CheckinList.objects.create(event=ev_b, name="Посадка", all_products=True)
        items = {str(i.name): i for i in ev_b.items.all()}
        _copy_pricing(ev_a, ev_b, items)
        have = set(ev_b.subevents.values_list("date_from", flat=True))
        for se in ev_a.subevents.filter(active=True).prefetch_related("quotas__items", "subeventitem_set"):
            if se.date_from in have:
                continue
            twin = SubEvent.objects.create(event=ev_b, name=se.name, date_from=se.date_from, date_to=se.date_to,
                                           active=True, is_public=se.is_public, location=se.location)
            for sei in se.subeventitem_set.all():
                SubEventItem.objects.create(subevent=twin, item=items[str(sei.item.name)], price=sei.price,
                                            disabled=sei.disabled)
            for q in se.quotas.all():
                tq = Quota.objects.create(event=ev_b, subevent=twin, name=q.name, size=q.size)
                tq.items.set([items[str(i.name)] for i in q.items.all()])


def _copy_pricing(ev_a, ev_b, items: dict) -> None:
    """
    pretix's discounts and event-wide vouchers of the demo event (the family discount, the promo code): pretix
    applies them to every cart and order (``apply_discounts``), so a twin without them did less pricing work on
    each step than the same shop with them. Not copied: vouchers bound to a product, date, quota or seat.
    """
    from pretix.base.models import Discount, Voucher

    skipped = {"id", "event"}
    for d in ev_a.discounts.all():
        if ev_b.discounts.filter(internal_name=d.internal_name).exists():
            continue
        twin = Discount.objects.create(event=ev_b, **{f.attname: getattr(d, f.attname) for f in d._meta.concrete_fields
                                                      if f.name not in skipped})
        twin.condition_limit_products.set([items[str(i.name)] for i in d.condition_limit_products.all()])
        twin.benefit_limit_products.set([items[str(i.name)] for i in d.benefit_limit_products.all()])
        twin.limit_sales_channels.set(ev_b.organizer.sales_channels.filter(
            identifier__in=d.limit_sales_channels.values_list("identifier", flat=True)))
    for v in ev_a.vouchers.filter(item__isnull=True, quota__isnull=True, subevent__isnull=True, seat__isnull=True):
        if not ev_b.vouchers.filter(code=v.code).exists():
            Voucher.objects.create(event=ev_b, code=v.code, max_usages=v.max_usages, price_mode=v.price_mode,
                                   value=v.value, valid_until=v.valid_until, allow_ignore_quota=v.allow_ignore_quota,
                                   comment=v.comment)


def date_pairs(count: int) -> list[tuple[int, int]]:
    """(Prichal date, plain date) pairs at the same time, the fullest-emptiest first, ``count`` of them."""
    from datetime import timedelta

    from django_scopes import scopes_disabled

    from pretix.base.models import SubEvent

    with scopes_disabled():
        a = {se.date_from: se.pk for se in SubEvent.objects.filter(event__organizer__slug=ORG_A, event__slug=EVENT,
                                                                    active=True, date_from__gt=_now())}
        b = {se.date_from: se.pk for se in SubEvent.objects.filter(event__organizer__slug=ORG_B, event__slug=EVENT,
                                                                    active=True, date_from__gt=_now())}
    # not the dates about to close: pretix stops selling before departure, and a date within 24 hours sells
    # non-refundable tickets only (an extra checkbox); once the later dates have sales, the emptiest were today's
    soon = _now() + timedelta(days=1)
    pairs = [(a[d], b[d]) for d in sorted(set(a) & set(b)) if d > soon]
    if len(pairs) < count:
        raise RuntimeError(f"{len(pairs)} common dates on both sides, {count} needed")
    # the dates with the most places left first: every run sells tickets, and a later run must not meet a
    # sold-out date (the oversell check's small dates are sold out at 5 sold, fewer than a used date's 10)
    free = {se: places_of(se) - sold_on(se) for pair in pairs for se in pair}
    return sorted(pairs, key=lambda pair: -min(free[pair[0]], free[pair[1]]))[:count]


def _now():
    from django.utils.timezone import now

    return now()


def small_dates(capacity: int) -> tuple[int, int]:
    """A fresh date on each side with ``capacity`` places (Prichal: a sailing on a vessel of that size)."""
    from datetime import timedelta

    from django.db.models import Max
    from django_scopes import scopes_disabled

    from pretix.base.models import Event, Quota, SubEvent

    from ticketing_core.fleet.sailings import save_sailing
    from ticketing_core.models import Sailing, Vessel

    with scopes_disabled():
        ev_a = Event.objects.get(organizer__slug=ORG_A, slug=EVENT)
        ev_b = Event.objects.get(organizer__slug=ORG_B, slug=EVENT)
        latest = max(ev.subevents.aggregate(m=Max("date_from"))["m"] for ev in (ev_a, ev_b))
        start = latest.replace(second=0, microsecond=0) + timedelta(days=1)
        sailing = Sailing.objects.filter(event=ev_a).select_related("vessel").first()
        reg = f"BENCH21-{capacity}"
        vessel = Vessel.objects.filter(organizer=ev_a.organizer, registration_number=reg).first() or \
            Vessel.objects.create(organizer=ev_a.organizer, name=f"Малый-{capacity}", registration_number=reg,
                                  vessel_type=sailing.vessel.vessel_type, capacity=capacity)
        se_a = SubEvent.objects.create(event=ev_a, name=ev_a.name, date_from=start,
                                       date_to=start + timedelta(minutes=90), active=True)
        save_sailing(ev_a, se_a, vessel=vessel, departure_pier=sailing.departure_pier,
                     arrival_pier=sailing.arrival_pier, duration=timedelta(minutes=90))
        se_b = SubEvent.objects.create(event=ev_b, name=ev_b.name, date_from=start,
                                       date_to=start + timedelta(minutes=90), active=True)
        q = Quota.objects.create(event=ev_b, subevent=se_b, name="Места", size=capacity)
        q.items.set(ev_b.items.filter(admission=True))
    return se_a.pk, se_b.pk


def places_of(subevent_id: int) -> int:
    """The date's places: its smallest quota (the vessel's capacity on Prichal's side)."""
    from django.db.models import Min
    from django_scopes import scopes_disabled

    from pretix.base.models import Quota

    with scopes_disabled():
        return Quota.objects.filter(subevent_id=subevent_id).aggregate(m=Min("size"))["m"] or 0


def sold_on(subevent_id: int) -> int:
    from django_scopes import scopes_disabled

    from pretix.base.models import Order, OrderPosition

    with scopes_disabled():
        return OrderPosition.objects.filter(subevent_id=subevent_id, item__admission=True,
                                            order__status__in=(Order.STATUS_PAID, Order.STATUS_PENDING)).count()


def ticket_item(org: str) -> int:
    """The first admission product (the adult ticket), bought by every buyer."""
    from django_scopes import scopes_disabled

    from pretix.base.models import Item

    with scopes_disabled():
        return Item.objects.filter(event__organizer__slug=org, event__slug=EVENT, admission=True,
                                   active=True).order_by("position", "pk").values_list("pk", flat=True)[0]


# --------------------------------------------------------------------------------------------
# One purchase, as a browser does it (works with requests and with Django's test client)
# --------------------------------------------------------------------------------------------

def step_name(method: str, path: str) -> str:
    path, _, query = path.partition("?")
    m = re.search(r"/checkout/([a-z_]+)/", path)
    if m:
        return f"{method} checkout/{m.group(1)}"
    if "/cart/add" in path:
        return f"{method} cart/add"
    if "/checkout/start" in path:
        return f"{method} checkout/start"
    if "/order/" in path:
        return f"{method} order page"
    if re.search(r"/\d+/$", path):
        return f"{method} date page" + (" with cart" if "require_cookie" in query else "")
    return f"{method} other"


def main_form(html: str, url: str):
    """The page's main POST form: action URL and the data a browser would send, filled like a guest does."""
    import lxml.html

    doc = lxml.html.fromstring(html)
    forms = [f for f in doc.forms if (f.method or "").lower() == "post"
             and not re.search(r"locale|logout|/account/|cart/(extend|remove|clear|voucher|apply)", f.action or "")]
    if not forms:
        return None, None
    form = max(forms, key=lambda f: len(f.inputs))
    data, radios = {}, defaultdict(list)
    for el in form.inputs:
        name = el.get("name")
        if not name:
            continue
        tag, kind = el.tag, (el.get("type") or "text").lower()
        if tag == "select":
            opts = [o.get("value", o.text or "") for o in el.iter("option")]
            chosen = [o.get("value", o.text or "") for o in el.iter("option") if o.get("selected") is not None]
            value = chosen[0] if chosen else ""
            if not value and el.get("required") is not None:
                value = next((o for o in opts if o), "")
            data[name] = value
        elif tag == "textarea":
            data[name] = el.text or ""
        elif kind in ("submit", "button", "image", "file"):
            continue
        elif kind == "radio":
            radios[name].append(el)
        elif kind == "checkbox":
            if el.get("checked") is not None or el.get("required") is not None:
                data[name] = el.get("value", "on")
        else:
            value = el.get("value") or ""
            if name.endswith("email") or name.endswith("email_repeat"):
                value = value or BUYER_EMAIL.format(n=threading.get_ident() % 100000)
            elif "name_parts_0" in name:
                value = value or BUYER_NAME
            elif not value and el.get("required") is not None:
                value = "+79110000000" if kind == "tel" else "Тест"
            data[name] = value
    for name, els in radios.items():
        values = [e.get("value") for e in els]
        if name == "customer_mode" and "guest" in values:
            data[name] = "guest"
        elif name == "payment":
            data[name] = "manual" if "manual" in values else values[0]
        else:
            checked = [e.get("value") for e in els if e.get("checked") is not None]
            data[name] = checked[0] if checked else values[0]
    return urljoin(url, form.action or url), data


class Browser:
    """GET/POST with redirects followed by hand, so each request is timed and named."""

    def __init__(self, origin: str, client=None, on_request=None):
        self.origin, self.client, self.on_request = origin, client, on_request
        self.session = None if client else requests.Session()
        self.timings: list[tuple[str, float]] = []
        self.cpu: list[tuple[str, float]] = []  # process CPU per request: server and client, in-process only
        self.trail: list[str] = []  # status and path of each request, for error messages

    def _one(self, method: str, path: str, data=None, referer=None):
        name = step_name(method, path)
        started, cpu_started = time.perf_counter(), time.process_time()
        if self.client is not None:
            extra = {"HTTP_REFERER": referer} if referer else {}
            resp = (self.client.post(path, data, **extra) if method == "POST" else self.client.get(path))
            status, location, body = resp.status_code, resp.get("Location"), resp.content.decode("utf-8", "replace")
        else:
            headers = {"Referer": referer} if referer else {}
            r = (self.session.post(self.origin + path, data=data, headers=headers, timeout=120,
                                   allow_redirects=False) if method == "POST"
                 else self.session.get(self.origin + path, timeout=120, allow_redirects=False))
            status, location, body = r.status_code, r.headers.get("Location"), r.text
        elapsed = time.perf_counter() - started
        self.timings.append((name, elapsed))
        self.cpu.append((name, time.process_time() - cpu_started))
        self.trail.append(f"{method} {path} {status}")
        if self.on_request:
            self.on_request(name)
        return status, location, body

    def go(self, method: str, path: str, data=None, referer=None) -> tuple[str, str]:
        for _ in range(8):
            status, location, body = self._one(method, path, data, referer)
            if status in (301, 302, 303) and location:
                parts = urlsplit(urljoin(self.origin + path, location))
                path, method, data = parts.path + (f"?{parts.query}" if parts.query else ""), "GET", None
                continue
            if status != 200:
                raise RuntimeError(f"{method} {path}: HTTP {status}")
            return path, body
        raise RuntimeError(f"too many redirects from {path}")


def purchase(browser: Browser, org: str, subevent: int, item: int) -> str:
    """The whole purchase of one ticket; returns the order page's path."""
    date_path = f"/{org}/{EVENT}/{subevent}/"
    path, html = browser.go("GET", date_path)
    action, data = main_form(html, browser.origin + path)
    if action is None or not any(k.startswith("item_") for k in data):
        raise RuntimeError("the date page offers no ticket")
    data = {k: v for k, v in data.items() if not (k.startswith("item_") or k.startswith("variation_"))}
    data.update({f"item_{item}": "1", "subevent": str(subevent)})
    path, html = browser.go("POST", urlsplit(action).path + (f"?{urlsplit(action).query}" if urlsplit(action).query
                                                             else ""), data, referer=browser.origin + date_path)
    if "/checkout/" not in path:
        path, html = browser.go("GET", f"/{org}/{EVENT}/checkout/start")
    for _ in range(MAX_STEPS):
        if "/order/" in path and "/checkout/" not in path:
            return path
        action, data = main_form(html, browser.origin + path)
        if action is None:
            raise RuntimeError(f"no form on {path}")
        target = urlsplit(action)
        before = path
        path, html = browser.go("POST", target.path + (f"?{target.query}" if target.query else ""), data,
                                referer=browser.origin + path)
        if path == before:
            errors = re.findall(r'class="[^"]*(?:alert-danger|has-error)[^"]*"[^>]*>(.{0,200})', html, re.S)
            texts = [re.sub(r"<[^>]+>|\\s+", " ", e) for e in errors][:3]
            raise RuntimeError(f"step {before} did not advance: {texts}")
    raise RuntimeError("checkout did not finish")


# --------------------------------------------------------------------------------------------
# In-process: queries per checkout and step, the computed date page, the profile
# --------------------------------------------------------------------------------------------

def collect_static() -> None:
    """With ``debug=false`` pages need every addon's static file in Django's manifest (see bench/seating.py)."""
    import subprocess

    manifest = base.ROOT / ".venv/lib/python3.11/site-packages/pretix/static.dist/staticfiles.json"
    known = json.loads(manifest.read_text(encoding="utf-8")).get("paths", {}) if manifest.exists() else {}
    missing = [str(p).split("/static/", 1)[1] for p in (base.ROOT / "addons").glob("*/static/**/*")
               if p.is_file() and str(p).split("/static/", 1)[1] not in known]
    if missing or not known:
        base.log(f"Collecting static files ({len(missing)} of ours are not in the manifest)")
        subprocess.run([sys.executable, "-m", "pretix", "collectstatic", "--noinput", "-v", "0"], check=True,
                       cwd=base.ROOT, env=base.server_env())


def in_process_client(port: int):
    from django.test import Client

    return Client(HTTP_HOST=f"127.0.0.1:{port}")


def queries_of_purchase(port: int, org: str, subevent: int, item: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    per_step: dict[str, int] = defaultdict(int)
    browser = Browser(f"http://127.0.0.1:{port}", client=in_process_client(port))
    with CaptureQueriesContext(connection) as ctx:
        last = [0]

        def count(name):
            per_step[name] += len(ctx.captured_queries) - last[0]
            last[0] = len(ctx.captured_queries)

        browser.on_request = count
        purchase(browser, org, subevent, item)
    return {"total": len(ctx.captured_queries), "steps": dict(per_step),
            "cpu_ms": None}


def computed_date_page(port: int, org: str, subevent: int, item: int, repeats: int) -> dict:
    """CPU and queries of the date page for a visitor holding a cart (the page nobody else shares)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = Browser(f"http://127.0.0.1:{port}", client=in_process_client(port))
    path, html = browser.go("GET", f"/{org}/{EVENT}/{subevent}/")
    action, data = main_form(html, browser.origin + path)
    data = {k: v for k, v in data.items() if not k.startswith("item_")}
    data.update({f"item_{item}": "1", "subevent": str(subevent)})
    browser.go("POST", f"/{org}/{EVENT}/cart/add", data)
    cpu, queries = [], []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.process_time()
            browser.go("GET", f"/{org}/{EVENT}/{subevent}/")
            cpu.append((time.process_time() - t0) * 1000)
        queries.append(len(ctx.captured_queries))
    return {"cpu_ms_median": round(statistics.median(cpu), 1), "queries": int(statistics.median(queries))}


def in_process_cpu_per_checkout(port: int, sides: dict[str, tuple[str, int, int]],
                                 repeats: int) -> dict[str, tuple[float, dict]]:
    """
    Median CPU of a whole purchase and of each step (a step's requests summed per purchase), in ms, per side.
    The sides' purchases alternate in ABBA order, as the HTTP rounds do, so a change of the machine's load during
    the measurement falls on both sides alike (one side's purchases after the other's moved the ratio by ±10 %).
    """
    browser_cpu, steps = defaultdict(list), defaultdict(lambda: defaultdict(list))
    keys = list(sides)
    for n in range(repeats):
        for key in (keys if n % 2 == 0 else keys[::-1]):
            org, subevent, item = sides[key]
            browser = Browser(f"http://127.0.0.1:{port}", client=in_process_client(port))
            t0 = time.process_time()
            purchase(browser, org, subevent, item)
            browser_cpu[key].append((time.process_time() - t0) * 1000)
            agg = defaultdict(float)
            for name, cpu in browser.cpu:
                agg[name] += cpu * 1000
            for name, cpu in agg.items():
                steps[key][name].append(cpu)
    return {key: (round(statistics.median(browser_cpu[key]), 1),
                  {k: round(statistics.median(v + [0.0] * (repeats - len(v))), 1) for k, v in steps[key].items()})
            for key in keys}


def profile(port: int, org: str, subevent: int, item: int, checkouts: int, top: int, step: str | None = None) -> str:
    """cProfile of whole purchases, or with ``step`` (a name of the per-step tables) of that step's requests only."""
    prof = cProfile.Profile()
    seen: set[str] = set()
    for _ in range(checkouts):
        browser = Browser(f"http://127.0.0.1:{port}", client=in_process_client(port))
        if step is None:
            prof.enable()
            purchase(browser, org, subevent, item)
            prof.disable()
            continue
        one = browser._one

        def profiled(method, path, data=None, referer=None, one=one):
            name = step_name(method, path)
            seen.add(name)
            if name != step:
                return one(method, path, data, referer)
            prof.enable()
            try:
                return one(method, path, data, referer)
            finally:
                prof.disable()

        browser._one = profiled
        purchase(browser, org, subevent, item)
        if step not in seen:
            raise SystemExit(f"--profile-step: no request is named {step!r}; the steps are {sorted(seen)}")
    prof.dump_stats(str(base.OUT / f"profile-{org}.pstats"))  # for pstats' print_callees
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    total = stats.total_tt
    what = f"\"{step}\" of {checkouts} checkouts" if step else f"{checkouts} checkouts"
    lines = [f"### {org}: {what}, {total:.2f} s profiled ({total / checkouts * 1000:.0f} ms each)", "",
             "Our code (addons/ticketing_*), by cumulative time per checkout:", "",
             "| function | calls/checkout | cum ms/checkout |", "|---|---:|---:|"]
    ours = [(k, v) for k, v in stats.stats.items() if "/addons/ticketing_" in k[0] and "/tests/" not in k[0]]
    ours.sort(key=lambda kv: -kv[1][3])
    shown = 0
    for (fname, line, func), (_cc, nc, _tt, ct, _callers) in ours:
        if shown >= top:
            break
        mod = fname.split("/addons/", 1)[1]
        lines.append(f"| `{mod}:{line} {func}` | {nc / checkouts:.1f} | {ct / checkouts * 1000:.1f} |")
        shown += 1
    lines += ["", "Everything, by own time per checkout:", "", "| function | calls/checkout | own ms | cum ms |",
              "|---|---:|---:|---:|"]
    allf = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]
    for (fname, line, func), (_cc, nc, tt, ct, _callers) in allf:
        short = re.sub(r".*/(site-packages|addons)/", "", fname)
        lines.append(f"| `{short}:{line} {func}` | {nc / checkouts:.1f} | {tt / checkouts * 1000:.1f} | "
                     f"{ct / checkouts * 1000:.1f} |")
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------
# Rounds over HTTP
# --------------------------------------------------------------------------------------------

def server_cpu_per_step(offset: int, checkouts: int) -> tuple[int, dict[str, float]]:
    """The workers' CPU per step of the requests logged since ``offset`` (ms per completed checkout)."""
    if not CPU_LOG.exists():
        return offset, {}
    with open(CPU_LOG, "rb") as f:
        f.seek(offset)
        data = f.read()
    per_step: dict[str, float] = defaultdict(float)
    for line in data.decode("utf-8", "replace").splitlines():
        parts = line.split(" ")
        if len(parts) == 4:
            per_step[step_name(parts[0], parts[1])] += float(parts[3])
    return offset + len(data), {k: round(v / checkouts, 1) for k, v in per_step.items()} if checkouts else {}


def run_round(origin: str, org: str, subevent: int, item: int, buyers: int, checkouts: int, server_pid: int,
              stop_when_sold_out: bool = False) -> dict:
    lock = threading.Lock()
    state = {"left": checkouts, "done": 0, "failed": 0, "sold_out": 0, "errors": []}
    totals, steps = [], defaultdict(list)

    def buyer():
        while True:
            with lock:
                if state["left"] <= 0:
                    return
                state["left"] -= 1
            browser = Browser(origin)
            t0 = time.perf_counter()
            try:
                purchase(browser, org, subevent, item)
            except (RuntimeError, requests.RequestException) as e:
                with lock:
                    if stop_when_sold_out:
                        state["sold_out"] += 1
                    else:
                        state["failed"] += 1
                        state["errors"].append(str(e)[:300])
                continue
            with lock:
                state["done"] += 1
                totals.append(time.perf_counter() - t0)
                agg = defaultdict(float)
                for name, t in browser.timings:
                    agg[name] += t
                for name, t in agg.items():
                    steps[name].append(t)

    log_offset = CPU_LOG.stat().st_size if CPU_LOG.exists() else 0
    cpu0 = base.server_cpu_seconds(server_pid)
    started = time.perf_counter()
    threads = [threading.Thread(target=buyer, daemon=True) for _ in range(buyers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=1800)
    wall = time.perf_counter() - started
    cpu = base.server_cpu_seconds(server_pid) - cpu0
    time.sleep(0.2)  # the last post_request hooks write after their response reached the buyer
    _offset, step_cpu = server_cpu_per_step(log_offset, state["done"])
    return {"org": org, "subevent": subevent, "done": state["done"], "failed": state["failed"],
            "refused": state["sold_out"], "errors": state["errors"][:5], "wall_s": round(wall, 2),
            "server_cpu_s": round(cpu, 2),
            "cpu_ms_per_checkout": round(cpu * 1000 / state["done"], 1) if state["done"] else None,
            "checkouts_per_s": round(state["done"] / wall, 3), "totals": totals,
            "steps": {k: v for k, v in steps.items()}, "server_cpu_ms_per_step": step_cpu}


def pct(values, p):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def loadavg() -> str:
    with open("/proc/loadavg", encoding="ascii") as f:
        return " ".join(f.read().split()[:3])


def summarize_side(rounds: list[dict]) -> dict:
    cpu = [r["cpu_ms_per_checkout"] for r in rounds if r["cpu_ms_per_checkout"]]
    rate = [r["checkouts_per_s"] for r in rounds]
    totals = [t for r in rounds for t in r["totals"]]
    steps = defaultdict(list)
    for r in rounds:
        for k, v in r["steps"].items():
            steps[k].extend(v)
    return {
        "rounds": len(rounds), "checkouts": sum(r["done"] for r in rounds), "failed": sum(r["failed"] for r in rounds),
        "cpu_ms_per_checkout_median": round(statistics.median(cpu), 1) if cpu else None,
        "cpu_ms_per_checkout_range": [min(cpu), max(cpu)] if cpu else None,
        "checkouts_per_s_median": round(statistics.median(rate), 3),
        "purchase_p50_ms": round(pct(totals, 50) * 1000), "purchase_p99_ms": round(pct(totals, 99) * 1000),
        "steps_ms": {k: [round(pct(v, 50) * 1000), round(pct(v, 99) * 1000)] for k, v in sorted(steps.items())},
        "server_cpu_ms_per_step": {k: round(statistics.median([r.get("server_cpu_ms_per_step", {}).get(k, 0.0)
                                                                for r in rounds]), 1)
                                   for k in sorted({k for r in rounds for k in r.get("server_cpu_ms_per_step", {})})},
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=8)
    parser.add_argument("--pairs", type=int, default=4, help="ABBA-ordered pairs of rounds")
    parser.add_argument("--per-round", type=int, default=16, help="completed purchases per round")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--small-capacity", type=int, default=5)
    parser.add_argument("--reuse-db", action="store_true")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--profile-checkouts", type=int, default=5)
    parser.add_argument("--profile-step", metavar="STEP",
                        help='profile only this step\'s requests, named as in the tables, e.g. "GET order page"')
    parser.add_argument("--in-process-only", action="store_true", help="queries, date page and profile only")
    parser.add_argument("--http-only", action="store_true", help="the rounds over HTTP only")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--cpu-repeats", type=int, default=5, help="in-process purchases timed for CPU per step")
    args = parser.parse_args()

    os.environ.setdefault("PRICHAL_DEMO", "1")  # the throw-away benchmark database holds the demo operator
    base.OUT.mkdir(parents=True, exist_ok=True)
    port = base.free_port()
    base.prepare_database(args.reuse_db)
    base.write_config(port)
    start_mail_sink()
    redis_port = base.free_port()
    storefront.add_redis_to_config(redis_port)
    redis = storefront.start_redis(redis_port)
    atexit.register(redis.terminate)
    base.setup_django()
    base.migrate(base.pending_migrations())
    collect_static()
    from django.db import connection

    from ticketing_core.demo import load_demo

    base.log("Loading the demo operator and its plain twin")
    load_demo()
    ensure_twin()
    item_a, item_b = ticket_item(ORG_A), ticket_item(ORG_B)
    pairs = date_pairs(2 * args.pairs + 2)
    result = {"python": platform.python_version(), "buyers": args.buyers, "workers": args.workers,
              "loadavg_before": loadavg(), "command": " ".join(sys.argv), "cpu_repeats": args.cpu_repeats}
    sides = {"A": (ORG_A, item_a, 0), "B": (ORG_B, item_b, 1)}

    inproc = {}
    for key, (org, item, idx) in ([] if args.http_only else sides.items()):
        base.log(f"In-process: queries per checkout and step, computed date page ({org})")
        se = pairs[-1][idx]
        purchase(Browser(f"http://127.0.0.1:{port}", client=in_process_client(port)), org, se, item)  # warm-up
        q = [queries_of_purchase(port, org, se, item) for _ in range(3)]
        best = min(q, key=lambda x: x["total"])
        inproc[key] = {"queries_per_checkout": best["total"], "queries_per_step": best["steps"],
                       "date_page_with_cart": computed_date_page(port, org, se, item, 7)}
    if not args.http_only:
        base.log(f"In-process: CPU per checkout and step, {args.cpu_repeats} purchases per side in ABBA order")
        cpu = in_process_cpu_per_checkout(port, {key: (org, pairs[-1][idx], item)
                                                 for key, (org, item, idx) in sides.items()}, args.cpu_repeats)
        for key, (cpu_total, cpu_steps) in cpu.items():
            inproc[key].update({"cpu_ms_per_checkout_in_process": cpu_total, "cpu_ms_per_step": cpu_steps})
    result["in_process"] = inproc
    if args.profile and not args.http_only:
        base.log("In-process: cProfile")
        result["profile"] = {key: profile(port, org, pairs[-2][idx], item, args.profile_checkouts, args.top,
                                          args.profile_step)
                             for key, (org, item, idx) in sides.items()}
    connection.close()

    if not args.in_process_only:
        storefront.ACCESS_LOG.write_text("")
        CPU_LOG.write_text("")
        server = storefront.start_server(port, args.workers, cpu_log=CPU_LOG)
        origin = f"http://127.0.0.1:{port}"
        rounds = {"A": [], "B": []}
        try:
            storefront.wait_for_server(server, origin + f"/{ORG_A}/")
            for org, item, idx in sides.values():  # warm every worker
                run_round(origin, org, pairs[-1][idx], item, args.workers, args.workers * 2, server.pid)
            order = []
            for p in range(args.pairs):
                order += ["A", "B"] if p % 2 == 0 else ["B", "A"]
            for n, key in enumerate(order):
                org, item, idx = sides[key]
                se = pairs[n // 2][idx]
                r = run_round(origin, org, se, item, args.buyers, args.per_round, server.pid)
                base.log(f"round {n + 1}/{len(order)} {org}: {r['done']} checkouts, {r['cpu_ms_per_checkout']} ms "
                         f"CPU each, {r['checkouts_per_s']}/s, load {loadavg()}"
                         + (f", {r['failed']} failed: {r['errors'][:1]}" if r["failed"] else ""))
                rounds[key].append(r)
            result["sides"] = {k: summarize_side(v) for k, v in rounds.items()}
            RESULTS_PATH.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
            small = small_dates(args.small_capacity)
            connection.close()
            oversell = {}
            for key, (org, item, idx) in sides.items():
                r = run_round(origin, org, small[idx], item, args.buyers, 3 * args.small_capacity, server.pid,
                              stop_when_sold_out=True)
                sold = sold_on(small[idx])
                connection.close()
                oversell[key] = {"capacity": args.small_capacity, "attempts": 3 * args.small_capacity,
                                 "completed": r["done"], "sold": sold,
                                 "oversold": max(0, sold - args.small_capacity)}
        finally:
            base.stop_server(server)
        result["sides"] = {k: summarize_side(v) for k, v in rounds.items()}
        pairs_ratio = [a["cpu_ms_per_checkout"] / b["cpu_ms_per_checkout"]
                       for a, b in zip(rounds["A"], rounds["B"], strict=False)
                       if a["cpu_ms_per_checkout"] and b["cpu_ms_per_checkout"]]
        result["cpu_ratio_median"] = round(statistics.median(pairs_ratio), 2) if pairs_ratio else None
        result["cpu_ratio_range"] = [round(min(pairs_ratio), 2), round(max(pairs_ratio), 2)] if pairs_ratio else None
        result["oversell"] = oversell
        result["rounds"] = {k: [{x: y for x, y in r.items() if x not in ("totals", "steps")} for r in v]
                            for k, v in rounds.items()}
    result["loadavg_after"] = loadavg()
    redis.terminate()
    RESULTS_PATH.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    print_report(result)
    if any(v["oversold"] for v in result.get("oversell", {}).values()):
        return 1
    if any(s["failed"] for s in result.get("sides", {}).values()):
        return 2
    return 0


def print_report(r: dict) -> None:
    ip = r["in_process"]
    print(f"\nload average before {r['loadavg_before']}, after {r['loadavg_after']}; {r['command']}\n")
    print("| | Prichal | plain | ratio |\n|---|---:|---:|---:|")
    if "sides" in r:
        a, b = r["sides"]["A"], r["sides"]["B"]
        print(f"| server CPU per checkout, ms (median [range], {a['rounds']} rounds) | "
              f"{a['cpu_ms_per_checkout_median']} {a['cpu_ms_per_checkout_range']} | "
              f"{b['cpu_ms_per_checkout_median']} {b['cpu_ms_per_checkout_range']} | "
              f"**{r['cpu_ratio_median']}** {r['cpu_ratio_range']} |")
        print(f"| checkouts/s at {r['buyers']} buyers | {a['checkouts_per_s_median']} | "
              f"{b['checkouts_per_s_median']} | "
              f"{a['checkouts_per_s_median'] / b['checkouts_per_s_median']:.2f} |")
        print(f"| whole purchase p50 / p99 ms | {a['purchase_p50_ms']} / {a['purchase_p99_ms']} | "
              f"{b['purchase_p50_ms']} / {b['purchase_p99_ms']} | |")
    for key, o in r.get("oversell", {}).items():
        side = "Prichal" if key == "A" else "plain"
        print(f"| oversold, {side} (capacity {o['capacity']}, {o['attempts']} buyers) | "
              f"{o['oversold']} (sold {o['sold']}) | | |")
    if ip:
        qa, qb = ip["A"]["queries_per_checkout"], ip["B"]["queries_per_checkout"]
        print(f"| SQL queries per checkout (in-process) | {qa} | {qb} | {qa / qb:.2f} |")
        ca, cb = ip["A"]["cpu_ms_per_checkout_in_process"], ip["B"]["cpu_ms_per_checkout_in_process"]
        print(f"| CPU per checkout in-process, ms (median of {r.get('cpu_repeats', 3)}) | {ca} | {cb} | "
              f"{ca / cb:.2f} |")
        da, db = ip["A"]["date_page_with_cart"], ip["B"]["date_page_with_cart"]
        print(f"| date page with a cart: CPU ms / queries | {da['cpu_ms_median']} / {da['queries']} | "
              f"{db['cpu_ms_median']} / {db['queries']} | {da['cpu_ms_median'] / db['cpu_ms_median']:.2f} |")
        steps = sorted(set(ip["A"]["queries_per_step"]) | set(ip["B"]["queries_per_step"]))
        print("\n| step | queries Prichal | queries plain | CPU ms in-process Prichal | plain | ratio "
              "| p50/p99 ms Prichal | p50/p99 ms plain |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for s in steps:
            ta = r.get("sides", {}).get("A", {}).get("steps_ms", {}).get(s, "")
            tb = r.get("sides", {}).get("B", {}).get("steps_ms", {}).get(s, "")
            pa = ip["A"].get("cpu_ms_per_step", {}).get(s)
            pb = ip["B"].get("cpu_ms_per_step", {}).get(s)
            ratio = f"{pa / pb:.2f}" if pa is not None and pb else ""
            print(f"| {s} | {ip['A']['queries_per_step'].get(s, 0)} | {ip['B']['queries_per_step'].get(s, 0)} | "
                  f"{pa if pa is not None else ''} | {pb if pb is not None else ''} | {ratio} | "
                  f"{'/'.join(map(str, ta)) if ta else ''} | {'/'.join(map(str, tb)) if tb else ''} |")
    if not ip and "sides" in r:
        print("\n| step | p50/p99 ms Prichal | p50/p99 ms plain |\n|---|---:|---:|")
        sa, sb = r["sides"]["A"]["steps_ms"], r["sides"]["B"]["steps_ms"]
        for s in sorted(set(sa) | set(sb)):
            print(f"| {s} | {'/'.join(map(str, sa.get(s, [])))} | {'/'.join(map(str, sb.get(s, [])))} |")
    if "sides" in r and r["sides"]["A"].get("server_cpu_ms_per_step"):
        ca, cb = r["sides"]["A"]["server_cpu_ms_per_step"], r["sides"]["B"]["server_cpu_ms_per_step"]
        print("\n| step (over HTTP) | worker CPU ms per checkout, Prichal | plain | ratio |\n|---|---:|---:|---:|")
        for s in sorted(set(ca) | set(cb)):
            a, b = ca.get(s, 0.0), cb.get(s, 0.0)
            print(f"| {s} | {a} | {b} | {f'{a / b:.2f}' if b else ''} |")
        ta, tb = sum(ca.values()), sum(cb.values())
        print(f"| all steps | {ta:.1f} | {tb:.1f} | {f'{ta / tb:.2f}' if tb else ''} |")
    for text in r.get("profile", {}).values():
        print("\n" + text)
    print(f"\nraw figures: {RESULTS_PATH}")


if __name__ == "__main__":
    sys.exit(main())
