"""
``/_prichal/health/``: what Prichal depends on beyond pretix's ``/healthcheck/`` (database, cache), for a probe
every 30 seconds: the payment API, the SMS gateway, the Celery queue.

Addons register their checks here (``register``; ticketing_yoomoney registers YooKassa, the notifications slice
the SMS gateway), so core knows none of them. Outbound checks are cached (``ttl``, 60 s by default) in pretix's
cache, so probes from several monitors never multiply calls to YooKassa or SMS.ru; the answer is the check
names and one word each ("ok", "fail", "off", "slow"), never an address, a shop id or an error text. The page is
unauthenticated (a blackbox prober has no login) and limited to 60 requests a minute per client address.
"""
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from pretix.helpers.http import get_client_ip

logger = logging.getLogger(__name__)

OK, FAIL, OFF, SLOW = "ok", "fail", "off", "slow"
RATE_LIMIT = 60  # requests a minute per client address
QUEUE_STUCK_SECONDS = 60


@dataclass(frozen=True)
class Check:
    name: str
    run: Callable[[], str]  # returns OK / OFF / SLOW, or raises: FAIL
    ttl: int = 60


_checks: dict[str, Check] = {}
# Per process, under pretix's shared cache (which is a dummy without Redis or memcached, as in development):
# key -> (expires at, value).
_local: dict[str, tuple[float, object]] = {}


def _get(key: str):
    hit = _local.get(key)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    return cache.get(key)


def _set(key: str, value, ttl: int) -> None:
    if len(_local) > 10000:
        _local.clear()
    _local[key] = (time.monotonic() + ttl, value)
    cache.set(key, value, ttl)


def register(name: str, run: Callable[[], str], ttl: int = 60) -> None:
    """Add (or replace) a dependency check; ``run`` answers OK, OFF (not configured) or SLOW, or raises."""
    _checks[name] = Check(name, run, ttl)


def run_check(check: Check) -> str:
    key = f"prichal_health:{check.name}"
    cached = _get(key)
    if cached is not None:
        return cached
    try:
        result = check.run()
        result = result if result in (OK, OFF, SLOW) else FAIL
    except Exception as e:  # noqa: BLE001 - any failure is "fail"; the reason goes to the log only
        which = check.name  # a check's name ("yookassa"), not a person's
        logger.warning("health check %s failed: %s", which, type(e).__name__)
        result = FAIL
    _set(key, result, check.ttl)
    return result


def results() -> dict[str, str]:
    return {name: run_check(check) for name, check in sorted(_checks.items())}


def _rate_limited(request) -> bool:
    key = f"prichal_health_rl:{get_client_ip(request)}:{int(time.time() // 60)}"
    if not getattr(settings, "REAL_CACHE_USED", False):
        count = int(_get(key) or 0) + 1
        _set(key, count, 70)
        return count > RATE_LIMIT
    cache.add(key, 0, 70)
    try:
        return cache.incr(key) > RATE_LIMIT
    except ValueError:  # evicted between add and incr
        return False


def clear_local() -> None:
    """Forget this process's cached answers (tests)."""
    _local.clear()


@never_cache
@require_GET
def health(request):
    if _rate_limited(request):
        return HttpResponse('{"status": "rate_limited"}', status=429, content_type="application/json")
    checks = results()
    healthy = all(v in (OK, OFF) for v in checks.values())
    body = {"status": OK if healthy else FAIL, "checks": checks}
    return HttpResponse(json.dumps(body), status=200 if healthy else 503, content_type="application/json")


# ---- core's own: the Celery queues (pretix's broker, the same numbers as pretix's /metrics) ------------------

def celery_queues() -> str:
    """SLOW when a queue's oldest task waits longer than a minute; OFF without a broker (tasks run eagerly)."""
    if not getattr(settings, "HAS_CELERY", False):
        return OFF
    from pretix.celery_app import app

    with app.broker_connection() as conn:
        client = getattr(conn.default_channel, "client", None)
        if client is None:
            return OFF
        for queue in settings.CELERY_TASK_QUEUES:
            oldest = client.lindex(queue.name, -1)
            if oldest and time.time() - json.loads(oldest).get("created", time.time()) > QUEUE_STUCK_SECONDS:
                return SLOW
    return OK


register("celery", celery_queues, ttl=15)
