"""
Bounds on the charter holds anonymous callers can make.

A hold blocks a vessel for everybody else, and the charter form needs no account and no cookie: without
bounds, a few requests hold every start time of a day, again and again. Three bounds, each a Django setting
with a default that lets a real customer book (and change their mind) without noticing:

- ``PRICHAL_RENTAL_HOLD_MINUTES`` (15): a charter hold's own lifetime, never longer than pretix's
  reservation time: an abandoned checkout frees the vessel after this, not after the cart's half hour.
- ``PRICHAL_RENTAL_HOLDS_PER_CLIENT`` (3): live holds per client address and offer (per session it is one
  already: a cart holds one charter), and ``PRICHAL_RENTAL_HOLD_DAY_SHARE`` (0.5): a client's holds on one
  vessel and opening day may cover at most this share of the day (a first hold of any length is allowed).
- ``PRICHAL_RENTAL_BOOKINGS_PER_HOUR`` (20): booking attempts per client address and offer in an hour,
  counted atomically in the cache (Redis in production), so parallel requests cannot slip past it.

The client address is pretix's ``get_client_ip`` (``X-Forwarded-For`` only when the configuration trusts
the proxy), stored and counted as a salted hash only.
"""
import hashlib
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Sum
from django.utils.timezone import now
from django.utils.translation import gettext as _

from pretix.helpers.http import get_client_ip

from .errors import RentalError
from .models import RentalOffer, VesselOccupancy
from .occupancy import active_q

RATE_WINDOW = timedelta(hours=1)


class HoldRefused(RentalError):
    """The client holds (or tried) too much; shown with HTTP 429."""


def _setting(name: str, default):
    return getattr(settings, name, default)


def hold_lifetime(event) -> timedelta:
    """How long a charter hold lives without checkout activity: ours, capped by pretix's reservation time."""
    ours = int(_setting("PRICHAL_RENTAL_HOLD_MINUTES", 15))
    pretix = event.settings.get("reservation_time", as_type=int) or ours
    return timedelta(minutes=max(1, min(ours, pretix)))


def client_key(request) -> str:
    """The caller's address, hashed with the instance secret: enough to count, nothing to identify them."""
    raw = f"{settings.SECRET_KEY}:rentals:{get_client_ip(request) or '-'}"
    return hashlib.sha256(raw.encode()).hexdigest()


def count_attempt(offer: RentalOffer, client: str) -> None:
    """One more booking attempt of ``client`` on ``offer``; raises HoldRefused past the hourly limit."""
    limit = int(_setting("PRICHAL_RENTAL_BOOKINGS_PER_HOUR", 20))
    key = f"ticketing_rentals:attempts:{offer.pk}:{client}"
    cache.add(key, 0, timeout=int(RATE_WINDOW.total_seconds()))
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr: this is the first attempt of a new window
        cache.add(key, 1, timeout=int(RATE_WINDOW.total_seconds()))
        count = 1
    if count > limit:
        raise HoldRefused(_("Too many booking attempts from your network. Please try again in an hour or "
                            "contact us by phone."))


def lock_client(offer: RentalOffer, client: str) -> None:
    """
    Serialise the bound check and the insert of one client's holds (PostgreSQL advisory lock, released at
    the end of the caller's transaction): two parallel requests cannot both see "two holds, one more is fine".
    """
    if connection.vendor != "postgresql" or not client:
        return
    key = int(hashlib.sha256(f"{offer.pk}:{client}".encode()).hexdigest()[:15], 16)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def check_bounds(offer: RentalOffer, client: str, vessel, start: datetime, minutes: int,
                 at: datetime | None = None) -> None:
    """Refuse a new hold of ``client`` that would exceed its number of holds or its share of the day."""
    if not client:
        return
    from .services import _window_of

    at = at or now()
    live = VesselOccupancy.objects.filter(active_q(at), offer=offer, kind=VesselOccupancy.KIND_HOLD, client=client)
    if live.count() >= int(_setting("PRICHAL_RENTAL_HOLDS_PER_CLIENT", 3)):
        raise HoldRefused(_("You are already holding as many charter times as one visitor can. Please complete "
                            "or remove a booking first, or wait until its reservation ends."))
    window = _window_of(offer, start)
    if window is None:
        return
    held = (live.filter(vessel=vessel, starts_at__gte=window[0], starts_at__lt=window[1])
            .aggregate(total=Sum(F("ends_at") - F("starts_at")))["total"])
    if held is None:
        return
    share = float(_setting("PRICHAL_RENTAL_HOLD_DAY_SHARE", 0.5))
    if held + timedelta(minutes=minutes) > (window[1] - window[0]) * share:
        raise HoldRefused(_("You are already holding a large part of this vessel's day. Please complete or "
                            "remove a booking first, or wait until its reservation ends."))
