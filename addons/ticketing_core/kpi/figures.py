"""
The season's figures per sailing and the booking pace, from a handful of grouped SQL queries.

Definitions (also the column help on the dashboard and in the XLSX):

* **capacity**: the sailing's sellable places (the vessel's certificate or less, ``Sailing.capacity``);
* **sold**: passenger places (pretix's "admission" products) not cancelled in orders pending or paid;
  **paid**: those in paid orders; **load factor** = paid / capacity;
* **revenue gross**: the confirmed payments of the sailing's orders (refunded ones included), shared among the
  sailings of an order by the price of its positions (an order of one sailing counts whole), in one SQL statement;
  **refunds**: the refunds done (count of refunds, amount) shared the same way; **net** = gross − refunds;
  **revenue per seat** = net / capacity;
* **no-shows**: paid places without a successful entry scan once boarding has closed (departure +
  :data:`BOARDING_GRACE`); sailings whose boarding is still open show none;
* **channel mix**: sold places by the order's pretix sales channel (shop, back office, API, reseller).
"""
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from django.db.models import Count, Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast, ExtractIsoYear, ExtractWeek
from django.utils.timezone import now
from django.utils.translation import get_language
from i18nfield.strings import LazyI18nString

from pretix.base.models import Checkin, Order, OrderPayment, OrderPosition, OrderRefund

from ..fleet.models import Sailing

# Boarding closes this long after departure; a paid passenger not scanned by then is a no-show. The boarding
# slice makes the grace configurable per event; this is the default, in one place.
BOARDING_GRACE = timedelta(minutes=15)

CHANNELS = ("shop", "backoffice", "api", "reseller")
ZERO = Decimal("0.00")
# Days before departure at which the booking pace is read (cumulative tickets sold by then).
PACE_DAYS = (60, 30, 21, 14, 7, 3, 1, 0)


def channel_of(channel_type: str | None, identifier: str | None = None) -> str:
    """
    pretix's sales channel → our four. A reseller's channel (its identifier or type names a reseller; resellers
    usually sell through the API) is a reseller; then the shop (``web``), the API, and the back office for the rest
    (box office, pretixPOS, anything staff enter).
    """
    kind, name = (channel_type or "").lower(), (identifier or "").lower()
    if "reseller" in kind or "reseller" in name:
        return "reseller"
    if kind == "web":
        return "shop"
    if kind == "api":
        return "api"
    return "backoffice"


@dataclass(kw_only=True)
class Figures:
    """
    What one sailing and a sum of sailings have alike, so that net, load factor and revenue per seat have one
    definition (the module docstring's) for the rows and their totals.
    """
    capacity: int = 0
    sold: int = 0
    paid: int = 0
    gross: Decimal = ZERO
    refunds: Decimal = ZERO
    refund_count: int = 0
    channels: dict = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))

    @property
    def net(self) -> Decimal:
        return self.gross - self.refunds

    @property
    def load_factor(self) -> Decimal | None:
        return pct(self.paid, self.capacity)

    @property
    def revenue_per_seat(self) -> Decimal | None:
        return money(self.net / self.capacity) if self.capacity else None


@dataclass(kw_only=True)
class SailingFigures(Figures):
    sailing_id: int
    event_id: int
    subevent_id: int | None
    event_name: str
    start: datetime
    vessel: str
    pier: str
    canceled: bool = False
    no_shows: int | None = None  # None: boarding not closed yet
    unscanned: int = 0  # paid places without an entry scan so far (the no-shows once boarding has closed)


