"""The operator's home page: upcoming entries, search, filters in the URL, list and calendar."""
# ruff: noqa: F811 - pytest fixtures imported from shop_fixtures are used as arguments
import re
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup

from ticketing_website.catalogue.filters import CatalogueFilterForm, apply_filters
from ticketing_website.catalogue.query import build_entries

from .shop_fixtures import catalogue, fleet, msk, real_cache  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def titles(resp) -> list[str]:
    soup = BeautifulSoup(resp.content.decode(), "html.parser")
    return [h.get_text(strip=True) for h in soup.select(".tw-results .tw-title")]


def entries_for(organizer, **params):
    form = CatalogueFilterForm(data=params, organizer=organizer)
    assert form.is_valid(), form.errors
    return apply_filters(build_entries(organizer, organizer.sales_channels.get(identifier="web")), form.cleaned_data)


def test_entries_sorted_by_next_departure_rentals_last(organizer, catalogue):
    entries = build_entries(organizer, organizer.sales_channels.get(identifier="web"))
    assert [(e.event.slug, e.local_start and e.local_start.hour) for e in entries] == [
        ("evening", 19), ("jazz", 10), ("evening", 21), ("charter", None)]


def test_price_from_is_the_cheapest_paid_ticket_with_tax_and_availability(organizer, catalogue):
    evening, jazz, _, rental = build_entries(organizer, organizer.sales_channels.get(identifier="web"))
    assert evening.price_from == Decimal("900.00") and evening.available == 60 and not evening.sold_out
    assert evening.tax.text == "НДС не облагается"
    assert jazz.price_from == Decimal("3050.00")  # 2500 net + 22 % VAT: the price the customer pays
    assert jazz.tax.text == "в т.ч. НДС 22 %"
    assert jazz.sold_out and jazz.available == 0
    assert rental.price_from == Decimal("15000.00") and rental.start is None


@pytest.mark.parametrize("params,expected", [
    ({"kind": "onboard_event"}, ["jazz"]),
    ({"kind": "rental"}, ["charter"]),
    ({"q": "джаз"}, ["jazz"]),
    ({"q": "JAZZ board"}, ["jazz"]),
    ({"q": "фонтанка"}, ["evening", "evening"]),  # the vessel's name
    ({"duration": "long"}, ["jazz"]),
    ({"duration": "medium"}, ["evening", "evening"]),
    ({"price_min": "1000"}, ["jazz", "charter"]),
    ({"price_max": "1000"}, ["evening", "evening"]),
    ({"time": "morning"}, ["jazz"]),
    ({"time": "evening"}, ["evening", "evening"]),
    ({"available": "on"}, ["evening", "evening", "charter"]),
])
def test_filters(organizer, catalogue, params, expected):
    assert [e.event.slug for e in entries_for(organizer, **params)] == expected


def test_filter_by_pier_and_date_range(organizer, catalogue, fleet):
    assert [e.event.slug for e in entries_for(organizer, pier=str(fleet["garden"].pk))] == ["jazz"]
    day = msk(4, 21).date().isoformat()
    assert [(e.event.slug, e.local_start.hour) for e in entries_for(organizer, date_from=day, date_to=day)
            if e.start] == [("evening", 21)]


