"""The event page: description, vessel, pier with a map link, duration, price from, schedule with availability."""
# ruff: noqa: F811 - pytest fixtures imported from shop_fixtures are used as arguments
import re

import pytest
from bs4 import BeautifulSoup

from .shop_fixtures import catalogue, fleet, msk  # noqa: F401 - fixtures

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
