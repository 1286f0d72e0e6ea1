"""
Prichal's metrics, through pretix's own classes (``pretix.base.metrics``): they live in one Redis hash, so every
gunicorn and Celery worker reports into pretix's single ``/metrics`` endpoint (``[metrics]`` in pretix.cfg).

Each addon defines the metrics of what it owns in its own ``metrics.py`` (ticketing_yoomoney: payments,
webhooks, receipts; ``notifications/metrics.py``: SMS and e-mail; …) with the helpers here. Rules:

* one Redis operation per increment (a histogram: one pipeline), never a query: increments sit on the
  checkout path;
* low cardinality: label values come from short fixed vocabularies (:func:`label`), never order codes,
  sailing ids, e-mails or phones;
* a metric never breaks what it measures: a Redis error is logged and swallowed (:func:`safely`).
Gauges that need a query (holds active, oldest unsent message) are set by periodic tasks, not on a request.
"""
import logging
import re
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from decimal import Decimal

from pretix.base.metrics import Counter, Gauge, Histogram

logger = logging.getLogger(__name__)

INF = float("inf")
OTHER = "other"
_SAFE = re.compile(r"[^a-z0-9_.-]")

__all__ = ["Counter", "Gauge", "Histogram", "INF", "label", "safely", "timed"]


def label(value, allowed: Iterable[str] | None = None, max_length: int = 32) -> str:
    """
    A label value safe for pretix's exposition (no quotes or braces; pretix does not escape) and of low
    cardinality: one of ``allowed`` or "other"; without ``allowed``, a short lower-case identifier.
    """
    text = str(value or "").strip().lower()
    if allowed is not None:
        return text if text in set(allowed) else OTHER
    text = _SAFE.sub("_", text)[:max_length]
    return text or "none"


def safely(fn: Callable, *args, **kwargs) -> None:
    """Run one metric update; a missing or failing Redis never fails the payment, the order or the message."""
    try:
        fn(*args, **kwargs)
    except Exception:  # noqa: BLE001 - metrics are best effort, the business operation is not
        logger.warning("metric update %s failed", getattr(fn, "__qualname__", fn), exc_info=True)


@contextmanager
def timed(histogram: Histogram, **labels):
    """Observe the seconds the block took (also when it raises)."""
    start = time.monotonic()
    try:
        yield
    finally:
        safely(histogram.observe, max(time.monotonic() - start, 0.0), **labels)


# ---- sales: orders and revenue by sales channel (pretix's order_placed / order_paid) ------------------------

# pretix's sales channel *types* (an organizer may name many channels; their types are a fixed vocabulary)
CHANNELS = ("web", "api", "pretixpos", "pretixkiosk", "resellers", "cyberport", "pretixsecure", "unknown")

orders_total = Counter("prichal_orders_total", "Orders by sales channel and state reached (placed, paid).",
                       ["channel", "state"])
revenue_rub_total = Counter("prichal_revenue_rub_total",
                            "Order totals in RUB (kopecks as decimals) by sales channel, counted when an order "
                            "is paid.", ["channel"])


def channel_of(order) -> str:
    """
    The type of the order's sales channel: from the loaded channel when pretix has it, else from a process-wide
    map of channel id to type (a channel's type never changes), filled by one query per channel and process.
    """
    field = type(order)._meta.get_field("sales_channel")
    if field.is_cached(order):
        channel = order.sales_channel
        _channel_types[order.sales_channel_id] = label(getattr(channel, "type", ""), CHANNELS)
    elif order.sales_channel_id not in _channel_types and len(_channel_types) < 1000:
        from django_scopes import scopes_disabled

        from pretix.base.models import SalesChannel

        with scopes_disabled():
            found = SalesChannel.objects.filter(pk=order.sales_channel_id).values_list("type", flat=True).first()
        _channel_types[order.sales_channel_id] = label(found or "unknown", CHANNELS)
    return _channel_types.get(order.sales_channel_id, "unknown")


_channel_types: dict[int, str] = {}


def count_placed(order) -> None:
    safely(orders_total.inc, channel=channel_of(order), state="placed")


def count_paid(order) -> None:
    channel = channel_of(order)
    safely(orders_total.inc, channel=channel, state="paid")
    safely(revenue_rub_total.inc, float(Decimal(order.total)), channel=channel)
