"""Discoverability: JSON-LD with offers and availability per date, OpenGraph, hreflang, sitemap.xml, robots.txt."""
# ruff: noqa: F811 - pytest fixtures imported from shop_fixtures are used as arguments
import json
from xml.etree import ElementTree

import pytest
from bs4 import BeautifulSoup

from .shop_fixtures import catalogue, fleet, msk  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db
SITE = "http://example.com"  # SITE_URL of pretix's test settings


def ours(html: str) -> list:
    """Our JSON-LD graph (pretix adds its own simpler Event block to the page too)."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for script in soup.find_all("script", type="application/ld+json"):
        data = json.loads(script.string)
        data = data if isinstance(data, list) else [data]
        if any("offers" in d for d in data):
            found += data
    return found


def test_series_page_has_one_event_per_date_with_offers_and_availability(client, organizer, catalogue):
    jazz = catalogue["jazz"]
    graph = ours(client.get(f"/{organizer.slug}/{jazz.slug}/").content.decode())
    assert len(graph) == 1
    node = graph[0]
    assert node["@type"] == "Event" and node["name"] == "Джаз на борту"
    assert node["startDate"].endswith("+03:00") and node["endDate"]
    assert node["location"]["name"] == "Летний сад"
    assert node["offers"] == [{"@type": "Offer", "name": "Билет", "price": "3050.00", "priceCurrency": "RUB",
                               "availability": "https://schema.org/SoldOut",
                               "url": f"{SITE}/{organizer.slug}/jazz/{catalogue['concert'].subevent_id}/"}]
    assert node["remainingAttendeeCapacity"] == 0 and node["maximumAttendeeCapacity"] == 5

    evening = catalogue["evening"][0]
    graph = ours(client.get(f"/{organizer.slug}/{evening.event.slug}/").content.decode())
    assert len(graph) == 2
    assert {o["availability"] for n in graph for o in n["offers"]} == {"https://schema.org/InStock"}
    assert graph[0]["location"]["geo"] == {"@type": "GeoCoordinates", "latitude": 59.94125, "longitude": 30.3114}
    date_page = ours(client.get(f"/{organizer.slug}/{evening.event.slug}/{evening.subevent_id}/").content.decode())
    assert len(date_page) == 1 and date_page[0]["url"].endswith(f"/{evening.subevent_id}/")


def test_json_ld_cannot_be_broken_out_of(client, organizer, catalogue):
    jazz = catalogue["jazz"]
    jazz.name = {"ru": "</script><script>alert(1)</script>"}
    jazz.save()
    html = client.get(f"/{organizer.slug}/{jazz.slug}/").content.decode()
    assert "<script>alert(1)" not in html
    assert ours(html)[0]["name"] == "</script><script>alert(1)</script>"


def test_hreflang_alternates_and_og_locale(client, organizer, catalogue):
    html = client.get(f"/{organizer.slug}/").content.decode()
    soup = BeautifulSoup(html, "html.parser")
    alternates = {a["hreflang"]: a["href"] for a in soup.find_all("link", rel="alternate") if a.get("hreflang")}
    assert alternates == {"ru": f"{SITE}/{organizer.slug}/?lang=ru", "en": f"{SITE}/{organizer.slug}/?lang=en",
                          "zh-hans": f"{SITE}/{organizer.slug}/?lang=zh-hans",
                          "x-default": f"{SITE}/{organizer.slug}/"}
    assert soup.find("meta", property="og:locale")["content"] == "ru_RU"
    assert soup.find("meta", property="og:title")["content"] == organizer.name
    event_page = BeautifulSoup(client.get(f"/{organizer.slug}/jazz/").content.decode(), "html.parser")
    assert {a["hreflang"] for a in event_page.find_all("link", rel="alternate") if a.get("hreflang")} == {
        "ru", "en", "zh-hans", "x-default"}


def test_lang_parameter_shows_the_page_in_that_language_without_saving_it(client, organizer, catalogue):
    en = client.get(f"/{organizer.slug}/?lang=en").content.decode()
    assert 'lang="en"' in en and "Jazz on board" in en
    zh = client.get(f"/{organizer.slug}/jazz/?lang=zh-hans").content.decode()
    assert "船上爵士乐" in zh
    assert 'lang="ru"' in client.get(f"/{organizer.slug}/").content.decode()


def test_sitemap_lists_home_events_and_upcoming_dates_with_language_alternates(client, organizer, catalogue):
    resp = client.get(f"/{organizer.slug}/sitemap.xml")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    root = ElementTree.fromstring(resp.content)  # noqa: S314 - our own sitemap, in a test
    locs = [u.find("s:loc", ns).text for u in root.findall("s:url", ns)]
    first, second = catalogue["evening"]
    assert f"{SITE}/{organizer.slug}/" in locs
    assert f"{SITE}/{organizer.slug}/evening/" in locs and f"{SITE}/{organizer.slug}/charter/" in locs
    assert f"{SITE}/{organizer.slug}/evening/{first.subevent_id}/" in locs
    assert f"{SITE}/{organizer.slug}/evening/{second.subevent_id}/" in locs
    alternates = root.findall("s:url", ns)[0].findall("x:link", ns)
    assert {a.get("hreflang") for a in alternates} == {"ru", "en", "zh-hans", "x-default"}


def test_sitemap_is_not_there_for_an_organizer_without_the_storefront(client, organizer, catalogue):
    organizer.plugins = "ticketing_core"
    organizer.save()
    assert client.get(f"/{organizer.slug}/sitemap.xml").status_code == 404


def test_robots_txt_keeps_crawlers_out_of_carts_orders_and_back_office(client, organizer, catalogue):
    resp = client.get("/robots.txt")
    assert resp.status_code == 200 and resp["Content-Type"].startswith("text/plain")
    body = resp.content.decode()
    for line in ("Disallow: /control/", "Disallow: /*/*/checkout/", "Disallow: /*/*/order/", "Disallow: /*/account/",
                 f"Sitemap: {SITE}/{organizer.slug}/sitemap.xml"):
        assert line in body.splitlines()


def test_favicon_at_the_root_leads_to_the_shops_icon(client, organizer):
    """
    Browsers ask for /favicon.ico where a page names no icon (a ticket PDF opened in Chromium's viewer): a 404
    there was a console error on every opened ticket.
    """
    resp = client.get("/favicon.ico")
    assert resp.status_code == 301 and resp["Location"].endswith("pretixbase/img/favicon.ico")
    assert resp.get("Cache-Control", "").startswith("max-age=")


def test_catalogue_lists_its_departures_as_an_item_list_of_events(client, organizer, catalogue):
    soup = BeautifulSoup(client.get(f"/{organizer.slug}/").content.decode(), "html.parser")
    data = [json.loads(s.string) for s in soup.find_all("script", type="application/ld+json")]
    item_list = next(d for d in data if d.get("@type") == "ItemList")
    events = [li["item"] for li in item_list["itemListElement"]]
    assert [e["name"] for e in events] == ["Вечерняя прогулка", "Джаз на борту", "Вечерняя прогулка"]
    assert events[1]["offers"][0]["availability"] == "https://schema.org/SoldOut"
    assert [li["position"] for li in item_list["itemListElement"]] == [1, 2, 3]
