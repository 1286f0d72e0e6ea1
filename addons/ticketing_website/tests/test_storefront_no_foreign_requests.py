"""The storefront's pages load nothing from other hosts (the foundation's rule, extended to our pages)."""
# ruff: noqa: F811 - pytest fixtures imported from shop_fixtures are used as arguments
import pytest

from ticketing_core.tests.test_no_foreign_requests import foreign_urls

from .shop_fixtures import catalogue, fleet, msk  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang", ["ru", "en", "zh-hans"])
def test_catalogue_and_event_pages_load_nothing_from_other_hosts(client, organizer, catalogue, lang):
    first = catalogue["evening"][0]
    pages = [f"/{organizer.slug}/", f"/{organizer.slug}/?view=calendar", f"/{organizer.slug}/?kind=excursion&q=x",
             f"/{organizer.slug}/{first.event.slug}/", f"/{organizer.slug}/{first.event.slug}/{first.subevent_id}/",
             f"/{organizer.slug}/jazz/", f"/{organizer.slug}/charter/"]
    for url in pages:
        resp = client.get(url, HTTP_ACCEPT_LANGUAGE=lang)
        assert resp.status_code == 200, url
        html = resp.content.decode()
        assert foreign_urls(html) == [], url
        assert "<iframe" not in html, url


def test_the_map_is_a_link_never_an_embed(client, organizer, catalogue):
    first = catalogue["evening"][0]
    html = client.get(f"/{organizer.slug}/{first.event.slug}/{first.subevent_id}/").content.decode()
    assert "yandex.ru/maps" in html  # a link the visitor may follow
    assert foreign_urls(html) == []  # nothing the browser fetches by itself