def test_catalogue_page_lists_results_with_prices_and_availability(client, organizer, catalogue):
    resp = client.get(f"/{organizer.slug}/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert titles(resp) == ["Вечерняя прогулка", "Джаз на борту", "Вечерняя прогулка", "Аренда яхты"]
    assert "осталось 60 мест" in html and "Мест нет" in html
    assert "в т.ч. НДС 22 %" in html and "НДС не облагается" in html
    assert re.search(r"3\s050,00\s₽", html)  # Russian money format, tax included


def test_filters_live_in_the_url(client, organizer, catalogue):
    resp = client.get(f"/{organizer.slug}/", {"kind": "onboard_event", "q": "джаз"})
    assert titles(resp) == ["Джаз на борту"]
    soup = BeautifulSoup(resp.content.decode(), "html.parser")
    form = soup.select_one("form.tw-filters")
    assert form["method"] == "get"
    assert soup.select_one("#id_q")["value"] == "джаз"
    assert soup.select_one("#id_kind option[selected]")["value"] == "onboard_event"
    calendar = soup.find("a", string="Календарь")["href"]
    assert "kind=onboard_event" in calendar and "view=calendar" in calendar


def test_invalid_filters_get_a_translated_error_and_keep_the_input(client, organizer, catalogue):
    resp = client.get(f"/{organizer.slug}/", {"date_from": "2030-05-10", "date_to": "2030-05-01", "price_min": "abc"})
    html = resp.content.decode()
    assert resp.status_code == 200
    assert "Конец периода раньше его начала." in html
    assert "Введите число." in html
    # nothing is filtered by a form that is not valid: the visitor still sees the departures
    assert len(titles(resp)) == 4


def test_a_wrong_price_range_keeps_the_other_filters(client, organizer, catalogue):
    """Only the price range is left out (and shown with its error); the kind and the words still filter."""
    resp = client.get(f"/{organizer.slug}/", {"kind": "excursion", "q": "прогулка", "price_min": "5000",
                                              "price_max": "100"})
    assert resp.status_code == 200
    assert titles(resp) == ["Вечерняя прогулка", "Вечерняя прогулка"]
    soup = BeautifulSoup(resp.content.decode(), "html.parser")
    errors = [e.get_text(strip=True) for e in soup.select(".tw-error")]
    assert errors == ["Максимальная цена меньше минимальной."]
    assert soup.select_one("#id_price_max-error") is not None
    assert soup.select_one("#id_kind option[selected]")["value"] == "excursion"
    assert soup.select_one("#id_price_min")["value"] == "5000"  # the visitor's input stays to be corrected
    assert soup.select_one("details.tw-filter-more").has_attr("open")  # the error is not folded away on a phone


def test_filters_fold_behind_a_toggle_that_counts_them(client, organizer, catalogue):
    soup = BeautifulSoup(client.get(f"/{organizer.slug}/").content.decode(), "html.parser")
    box = soup.select_one("form.tw-filters details.tw-filter-more")
    assert not box.has_attr("open") and box.select_one("summary").get_text(strip=True) == "Фильтры"
    assert box.select_one("#id_kind") and not box.select_one("#id_q")  # the search stays in sight
    assert soup.select_one("form.tw-filters script[src$='ticketing_website/filters.js']")
    soup = BeautifulSoup(client.get(f"/{organizer.slug}/", {"kind": "excursion", "time": "evening"}).content
                         .decode(), "html.parser")
    assert soup.select_one("summary.tw-filter-summary .badge").get_text(strip=True) == "2"


def test_calendar_view_puts_departures_on_their_days(client, organizer, catalogue):
    first = msk(2, 19)
    resp = client.get(f"/{organizer.slug}/", {"view": "calendar", "month": f"{first:%Y-%m}"})
    soup = BeautifulSoup(resp.content.decode(), "html.parser")
    cells = {c.select_one(".tw-daynum").contents[0].strip(): c for c in soup.select("td.tw-has")}
    assert "19:00" in cells[str(first.day)].get_text()
    assert "Вечерняя прогулка" in cells[str(first.day)].get_text()
    assert "Аренда яхты" in soup.select_one(".tw-calendar").get_text()  # bookable on any day, below the month


def test_english_and_chinese(client, organizer, catalogue):
    en = client.get(f"/{organizer.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Jazz on board" in en and "60 places left" in en and "incl. VAT 22 %" in en and "Sold out" in en
    zh = client.get(f"/{organizer.slug}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "船上爵士乐" in zh and "已售罄" in zh


def test_the_operators_public_name_follows_the_language(client, organizer, catalogue, series, sailing):
    """pretix's header and title, our pages and the event pages show the name in the visitor's language."""
    from i18nfield.strings import LazyI18nString

    from pretix.base.models import Organizer

    organizer.settings.set("ticketing_public_name", LazyI18nString(
        {"ru": "Нева Круиз", "en": "Neva Cruise", "zh-hans": "涅瓦游船"}))
    for lang, name in (("en", "Neva Cruise"), ("zh-hans", "涅瓦游船"), ("ru", "Нева Круиз")):
        for url in (f"/{organizer.slug}/", f"/{organizer.slug}/privacy", f"/{organizer.slug}/{series.slug}/"):
            soup = BeautifulSoup(client.get(url, HTTP_ACCEPT_LANGUAGE=lang).content.decode(), "html.parser")
            if series.slug not in url:  # pretix's organizer pages: title and header
                assert name in soup.title.get_text() and name in soup.select_one("h1").get_text(), (lang, url)
            assert organizer.name not in soup.get_text() or lang == "ru", (lang, url)
    assert Organizer.objects.get(pk=organizer.pk).name == organizer.name  # pretix's own name stays as it was


def test_pretix_organizer_page_answers_when_the_storefront_is_off(client, organizer, catalogue):
    organizer.plugins = "ticketing_core"
    organizer.save()
    resp = client.get(f"/{organizer.slug}/")
    assert resp.status_code == 200
    assert "tw-catalogue" not in resp.content.decode()


def test_catalogue_query_count_does_not_grow_with_dates(organizer, catalogue, fleet):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from hierarkey.proxy import dirty_cache_keys

    from ticketing_core.testing import factories

    channel = organizer.sales_channels.get(identifier="web")
    series = catalogue["evening"][0].event
    for day in range(5, 7):
        factories.make_sailing(series, fleet["boat"], fleet["palace"], msk(day, 12))
    # settings written in this (never committed) test transaction are re-read from the database on every access;
    # a real request reads each object's settings once
    dirty_cache_keys.set(set())
    with CaptureQueriesContext(connection) as few:
        build_entries(organizer, channel)
    for day in range(7, 27):
        factories.make_sailing(series, fleet["boat"], fleet["palace"], msk(day, 12))
    dirty_cache_keys.set(set())
    with CaptureQueriesContext(connection) as many:
        entries = build_entries(organizer, channel)
    assert len(entries) == 26
    assert len(many) <= len(few) + 1  # (pretix may read one setting more or less, never one per date)



def test_with_a_real_cache_pages_are_shared_for_15_seconds_per_address_and_language(client, organizer, catalogue,
                                                                                    real_cache):
    from ticketing_core.testing import factories

    first = catalogue["evening"][0]
    adult = first.event.items.filter(admission=True).first()
    ru = client.get(f"/{organizer.slug}/").content.decode()
    assert ru.count("осталось 60 мест") == 2
    assert "60 places left" in client.get(f"/{organizer.slug}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert titles(client.get(f"/{organizer.slug}/", {"kind": "rental"})) == ["Аренда яхты"]
    factories.make_order(first.event, first.subevent, [adult] * 10)
    assert client.get(f"/{organizer.slug}/").content.decode().count("осталось 60 мест") == 2  # within 15 s
    from django.core.cache import cache

    cache.clear()
    assert "осталось 50 мест" in client.get(f"/{organizer.slug}/").content.decode()


def test_a_buyer_with_a_cart_shares_the_catalogue_but_a_pending_message_stays_theirs(client, organizer, catalogue,
                                                                                    real_cache):
    from django.test import Client

    from ticketing_core.testing import factories

    first = catalogue["evening"][0]
    adult = first.event.items.filter(admission=True).first()
    Client().get(f"/{organizer.slug}/")  # stores the page
    client.post(f"/{organizer.slug}/{first.event.slug}/cart/add", {f"item_{adult.pk}": "1",
                                                                   "subevent": first.subevent_id})
    added = "Товары добавлены в корзину."  # pretix's message, still pending (the redirect was not followed)
    assert added in client.get(f"/{organizer.slug}/").content.decode()
    assert added not in Client().get(f"/{organizer.slug}/").content.decode()
    factories.make_order(first.event, first.subevent, [adult] * 10)
    assert "осталось 60 мест" in client.get(f"/{organizer.slug}/").content.decode()  # with a cart: the shared page


def test_logged_in_staff_never_get_a_cached_page(admin_client, organizer, catalogue, real_cache):
    from ticketing_core.testing import factories

    first = catalogue["evening"][0]
    adult = first.event.items.filter(admission=True).first()
    admin_client.get(f"/{organizer.slug}/")
    factories.make_order(first.event, first.subevent, [adult] * 10)
    assert "осталось 50 мест" in admin_client.get(f"/{organizer.slug}/").content.decode()


def test_a_broken_month_in_the_url_is_reported_not_ignored(client, organizer, catalogue):
    html = client.get(f"/{organizer.slug}/", {"view": "calendar", "month": "2026-13"}).content.decode()
    assert "Введите правильное значение." in html


def test_dates_whose_sale_has_ended_are_not_offered(organizer, catalogue):
    from django.utils.timezone import now

    first = catalogue["evening"][0].subevent
    first.presale_end = now()
    first.save()
    entries = build_entries(organizer, organizer.sales_channels.get(identifier="web"))
    assert first.pk not in [e.subevent.pk for e in entries if e.subevent]


def test_kind_links_lead_to_the_filtered_catalogue(client, organizer, catalogue):
    soup = BeautifulSoup(client.get(f"/{organizer.slug}/", {"kind": "rental"}).content.decode(), "html.parser")
    links = {a.get_text(strip=True): a["href"] for a in soup.select(".tw-kinds a")}
    assert links == {"Все виды": "?", "Экскурсия": "?kind=excursion", "Мероприятие на борту": "?kind=onboard_event",
                     "Аренда": "?kind=rental"}
    assert soup.select_one('.tw-kinds a[aria-current="page"]').get_text(strip=True) == "Аренда"


def test_a_charter_offer_without_a_pier_is_listed_not_a_server_error(client, organizer, catalogue, yacht):
    """The offer's pier is optional: the catalogue crashed (500) on ``rental.pier.name`` for one without it."""
    from ticketing_rentals import testing as rental_testing

    rental_testing.make_rental_offer(catalogue["rental"], {yacht: 10}, rates=rental_testing.RATES)
    resp = client.get(f"/{organizer.slug}/")
    assert resp.status_code == 200
    entry = next(e for e in build_entries(organizer, organizer.sales_channels.get(identifier="web"))
                 if e.event.slug == "charter")
    assert entry.pier is None


@pytest.mark.parametrize("params", [{"date_from": "9999-12-31", "view": "calendar"},
                                    {"date_to": "0001-01-01", "view": "calendar"},
                                    {"month": "9999-12", "view": "calendar"},
                                    {"month": "0000-01", "view": "calendar"}])
def test_far_out_dates_get_a_translated_error_not_a_500(client, organizer, catalogue, params):
    """Issue 22, finding 6: year 1 or 9999 in the search's dates broke the calendar with a server error."""
    resp = client.get(f"/{organizer.slug}/", params)
    assert resp.status_code == 200
    assert "Выберите дату между 2000 и 2100 годом." in resp.content.decode()
