"""
Whether an event has a charter offer is asked on every cart and checkout step of every event (issue 21): with a
real cache an excursion answers without a query, and creating or deleting an offer is seen at once.
"""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pretix.base.models import Event

from ticketing_rentals import cart
from ticketing_rentals.testing import RATES, make_rental_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_cache(settings):
    settings.CACHES = {**settings.CACHES, "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                                      "LOCATION": "rentals-offer-cache-tests"}}
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


def fresh(event: Event) -> Event:
    """A new object for the event, as the next request has (offer_of also keeps its answer per object)."""
    return Event.objects.get(pk=event.pk)


def test_an_excursion_asks_no_query_once_the_answer_is_cached(real_cache, series):
    assert cart.offer_of(fresh(series)) is None
    event = fresh(series)
    with CaptureQueriesContext(connection) as ctx:
        assert cart.offer_of(event) is None
        assert cart.check_positions(event, []) == []
    assert len(ctx.captured_queries) == 0, [q["sql"] for q in ctx.captured_queries]


def test_a_new_offer_and_a_deleted_one_are_seen_at_once(real_cache, charter, yacht):
    assert cart.offer_of(fresh(charter)) is None  # cached: no offer yet
    offer = make_rental_offer(charter, {yacht: 10}, rates=RATES)
    found = cart.offer_of(fresh(charter))
    assert found is not None and found.pk == offer.pk
    assert cart.offer_id_of(fresh(charter)) == offer.pk
    offer.delete()
    assert cart.offer_of(fresh(charter)) is None
