"""
The shop's conversion funnel, counted anonymously: visits → carts → checkouts → orders placed → orders paid.

``record_step(event, step)`` is the ONE counting point; it also counts ``prichal_funnel_steps_total{step}`` for
Prometheus (the Sales dashboard, ``monitoring/``). It stores nothing but a number per event, day and step: no
user, no session, no address, no cookie (152-FZ; daily aggregates only). It runs on the shop's hot path, so it
is O(1) and cheap:

* with Redis configured for pretix (production): one ``HINCRBY`` (+ ``EXPIRE``, pipelined: one round trip)
  on the day's hash ``prichal:kpi:funnel:<day>``, field ``<event id>:<step>``. A periodic task
  (:func:`flush`) moves the hashes into :class:`~.models.FunnelDay`: it renames the hash first, so increments
  that arrive meanwhile go into a fresh hash and none is lost or counted twice;
* without Redis (``make run``'s SQLite, the tests): one ``INSERT … ON CONFLICT DO UPDATE SET count = count + 1``
  on the summary row. Inside an order's transaction that row stays locked until commit, which is why
  production counts in Redis. Figures of both: ``bench/RESULTS.md``.
"""
import logging
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils.timezone import now

from ..observability.metrics import Counter, safely

logger = logging.getLogger(__name__)

STEPS = ("visit", "cart", "checkout", "placed", "paid")
KEY_PREFIX = "prichal:kpi:funnel:"
KEY_TTL = 8 * 24 * 3600  # a hash the periodic task never reached is dropped after a week
_FLUSHING = ":flushing"

funnel_steps_total = Counter("prichal_funnel_steps_total",
                             "Steps of the shop's anonymous funnel (visit, cart, checkout, placed, paid).", ["step"])

# Storefront visits by machines are not visits: a simple rule on the User-Agent, nothing stored about anyone.
BOT_MARKERS = ("bot", "crawl", "spider", "slurp", "curl", "wget", "python", "http-client", "headless",
               "monitor", "preview", "scan", "fetch", "java/", "go-http", "okhttp", "lighthouse", "yandex")


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def today_of(event, at: datetime | None = None) -> date:
    """The operator's day (the event's time zone) of ``at`` (now)."""
    return (at or now()).astimezone(_zone(str(event.settings.timezone))).date()


def redis_connection():
    """pretix's own Redis (``[redis] location`` in pretix.cfg), or None where pretix runs without it."""
    if not getattr(settings, "HAS_REDIS", False):
        return None
    from django_redis import get_redis_connection

    return get_redis_connection("redis")


def record_step(event, step: str) -> None:
    """Count one ``step`` (one of :data:`STEPS`) of ``event``'s funnel for today. Never raises on the hot path."""
    if step not in STEPS:
        raise ValueError(f"unknown funnel step {step!r}")
    safely(funnel_steps_total.inc, step=step)
    day = today_of(event)
    conn = redis_connection()
    if conn is not None:
        try:
            key = KEY_PREFIX + day.isoformat()
            pipe = conn.pipeline(transaction=False)
            pipe.hincrby(key, f"{event.pk}:{step}", 1)
            pipe.expire(key, KEY_TTL)
            pipe.execute()
            return
        except Exception:  # Redis down: count in the database instead of losing the step or failing the shop
            logger.warning("funnel: Redis unavailable, counting in the database", exc_info=True)
    add_counts({(event.pk, day, step): 1})


_UPSERT = (
    "INSERT INTO ticketing_core_funnelday (event_id, day, step, count) VALUES {values} "
    "ON CONFLICT (event_id, day, step) DO UPDATE SET count = ticketing_core_funnelday.count + excluded.count"
)


