"""The event page: description, vessel, pier with a map link, duration, price from, schedule with availability."""
# ruff: noqa: F811 - pytest fixtures imported from shop_fixtures are used as arguments
import re

import pytest
from bs4 import BeautifulSoup

from .shop_fixtures import catalogue, fleet, msk, real_cache  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def text_of(resp, selector) -> str:
    soup = BeautifulSoup(resp.content.decode(), "html.parser")
    return " ".join(" ".join(el.get_text(" ") for el in soup.select(selector)).split())


def test_date_page_shows_vessel_pier_map_link_duration_price_and_refund_deadline(client, organizer, catalogue, fleet):
    first = catalogue["evening"][0]
    resp = client.get(f"/{organizer.slug}/{first.event.slug}/{first.subevent_id}/")
    assert resp.status_code == 200
    facts = text_of(resp, ".tw-event")
    assert "Фонтанка" in facts and "Пледы, туалет" in facts and "Свободная рассадка" in facts
    assert "Дворцовая пристань" in facts and "Дворцовая наб., 2" in facts and "Посадка за 15 минут." in facts
    assert "1 ч 30 мин" in facts
    assert re.search(r"от 900,00\s₽", facts) and "НДС не облагается" in facts and "осталось 60 мест" in facts
    assert "полный возврат до" in facts and "Обмен и переоформление невозможны" in facts
    link = BeautifulSoup(resp.content.decode(), "html.parser").select_one(".tw-fact-pier a")
    assert "Открыть в Яндекс Картах" in link.get_text()
    assert link["href"].startswith("https://yandex.ru/maps/?") and "30.311400%2C59.941250" in link["href"]
    assert link["rel"] == ["noopener", "noreferrer", "nofollow"]


def test_series_page_has_the_schedule_with_live_availability(client, organizer, catalogue):
    jazz = catalogue["jazz"]
    resp = client.get(f"/{organizer.slug}/{jazz.slug}/")
    schedule = text_of(resp, ".tw-schedule")
    assert "Мест нет" in schedule and re.search(r"3\s050,00\s₽", schedule) and "в т.ч. НДС 22 %" in schedule
    evening = catalogue["evening"][0].event
    schedule = text_of(client.get(f"/{organizer.slug}/{evening.slug}/"), ".tw-schedule")
    assert schedule.count("осталось 60 мест") == 2


def test_schedule_updates_when_places_are_sold(client, organizer, catalogue):
    from ticketing_core.testing import factories

    first = catalogue["evening"][0]
    adult = first.event.items.filter(admission=True).first()
    factories.make_order(first.event, first.subevent, [adult] * 48)
    page = client.get(f"/{organizer.slug}/{first.event.slug}/{first.subevent_id}/")
    assert "осталось 12 мест" in text_of(page, ".tw-event")


