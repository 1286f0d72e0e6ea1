"""
The date page of a visitor holding a cart is served from a page shared by such visitors with their own parts put
in (catalogue/cart_page.py): what each visitor receives must be what pretix renders for them.
"""
# ruff: noqa: F811 - pytest fixtures imported from shop_fixtures are used as arguments
import re
from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.test import Client

from ticketing_website.catalogue import cart_page

from .shop_fixtures import catalogue, fleet, msk, real_cache  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def _normal(html: bytes) -> str:
    """The page less what differs between two renders for the same visitor: the clock and Django's CSRF mask."""
    text = html.decode()
    text = re.sub(r'data-now="[^"]*"', 'data-now=""', text)
    text = re.sub(r'(name="csrfmiddlewaretoken" value=")[^"]*"', r'\1"', text)
    return re.sub(r'(id="cart-deadline-short"[^>]*>)\s*[^<]*', r"\1", text)


def _add(client, event, subevent, item, count=1):
    resp = client.post(f"/{event.organizer.slug}/{event.slug}/cart/add",
                       {f"item_{item.pk}": str(count), "subevent": subevent.pk})
    assert resp.status_code == 302
    return resp["Location"]


class _Spy:
    """Counts the pages served from the shared one."""

    def __init__(self):
        self.served = 0
        self._serve = cart_page.serve

    def __call__(self, *args, **kwargs):
        response = self._serve(*args, **kwargs)
        self.served += response is not None
        return response


def _computed(client, url, messages=None):
    """The same visitor's page as pretix computes it: with sharing switched off for one request."""
    if messages is not None:
        session = client.session
        session["_messages"] = messages
        session.save()
    with mock.patch.object(cart_page, "serve", lambda *a, **k: None), \
            mock.patch.object(cart_page, "store", lambda *a, **k: None):
        return client.get(url)


@pytest.fixture
def sailing(catalogue):
    first = catalogue["evening"][0]
    event = first.event
    return event, first.subevent, event.items.filter(admission=True).order_by("pk")


def _stored() -> list[bytes]:
    """The stored pages of visitors holding a cart (the test cache is Django's local-memory one)."""
    import pickle

    values = [pickle.loads(v) for v in cache._cache.values()]  # noqa: S301 - the test's own cache
    return [v for v in values if isinstance(v, bytes) and b"\x00cart\x00" in v]


def _cart_of(client, event):
    cart_id = client.session["current_cart_event_%d" % event.pk]
    return {str(p.pk) for p in event.cartposition_set.filter(cart_id=cart_id)}


def test_a_visitor_with_a_cart_gets_the_shared_page_with_their_own_cart_as_pretix_draws_it(organizer, sailing,
                                                                                              real_cache):
    event, subevent, items = sailing
    adult = items.first()
    anna, boris, clara = Client(), Client(), Client()
    spy = _Spy()
    with mock.patch.object(cart_page, "serve", spy):
        url = _add(anna, event, subevent, adult, 2)
        assert "require_cookie" in url
        first = anna.get(url)  # computed by pretix and stored with Anna's parts cut out
        assert spy.served == 0 and first.status_code == 200
        stored = _stored()
        assert len(stored) == 1 and b"\x00messages\x00" in stored[0] and b"\x00title\x00" in stored[0]
        assert not any(f'value="{pk}"'.encode() in stored[0] for pk in _cart_of(anna, event))
        assert any(f'value="{pk}"'.encode() in first.content for pk in _cart_of(anna, event))  # her remove button

        _add(boris, event, subevent, adult, 1)
        _add(boris, event, subevent, adult, 1)  # as many tickets as Anna ("2× in your cart"), in a cart of his own
        messages = boris.session["_messages"]
        served = boris.get(url)
        assert spy.served == 1
    computed = _computed(boris, url, messages)
    assert _normal(served.content) == _normal(computed.content)

    # Boris sees his own cart (his own remove buttons), his own message, never Anna's cart
    page = BeautifulSoup(served.content.decode(), "html.parser")
    mine, annas = _cart_of(boris, event), _cart_of(anna, event)
    assert len(mine) == 2 and len(annas) == 2 and not mine & annas
    removable = {i["value"] for i in page.select("form[action$='cart/remove'] input[name=id]")}
    assert removable and removable <= mine
    assert "корзин" in page.select_one("title").get_text().lower()  # pretix's "added to your cart" message
    assert page.select_one("#cart-deadline-short")["data-expires"]

    # another number of tickets is another page: pretix's product list says "1× in your cart"
    with mock.patch.object(cart_page, "serve", spy):
        _add(clara, event, subevent, adult, 1)
        messages = clara.session["_messages"]
        page = clara.get(url)
    assert spy.served == 1 and len(_stored()) == 2
    assert _normal(page.content) == _normal(_computed(clara, url, messages).content)