def add_counts(counts: dict[tuple[int, date, str], int]) -> None:
    """Add ``{(event id, day, step): n}`` to the summary table in one statement (PostgreSQL and SQLite)."""
    rows = [(e, d, s, n) for (e, d, s), n in counts.items() if n]
    if not rows:
        return
    sql = _UPSERT.format(values=", ".join(["(%s, %s, %s, %s)"] * len(rows)))
    with connection.cursor() as cursor:
        cursor.execute(sql, [v for row in rows for v in row])  # nosec B608  # placeholders only, no input in SQL


def flush(conn=None) -> int:
    """Move the Redis counters into :class:`FunnelDay`; returns how many counters moved. Idempotent."""
    conn = conn if conn is not None else redis_connection()
    if conn is None:
        return 0
    from pretix.base.models import Event

    moved = 0
    for raw in conn.scan_iter(match=KEY_PREFIX + "*", count=100):
        key = raw.decode() if isinstance(raw, bytes) else raw
        if key.endswith(_FLUSHING):
            taken = key  # left over by a flush that stopped half way: finish it
        else:
            taken = key + _FLUSHING
            if conn.exists(taken):
                continue  # finished on its own turn of the loop
            conn.rename(key, taken)
        day = date.fromisoformat(taken[len(KEY_PREFIX):].removesuffix(_FLUSHING))
        counts = {}
        for field, value in conn.hgetall(taken).items():
            field = field.decode() if isinstance(field, bytes) else field
            event_id, _sep, step = field.partition(":")
            if step in STEPS and event_id.isdigit():
                counts[(int(event_id), day, step)] = int(value)
        known = set(Event.objects.filter(pk__in={e for e, _d, _s in counts}).values_list("pk", flat=True))
        with transaction.atomic():
            add_counts({k: n for k, n in counts.items() if k[0] in known})
        conn.delete(taken)
        moved += len(counts)
    return moved


# --- where the shop's steps happen (wired in ticketing_core/signals.py) -------------------------------------

def is_bot(request) -> bool:
    """A simple rule, not a profile: no User-Agent, or one that names a machine."""
    agent = request.headers.get("User-Agent", "").lower()
    return not agent or any(marker in agent for marker in BOT_MARKERS)


def step_of_request(request) -> str | None:
    """The funnel step a shop request is (a visit of the event's page, adding to the cart, starting checkout)."""
    method, path = request.method, request.path_info
    if method == "POST" and path.endswith("/cart/add"):
        step = "cart"
    elif method == "GET" and path.endswith("/checkout/start"):
        step = "checkout"
    elif method == "GET" and path.endswith("/"):
        from django.urls import Resolver404

        from ..urlmatch import url_match

        try:
            # the request's own URL configuration (an organizer's domain has its own) and the match our other
            # receivers share: a resolve of its own here missed event pages on organizer domains
            match = url_match(request)
        except Resolver404:
            return None
        if match.url_name != "event.index" or request.headers.get("X-Requested-With") == "XMLHttpRequest":
            return None
        step = "visit"
    else:
        return None
    return None if is_bot(request) else step


def funnel_rows(events, start: date, end: date) -> list[dict]:
    """Per day of ``[start, end]``: every step's count, abandoned carts and the conversion rate visit → paid."""
    from django.db.models import Sum

    from .models import FunnelDay

    table: dict[date, dict[str, int]] = {}
    for row in (FunnelDay.objects.filter(event__in=events, day__gte=start, day__lte=end)
                .values("day", "step").annotate(n=Sum("count")).order_by("day")):
        table.setdefault(row["day"], dict.fromkeys(STEPS, 0))[row["step"]] = row["n"]
    rows = []
    for day in sorted(table):
        counts = table[day]
        rows.append({
            "day": day, **counts,
            # a cart that never became an order (pretix's carts expire; counted per day, not per person)
            "abandoned": max(counts["cart"] - counts["placed"], 0),
            "conversion": _pct(counts["paid"], counts["visit"]),
        })
    return rows


def _pct(part, whole):
    from decimal import ROUND_HALF_UP, Decimal

    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