def test_event_page_in_english_and_chinese(client, organizer, catalogue):
    first = catalogue["evening"][0]
    url = f"/{organizer.slug}/{first.event.slug}/{first.subevent_id}/"
    en = text_of(client.get(url, HTTP_ACCEPT_LANGUAGE="en"), ".tw-event")
    assert "General admission" in en and "Open in Yandex Maps" in en and "1 h 30 min" in en
    zh = text_of(client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans"), ".tw-event")
    assert "自由入座" in zh and "1小时30分钟" in zh


def test_names_staff_typed_once_show_in_the_visitors_language(client, organizer, catalogue, fleet):
    """Vessel, pier, its address and boarding instructions in English and Chinese, not in Cyrillic (issue 16, 9)."""
    boat, pier = fleet["boat"], fleet["palace"]
    boat.name = {"ru": "Катер «Фонтанка»", "en": "Boat Fontanka", "zh-hans": "丰坦卡号游艇"}
    boat.amenities = {"ru": "Пледы, туалет", "en": "Blankets, toilet", "zh-hans": "毛毯、洗手间"}
    boat.save()
    pier.name = {"ru": "Дворцовая пристань", "en": "Palace Pier", "zh-hans": "宫殿码头"}
    pier.address = {"ru": "Дворцовая наб., 2", "en": "2 Palace Embankment", "zh-hans": "宫殿堤岸2号"}
    pier.boarding_instructions = {"ru": "Посадка за 15 минут.", "en": "Board 15 min early.",
                                  "zh-hans": "提前15分钟登船。"}
    pier.save()
    first = catalogue["evening"][0]
    url = f"/{organizer.slug}/{first.event.slug}/{first.subevent_id}/"
    for lang, words in (("en", ["Boat Fontanka", "Palace Pier", "2 Palace Embankment", "Board 15 min early."]),
                        ("zh-hans", ["丰坦卡号游艇", "宫殿码头", "宫殿堤岸2号", "提前15分钟登船。"])):
        facts = text_of(client.get(url, HTTP_ACCEPT_LANGUAGE=lang), ".tw-event")
        assert all(w in facts for w in words), (lang, facts)
        assert not re.search("[А-Яа-яЁё]", facts), (lang, facts)
    ru = text_of(client.get(url, HTTP_ACCEPT_LANGUAGE="ru"), ".tw-event")
    assert "Катер «Фонтанка»" in ru and "Дворцовая наб., 2" in ru


# --- the shared page of anonymous visitors (real cache) ----------------------------------------------------


def _places(resp) -> str:
    return text_of(resp, ".tw-event")


def test_anonymous_visitors_share_the_date_page_for_15_seconds(client, organizer, catalogue, real_cache):
    from django.core.cache import cache

    from ticketing_core.testing import factories

    first = catalogue["evening"][0]
    url = f"/{organizer.slug}/{first.event.slug}/{first.subevent_id}/"
    assert "осталось 60 мест" in _places(client.get(url))
    assert "60 places left" in _places(client.get(url, {"lang": "en"}))
    factories.make_order(first.event, first.subevent, [first.event.items.filter(admission=True).first()] * 10)
    assert "осталось 60 мест" in _places(client.get(url))  # the page computed a moment ago
    assert "60 places left" in _places(client.get(url, {"lang": "en"}))  # the hreflang address is shared too
    assert "places left" in _places(client.get(url, HTTP_ACCEPT_LANGUAGE="en"))  # one page per language
    cache.clear()
    assert "осталось 50 мест" in _places(client.get(url))


def test_a_shared_page_carries_each_visitors_own_csrf_token(organizer, catalogue, real_cache):
    """The add-to-cart form of a stored page must work for the next visitor, whose CSRF cookie is another."""
    from django.test import Client

    first = catalogue["evening"][0]
    url = f"/{organizer.slug}/{first.event.slug}/{first.subevent_id}/"
    adult = first.event.items.filter(admission=True).first()
    Client().get(url)  # stores the page
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    token = BeautifulSoup(page.content.decode(), "html.parser").select_one("input[name=csrfmiddlewaretoken]")["value"]
    assert "\x00" not in token and len(token) == 64
    resp = visitor.post(f"/{organizer.slug}/{first.event.slug}/cart/add",
                        {f"item_{adult.pk}": "1", "csrfmiddlewaretoken": token, "subevent": first.subevent_id})
    assert resp.status_code == 302, resp.content.decode()[:500]
    assert first.event.cartposition_set.filter(item=adult).count() == 1


def test_a_visitor_with_a_cart_or_an_account_gets_a_page_of_their_own(client, organizer, catalogue, customer,
                                                                      real_cache):
    from django.test import Client

    from ticketing_website.testing import log_in

    first = catalogue["evening"][0]
    url = f"/{organizer.slug}/{first.event.slug}/{first.subevent_id}/"
    adult = first.event.items.filter(admission=True).first()
    Client().get(url)  # stores the anonymous page
    client.post(f"/{organizer.slug}/{first.event.slug}/cart/add",
                {f"item_{adult.pk}": "2", "subevent": first.subevent_id})
    assert "Ваша корзина" in client.get(url).content.decode()
    assert "Ваша корзина" not in Client().get(url).content.decode()  # nor did the cart reach the shared page

    anna = Client()
    log_in(anna, customer)  # the accounts fixtures' customer, Анна Смирнова
    assert "Анна Смирнова" in anna.get(url).content.decode()
    assert "Анна Смирнова" not in Client().get(url).content.decode()


def test_a_voucher_in_the_address_is_never_served_from_the_shared_page(client, organizer, catalogue, real_cache):
    jazz = catalogue["jazz"]
    url = f"/{organizer.slug}/{jazz.slug}/"
    jazz.vouchers.create(code="NEVA10", price_mode="percent", value=10)
    assert "выберите дату, чтобы использовать промокод" not in client.get(url).content.decode()
    assert "выберите дату, чтобы использовать промокод" in client.get(url, {"voucher": "NEVA10"}).content.decode()


def test_pretix_date_calendar_cache_is_switched_on_only_with_a_real_cache(settings):
    from ticketing_website.catalogue.cache import allow_pretix_fragment_cache

    settings.CACHE_LARGE_VALUES_ALLOWED = False
    settings.REAL_CACHE_USED = False
    allow_pretix_fragment_cache()
    assert settings.CACHE_LARGE_VALUES_ALLOWED is False  # a dummy cache would store nothing anyway
    settings.REAL_CACHE_USED = True
    allow_pretix_fragment_cache()
    assert settings.CACHE_LARGE_VALUES_ALLOWED is True


def test_date_page_within_24_hours_says_non_refundable_instead_of_a_past_deadline(client, organizer, catalogue, fleet):
    from datetime import timedelta

    from django.utils.timezone import now

    from ticketing_core.testing import factories

    first = catalogue["evening"][0]
    soon = factories.make_sailing(first.event, first.vessel, first.departure_pier, now() + timedelta(hours=6))
    resp = client.get(f"/{organizer.slug}/{first.event.slug}/{soon.subevent_id}/")
    assert resp.status_code == 200
    facts = text_of(resp, ".tw-event")
    assert "Билет невозвратный: до отправления меньше 24 часов" in facts
    assert "возврат до" not in facts
    resp = client.get(f"/{organizer.slug}/{first.event.slug}/{soon.subevent_id}/?lang=en")
    assert "Non-refundable ticket" in text_of(resp, ".tw-event")


def _claims() -> list[str]:
    """The claims of pages being computed, left in the test's local-memory cache."""
    from django.core.cache import cache

    return [k for k in cache._cache if k.endswith(":computing")]


def _stored_page_key() -> str:
    """The cache key of the one whole page stored (the test cache is Django's local-memory one)."""
    from django.core.cache import cache

    keys = [k.split(":", 2)[2] for k in cache._cache if k.split(":", 2)[2].startswith("ticketing_website:")]
    pages = [k for k in keys if isinstance(cache.get(k), bytes) and b"<html" in cache.get(k)]
    assert len(pages) == 1, pages
    return pages[0]


def _normal_csrf(html: bytes) -> bytes:
    return re.sub(rb'(name="csrfmiddlewaretoken" value=")[^"]*"', rb'\1"', html)


def test_visitors_arriving_while_the_page_is_computed_wait_for_it_instead_of_computing_it_again(
        organizer, catalogue, real_cache):
    """
    When a page expires at a peak, visitors arrive together: the first computes it, the others get its result.
    Here another request has claimed the page (as a concurrent first visitor does) and stores it while this
    visitor waits; the visitor gets that page without pretix computing it.
    """
    from unittest import mock

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ticketing_website.catalogue import cache as page_cache

    first = catalogue["evening"][0]
    url = f"/{organizer.slug}/{first.event.slug}/{first.subevent_id}/"
    computed = Client().get(url).content
    assert not _claims()  # the first visitor's claim ended with its response
    with CaptureQueriesContext(connection) as served:
        Client().get(url)  # served from the stored page
    key = _stored_page_key()
    content = page_cache.cache.get(key)
    page_cache.cache.delete(key)
    assert page_cache.cache.add(key + ":computing", 1, page_cache.WAIT)  # another visitor is computing the page

    def other_visitor_stores(seconds):
        page_cache.cache.set(key, content, page_cache.TIMEOUT)
        page_cache.cache.delete(key + ":computing")

    with mock.patch.object(page_cache.time, "sleep", side_effect=other_visitor_stores) as slept, \
            CaptureQueriesContext(connection) as waited:
        resp = Client().get(url)
    assert slept.call_count == 1
    assert len(waited.captured_queries) == len(served.captured_queries)  # pretix did not compute the page
    assert resp.status_code == 200 and _normal_csrf(resp.content) == _normal_csrf(computed)


def test_a_visitor_waits_for_a_page_being_computed_no_longer_than_the_wait_then_computes_it(organizer, catalogue,
                                                                                          real_cache):
    """A claim whose page never comes (its request failed or was not for sharing) holds nobody up for long."""
    import time
    from unittest import mock

    from django.test import Client

    from ticketing_website.catalogue import cache as page_cache

    first = catalogue["evening"][0]
    url = f"/{organizer.slug}/{first.event.slug}/{first.subevent_id}/"
    Client().get(url)
    key = _stored_page_key()
    page_cache.cache.delete(key)
    page_cache.cache.set(key + ":computing", 1, 60)  # a claim that does not end within the wait
    started = time.monotonic()
    with mock.patch.object(page_cache, "WAIT", 0.2):
        resp = Client().get(url)
    assert 0.2 <= time.monotonic() - started < page_cache.WAIT  # waited as long as allowed, no longer
    assert resp.status_code == 200 and "осталось" in resp.content.decode()  # then computed the page itself
    assert page_cache.cache.get(key) is not None  # and stored it for the next visitors


def test_a_page_its_first_visitor_could_not_share_is_computed_by_the_next_ones_without_waiting(real_cache):
    """Visitors never queue behind each other for a page that is not being shared (a cookie set, an error)."""
    from types import SimpleNamespace
    from unittest import mock

    from ticketing_website.catalogue import cache as page_cache

    first, second, third = SimpleNamespace(), SimpleNamespace(), SimpleNamespace()
    assert page_cache.lookup(first, "page") is None  # a miss: the first visitor computes it
    page_cache.release(first)  # and could not store it
    with mock.patch.object(page_cache.time, "sleep", side_effect=AssertionError("waited")):
        assert page_cache.lookup(second, "page") is None  # computes at once, claiming nothing
    assert not getattr(second, page_cache._CLAIMS, None)
    page_cache.cache.set("page", b"<html>", page_cache.TIMEOUT)  # a later visitor could share it
    assert page_cache.lookup(third, "page") == b"<html>"
