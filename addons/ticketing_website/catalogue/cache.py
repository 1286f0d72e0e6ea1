"""
Short-lived caching of what every visitor sees alike: the catalogue page of anonymous visitors and the event
page's facts, schedule and JSON-LD. 15 seconds, as pretix caches its own event lists; places are checked again
by pretix when a ticket goes into the cart, so a count up to 15 s old never sells a place twice. Without a real
cache (no Redis configured) nothing is cached and every page is computed fresh.
"""
import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

TIMEOUT = 15


def enabled() -> bool:
    return bool(getattr(settings, "REAL_CACHE_USED", False))


def key(*parts) -> str:
    return "ticketing_website:" + hashlib.sha256(":".join(str(p) for p in parts).encode()).hexdigest()[:40]


def cached(parts: tuple, compute: Callable[[], str], timeout: int = TIMEOUT) -> str:
    """``compute()``'s result, shared by every request with the same ``parts`` for ``timeout`` seconds."""
    if not enabled():
        return compute()
    k = key(*parts)
    value = cache.get(k)
    if value is None:
        value = compute()
        cache.set(k, value, timeout)
    return value