def test_a_page_without_a_pending_message_and_the_next_post_with_its_csrf_token(organizer, sailing, real_cache):
    event, subevent, items = sailing
    adult = items.first()
    anna = Client()
    url = _add(anna, event, subevent, adult, 2)
    anna.get(url)  # stores the page
    boris = Client(enforce_csrf_checks=True)
    boris.get(f"/{organizer.slug}/{event.slug}/{subevent.pk}/")  # the CSRF cookie, from the anonymous page
    token = boris.cookies["pretix_csrftoken"].value if "pretix_csrftoken" in boris.cookies else None
    resp = boris.post(f"/{organizer.slug}/{event.slug}/cart/add",
                      {f"item_{adult.pk}": "1", "subevent": subevent.pk,
                       "csrfmiddlewaretoken": _token(boris.get(f"/{organizer.slug}/{event.slug}/{subevent.pk}/"))
                       if token is None else token})
    assert resp.status_code == 302
    boris.get(url)  # takes the message
    spy = _Spy()
    with mock.patch.object(cart_page, "serve", spy):
        served = boris.get(url)  # no pending message now
    assert spy.served == 1
    assert _normal(served.content) == _normal(_computed(boris, url).content)
    assert not BeautifulSoup(served.content.decode(), "html.parser").select(".alert-success")

    # the page's own token (in the shared part and in Boris's cart box) passes pretix's CSRF check
    position = event.cartposition_set.get(cart_id=boris.session["current_cart_event_%d" % event.pk])
    resp = boris.post(f"/{organizer.slug}/{event.slug}/cart/remove",
                      {"id": position.pk, "csrfmiddlewaretoken": _token(served)})
    assert resp.status_code == 302, resp.content.decode()[:300]
    assert not event.cartposition_set.filter(pk=position.pk).exists()
    # an empty cart is no longer shared: pretix computes the page, without a cart box
    with mock.patch.object(cart_page, "serve", spy):
        page = boris.get(f"/{organizer.slug}/{event.slug}/{subevent.pk}/")
    assert spy.served == 1 and b"cart-deadline-short" not in page.content


def _token(resp) -> str:
    return BeautifulSoup(resp.content.decode(), "html.parser").select_one("input[name=csrfmiddlewaretoken]")["value"]


def test_the_shared_cart_page_never_reaches_anonymous_visitors_and_expires_like_the_anonymous_page(
        organizer, sailing, real_cache):
    from ticketing_core.testing import factories

    event, subevent, items = sailing
    adult = items.first()
    anna = Client()
    url = _add(anna, event, subevent, adult, 2)
    assert "осталось 58 мест" in anna.get(url).content.decode()
    date = f"/{organizer.slug}/{event.slug}/{subevent.pk}/"
    assert b"cart-deadline-short" not in Client().get(date).content
    assert b"cart-deadline-short" not in Client().get(url).content  # the address of the stored page, no cart

    factories.make_order(event, subevent, [adult] * 10)
    boris = Client()
    _add(boris, event, subevent, adult, 2)
    assert "осталось 58 мест" in boris.get(url).content.decode()  # the page computed a moment ago
    cache.clear()
    _add(boris, event, subevent, adult, 1)
    assert "осталось 45 мест" in boris.get(url).content.decode()


