"""
Issue 22, finding 4: anonymous, cookie-less requests could hold every start time of a yacht's day. A client
address holds a bounded number and share of charters, its attempts are rate limited (behind the proxy too),
and a hold lives a short lifetime of its own, after which the periodic task frees the vessel.
"""
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils.timezone import now
from django.utils.translation import override
from freezegun import freeze_time

from pretix.base.models import CartPosition

from ..models import VesselOccupancy
from ..signals import release_lapsed_holds
from .test_rentals_checkout import at
from .test_rentals_pages import shop


@pytest.fixture(autouse=True)
def _empty_cache(settings):
    """The test settings use a dummy cache; the attempt counter needs a real one (Redis in production)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


def post(offer, yacht, day, hour, minutes=60, ip="203.0.113.7", lang="ru", **headers):
    """One booking from a fresh browser: no cookies, no session, one address."""
    return Client(REMOTE_ADDR=ip, HTTP_ACCEPT_LANGUAGE=lang, **headers).post(shop(offer), {
        "vessel": yacht.pk, "date": day.isoformat(), "duration": minutes, "start": at(day, hour).isoformat(),
        "guests": 2, "action": "book"})


def holds(offer):
    return VesselOccupancy.objects.filter(offer=offer, kind=VesselOccupancy.KIND_HOLD, released_at__isnull=True)


@pytest.mark.django_db
def test_one_address_without_cookies_holds_three_charters_and_a_fourth_is_refused(offer, yacht, mon, settings):
    settings.PRICHAL_RENTAL_HOLDS_PER_CLIENT = 3
    for hour in (10, 12, 14):
        assert post(offer, yacht, mon, hour).status_code == 302
    response = post(offer, yacht, mon, 16)
    assert response.status_code == 429
    assert "Вы уже удерживаете" in response.content.decode()
    assert holds(offer).count() == 3
    # another visitor still books the day's free times
    assert post(offer, yacht, mon, 16, ip="198.51.100.20").status_code == 302
    assert holds(offer).count() == 4


@pytest.mark.django_db
def test_one_client_cannot_hold_more_than_its_share_of_a_vessels_day(offer, yacht, mon, settings):
    settings.PRICHAL_RENTAL_HOLDS_PER_CLIENT = 10
    settings.PRICHAL_RENTAL_HOLD_DAY_SHARE = 0.5  # Monday is open 10:00–22:00: six hours per client
    assert post(offer, yacht, mon, 10, minutes=240).status_code == 302
    assert post(offer, yacht, mon, 15, minutes=120).status_code == 302
    response = post(offer, yacht, mon, 18, minutes=60, lang="zh-hans")
    assert response.status_code == 429
    assert "您已占用" in response.content.decode()
    held = sum((h.duration for h in holds(offer)), timedelta())
    assert held <= timedelta(hours=6)


@pytest.mark.django_db
def test_the_limit_holds_behind_the_proxy_by_the_forwarded_address(offer, yacht, mon, settings):
    settings.TRUST_X_FORWARDED_FOR = True
    settings.PRICHAL_RENTAL_HOLDS_PER_CLIENT = 1
    proxy = "10.0.0.2"
    assert post(offer, yacht, mon, 10, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 302
    assert post(offer, yacht, mon, 12, ip=proxy, HTTP_X_FORWARDED_FOR="203.0.113.9").status_code == 429
    # another customer behind the same proxy is another client
    assert post(offer, yacht, mon, 12, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.3").status_code == 302


@pytest.mark.django_db
def test_booking_attempts_are_rate_limited_per_address(offer, yacht, mon, settings):
    settings.PRICHAL_RENTAL_BOOKINGS_PER_HOUR = 2
    settings.PRICHAL_RENTAL_HOLDS_PER_CLIENT = 10
    assert post(offer, yacht, mon, 10).status_code == 302
    assert post(offer, yacht, mon, 12).status_code == 302
    response = post(offer, yacht, mon, 14, lang="en")
    assert response.status_code == 429 and "Too many booking attempts" in response.content.decode()
    assert holds(offer).count() == 2
    assert post(offer, yacht, mon, 14, ip="198.51.100.20").status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize(("pretix_minutes", "lifetime"), [(30, 15), (5, 5)])
def test_a_hold_lives_its_own_short_lifetime_and_the_periodic_task_frees_the_vessel(offer, yacht, mon, settings,
                                                                                    pretix_minutes, lifetime):
    """Ours (15 minutes) unless pretix's reservation time is shorter: then pretix's wins."""
    settings.PRICHAL_RENTAL_HOLD_MINUTES = 15
    offer.event.settings.reservation_time = pretix_minutes
    started = now()
    assert post(offer, yacht, mon, 10).status_code == 302
    hold = holds(offer).get()
    position = CartPosition.objects.get(pk=hold.cart_position_id)
    assert started + timedelta(minutes=lifetime - 1) < hold.expires <= started + timedelta(minutes=lifetime + 1)
    assert position.expires <= started + timedelta(minutes=lifetime + 1)
    with freeze_time(started + timedelta(minutes=lifetime + 2)), override("ru"):
        release_lapsed_holds(None)
    hold.refresh_from_db()
    assert hold.released_at is not None