def pct(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def sailings_in(events, first: datetime, last: datetime, vessel=None, pier=None):
    """The sailings of ``events`` departing in ``[first, last)`` (aware datetimes), optionally of a vessel/pier."""
    qs = Sailing.objects.filter(event__in=events).filter(
        Q(subevent__date_from__gte=first, subevent__date_from__lt=last)
        | Q(subevent__isnull=True, event__date_from__gte=first, event__date_from__lt=last))
    if vessel is not None:
        qs = qs.filter(vessel=vessel)
    if pier is not None:
        qs = qs.filter(departure_pier=pier)
    return qs


SAILING_FIELDS = ("id", "event_id", "subevent_id", "subevent__date_from", "event__date_from", "subevent_name",
                  "event_name", "vessel__name", "vessel__capacity", "sellable_capacity", "pier_name", "canceled_at")


def sailing_values(sailings, *extra):
    """
    ``sailings.values(*SAILING_FIELDS, *extra)``. The translated names come as their stored text and are read
    once per distinct text (:func:`_text`), not once per row: a season repeats a handful of names 2 000 times.
    """
    return sailings.annotate(subevent_name=Cast("subevent__name", TextField()),
                             event_name=Cast("event__name", TextField()),
                             pier_name=Cast("departure_pier__name", TextField())).values(*SAILING_FIELDS, *extra)


@lru_cache(maxsize=512)
def _text_in(raw: str, language: str) -> str:
    return str(LazyI18nString(raw))


def _text(raw: str | None) -> str:
    """The stored text of a translated name, in the active language (as ``str()`` of pretix's field)."""
    return _text_in(raw, get_language() or "") if raw else ""


def sailing_row(s: dict, at: datetime) -> SailingFigures:
    """A sailing's row without its order figures yet, from ``Sailing.objects.values(*SAILING_FIELDS)``."""
    start = s["subevent__date_from"] or s["event__date_from"]
    capacity = s["vessel__capacity"] if s["sellable_capacity"] is None else min(s["sellable_capacity"],
                                                                                s["vessel__capacity"])
    return SailingFigures(
        sailing_id=s["id"], event_id=s["event_id"], subevent_id=s["subevent_id"],
        event_name=_text(s["subevent_name"] or s["event_name"]), start=start, vessel=str(s["vessel__name"] or ""),
        pier=_text(s["pier_name"]), capacity=capacity, canceled=s["canceled_at"] is not None,
        no_shows=0 if start + BOARDING_GRACE <= at else None,
    )


def sailing_figures(sailings, at: datetime | None = None) -> list[SailingFigures]:
    """
    Every figure of each sailing (module docstring), ordered by departure: three SQL statements whatever the
    number of sailings. The sailings go into the statements as a subquery, never as a list of ids (Django
    compiles a list of thousands of ids slowly, and so does the database).
    """
    at = at or now()
    rows: dict[tuple[int, int | None], SailingFigures] = {
        (r.event_id, r.subevent_id): r for r in (sailing_row(s, at) for s in sailing_values(sailings))}
    if not rows:
        return []
    # an OR over both kinds of sailing keeps PostgreSQL from using the index on the date: only where needed
    has_singles = any(key[1] is None for key in rows)
    in_sailings = Q(subevent_id__in=sailings.filter(subevent__isnull=False).values("subevent_id"))
    if has_singles:
        in_sailings |= Q(subevent__isnull=True,
                         order__event_id__in=sailings.filter(subevent__isnull=True).values("event_id"))

    places = OrderPosition.objects.filter(in_sailings, item__admission=True)  # pretix's manager: not cancelled
    scanned = Checkin.objects.filter(position_id=OuterRef("pk"), successful=True, type=Checkin.TYPE_ENTRY)
    live = Q(order__status__in=(Order.STATUS_PENDING, Order.STATUS_PAID))
    paid = Q(order__status=Order.STATUS_PAID)
    for r in (places.annotate(scanned=Exists(scanned))
              .values("order__event_id", "subevent_id", "order__sales_channel__type",
                      "order__sales_channel__identifier")
              .annotate(sold=Count("id", filter=live), paid=Count("id", filter=paid),
                        unscanned=Count("id", filter=paid & Q(scanned=False)))):
        row = rows.get((r["order__event_id"], r["subevent_id"]))
        if row is None:
            continue
        row.sold += r["sold"]
        row.paid += r["paid"]
        row.channels[channel_of(r["order__sales_channel__type"], r["order__sales_channel__identifier"])] += r["sold"]
        row.unscanned += r["unscanned"]
        if row.no_shows is not None:
            row.no_shows += r["unscanned"]

    _money(rows, sailings, has_singles)
    return sorted(rows.values(), key=lambda r: (r.start, r.sailing_id))


# Payments and refunds per order, shared among the order's sailings by the price of its positions (cancelled
# positions too: a refunded order's tickets are cancelled), in one statement (PostgreSQL and SQLite).
_MONEY_SQL = """
WITH part AS (
    SELECT p.order_id, o.event_id, p.subevent_id, SUM(p.price) AS price, COUNT(*) AS n
    FROM pretixbase_orderposition p JOIN pretixbase_order o ON o.id = p.order_id
    WHERE p.subevent_id IN ({subevents})
    GROUP BY p.order_id, o.event_id, p.subevent_id
    {singles}
), orders AS (SELECT DISTINCT order_id FROM part
), whole AS (
    SELECT p.order_id, SUM(p.price) AS price, COUNT(*) AS n FROM pretixbase_orderposition p
    WHERE p.order_id IN (SELECT order_id FROM orders) GROUP BY p.order_id
), paid AS (
    SELECT order_id, SUM(amount) AS amount FROM pretixbase_orderpayment
    WHERE state IN (%s, %s) AND order_id IN (SELECT order_id FROM orders) GROUP BY order_id
), refunded AS (
    SELECT order_id, SUM(amount) AS amount, COUNT(*) AS n FROM pretixbase_orderrefund
    WHERE state = %s AND order_id IN (SELECT order_id FROM orders) GROUP BY order_id
), shared AS (
    SELECT part.event_id, part.subevent_id, paid.amount AS paid, refunded.amount AS refunded,
           refunded.n AS refunds,
           CASE WHEN whole.price <> 0 THEN part.price * 1.0 / whole.price ELSE part.n * 1.0 / whole.n END AS share
    FROM part JOIN whole ON whole.order_id = part.order_id
    LEFT JOIN paid ON paid.order_id = part.order_id LEFT JOIN refunded ON refunded.order_id = part.order_id
    WHERE paid.amount IS NOT NULL OR refunded.amount IS NOT NULL
)
SELECT event_id, subevent_id, SUM(COALESCE(paid, 0) * share), SUM(COALESCE(refunded, 0) * share),
       SUM(CASE WHEN share > 0 THEN COALESCE(refunds, 0) ELSE 0 END)
FROM shared GROUP BY event_id, subevent_id
"""


_SINGLES_SQL = """UNION ALL
    SELECT p.order_id, o.event_id, p.subevent_id, SUM(p.price) AS price, COUNT(*) AS n
    FROM pretixbase_orderposition p JOIN pretixbase_order o ON o.id = p.order_id
    WHERE p.subevent_id IS NULL AND o.event_id IN ({events})
    GROUP BY p.order_id, o.event_id, p.subevent_id"""


def _money(rows, sailings, has_singles: bool) -> None:
    from django.db import connection

    subevents, sub_params = sailings.filter(subevent__isnull=False).values("subevent_id").query.sql_with_params()
    singles, single_params = "", ()
    if has_singles:
        events, single_params = sailings.filter(subevent__isnull=True).values("event_id").query.sql_with_params()
        singles = _SINGLES_SQL.format(events=events)
    sql = _MONEY_SQL.format(subevents=subevents, singles=singles)
    params = [*sub_params, *single_params, OrderPayment.PAYMENT_STATE_CONFIRMED, OrderPayment.PAYMENT_STATE_REFUNDED,
              OrderRefund.REFUND_STATE_DONE]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # nosec B608  # Django's own compiled subqueries, values as parameters
        for event_id, subevent_id, gross, refunds, refund_count in cursor.fetchall():
            row = rows.get((event_id, subevent_id))
            if row is not None:
                row.gross = money(Decimal(str(gross or 0)))
                row.refunds = money(Decimal(str(refunds or 0)))
                row.refund_count = int(refund_count or 0)


@dataclass(kw_only=True)
class Totals(Figures):
    sailings: int = 0
    no_shows: int = 0

    @property
    def no_show_rate(self) -> Decimal | None:
        return pct(self.no_shows, self.paid)

    def channel_shares(self) -> list[tuple[str, int, Decimal | None]]:
        whole = sum(self.channels.values())
        return [(c, n, pct(n, whole)) for c, n in self.channels.items()]


def totals_of(rows: list[SailingFigures]) -> Totals:
    t = Totals()
    for r in rows:
        t.sailings += 1
        t.capacity += r.capacity
        t.sold += r.sold
        t.paid += r.paid
        t.no_shows += r.no_shows or 0
        t.gross += r.gross
        t.refunds += r.refunds
        t.refund_count += r.refund_count
        for c, n in r.channels.items():
            t.channels[c] += n
    return t


# --- booking pace ---------------------------------------------------------------------------------------------

@dataclass
class PaceRow:
    """A route (an event: one excursion programme) and ISO week: tickets sold by N days before departure."""

    event_id: int
    route: str
    week: int
    year: int
    sailings: int = 0
    by_day: dict = field(default_factory=lambda: dict.fromkeys(PACE_DAYS, 0))
    previous: dict | None = None  # the same ISO week of the year before, where it had sailings

    @property
    def final(self) -> int:
        return self.by_day[0]


def booking_pace(events, first: datetime, last: datetime, vessel=None, pier=None) -> list[PaceRow]:
    """
    Per route and week of ``[first, last)``: cumulative places sold (orders pending or paid, not cancelled)
    60, 30, … 0 days before departure, beside the same ISO weeks one year earlier. Grouped in SQL by
    route, ISO year, week and pace bucket.
    """
    current = _pace_counts(events, first, last, vessel, pier)
    prior = _pace_counts(events, first - timedelta(days=364), last - timedelta(days=364), vessel, pier)
    return pace_from((current, prior), {e.pk: str(e.name) for e in events})


def _pace_counts(events, first, last, vessel, pier) -> dict:
    sailings = sailings_in(events, first, last, vessel, pier).filter(subevent__isnull=False)
    per_week = (sailings.annotate(y=ExtractIsoYear("subevent__date_from"), w=ExtractWeek("subevent__date_from"))
                .values("event_id", "y", "w").annotate(n=Count("id")))
    found = {(r["event_id"], r["y"], r["w"]): (r["n"], dict.fromkeys(PACE_DAYS, 0)) for r in per_week}
    if not found:
        return {}
    departure = "subevent__date_from"
    from django.db.models import F

    buckets = {f"d{d}": Count("id", filter=Q(order__datetime__lte=F(departure) - timedelta(days=d)))
               for d in PACE_DAYS}
    for r in (OrderPosition.objects.filter(
            subevent__ticketing_sailing__in=sailings, item__admission=True,
            order__status__in=(Order.STATUS_PENDING, Order.STATUS_PAID))
            .annotate(y=ExtractIsoYear(departure), w=ExtractWeek(departure))
            .values("order__event_id", "y", "w").annotate(**buckets)):
        entry = found.get((r["order__event_id"], r["y"], r["w"]))
        if entry is not None:
            for d in PACE_DAYS:
                entry[1][d] += r[f"d{d}"]
    return found


def pace_per_sailing(sailings) -> dict[int, dict[int, int]]:
    """Subevent id → places sold (pending or paid) by each of :data:`PACE_DAYS` before departure, one statement."""
    from django.db.models import F

    buckets = {f"d{d}": Count("id", filter=Q(order__datetime__lte=F("subevent__date_from") - timedelta(days=d)))
               for d in PACE_DAYS}
    return {r["subevent_id"]: {d: r[f"d{d}"] for d in PACE_DAYS} for r in OrderPosition.objects.filter(
        subevent_id__in=sailings.filter(subevent__isnull=False).values("subevent_id"), item__admission=True,
        order__status__in=(Order.STATUS_PENDING, Order.STATUS_PAID)).values("subevent_id").annotate(**buckets)}


def pace_from(per_week, names: dict) -> list[PaceRow]:
    """``{(event_id, iso_year, week): (sailings, by_day)}`` of this period and the year before → the pace rows."""
    current, prior = per_week
    out = []
    for (event_id, year, week), (sailings, by_day) in sorted(current.items(), key=lambda kv: (
            names.get(kv[0][0], ""), kv[0][1], kv[0][2])):
        before = prior.get((event_id, year - 1, week))
        out.append(PaceRow(event_id=event_id, route=names.get(event_id, ""), week=week, year=year,
                           sailings=sailings, by_day=by_day, previous=before[1] if before else None))
    return out


def period_days(start: date, end: date) -> int:
    return (end - start).days + 1