def test_a_logged_in_customer_a_seat_map_or_other_session_state_is_computed(organizer, sailing, real_cache):
    event, subevent, items = sailing
    adult = items.first()
    anna = Client()
    url = _add(anna, event, subevent, adult, 1)
    anna.get(url)
    boris = Client()
    _add(boris, event, subevent, adult, 1)
    session = boris.session
    session["pretix_event_access_%d" % event.pk] = "x"
    session.save()
    spy = _Spy()
    with mock.patch.object(cart_page, "serve", spy):
        boris.get(url)
        with mock.patch.object(cart_page, "_has_seat_map", lambda *a: True):
            anna.get(url)
    assert spy.served == 0


def test_a_page_stored_for_a_visitor_without_a_message_is_drawn_once_more_with_a_marker(organizer, sailing,
                                                                                          real_cache):
    """The plain date address, visited with a cart and no pending message: stored from a second drawing of pretix's
    page with a marker message of its own, which neither the visitor nor their session ever sees."""
    event, subevent, items = sailing
    adult = items.first()
    date = f"/{organizer.slug}/{event.slug}/{subevent.pk}/"
    anna, boris = Client(), Client()
    anna.get(_add(anna, event, subevent, adult, 2))  # takes the "added" message
    first = anna.get(date)  # computed, then drawn again with the marker and stored
    assert cart_page.MARKER.encode() not in first.content and b"\x00" not in first.content
    assert "_messages" not in anna.session or not anna.session["_messages"]
    stored = _stored()  # the page after "add to cart" (with its message) and this one
    assert len(stored) == 2 and not any(cart_page.MARKER.encode() in page for page in stored)
    assert _normal(first.content) == _normal(_computed(anna, date).content)

    _add(boris, event, subevent, adult, 1)
    boris.get(_add(boris, event, subevent, adult, 1))  # two tickets, as Anna
    spy = _Spy()
    with mock.patch.object(cart_page, "serve", spy):
        served = boris.get(date)
    assert spy.served == 1
    assert _normal(served.content) == _normal(_computed(boris, date).content)
    assert b"\x00" not in served.content


def test_visitors_with_the_same_cart_wait_for_the_page_another_is_computing_and_claims_end(organizer, sailing,
                                                                                          real_cache):
    """
    At a sale's start buyers put the same ticket in their carts together: the first computes the shared page, the
    others with the same cart get it once stored (catalogue/cache.lookup) instead of each computing it.
    """
    from ticketing_website.catalogue import cache as page_cache

    event, subevent, items = sailing
    adult = items.first()
    anna, boris = Client(), Client()
    spy = _Spy()
    with mock.patch.object(cart_page, "serve", spy):
        url = _add(anna, event, subevent, adult, 1)
        anna.get(url)  # computed by pretix and stored
        assert spy.served == 0 and len(_stored()) == 1
        assert not [k for k in cache._cache if k.endswith(":computing")]  # Anna's claim ended with her page
        names = [k.split(":", 2)[2] for k in cache._cache]
        key = next(k for k in names if isinstance(cache.get(k), bytes) and b"\x00cart\x00" in cache.get(k))
        content = cache.get(key)
        cache.delete(key)
        assert cache.add(key + ":computing", 1, page_cache.WAIT)  # Clara, with the same cart, is computing it

        def clara_stores(seconds):
            cache.set(key, content, page_cache.TIMEOUT)
            cache.delete(key + ":computing")

        _add(boris, event, subevent, adult, 1)
        messages = boris.session["_messages"]
        with mock.patch.object(page_cache.time, "sleep", side_effect=clara_stores) as slept:
            served = boris.get(url)
        assert slept.call_count == 1 and spy.served == 1
    assert _normal(served.content) == _normal(_computed(boris, url, messages).content)
