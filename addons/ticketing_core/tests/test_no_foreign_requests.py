"""Data stays on the operator's servers: no page makes the browser load anything from another host."""
import re
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from pretix.base.settings import GlobalSettingsObject

from ticketing_core.testing import factories

pytestmark = pytest.mark.django_db

# tag -> attributes that make a browser fetch something
FETCHING = {"script": ("src",), "link": ("href",), "img": ("src", "srcset"), "source": ("src", "srcset"),
            "iframe": ("src",), "video": ("src", "poster"), "audio": ("src",), "embed": ("src",),
            "object": ("data",), "input": ("src",)}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")


def foreign_urls(html: str, own_host: str = "testserver") -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for tag, attrs in FETCHING.items():
        for el in soup.find_all(tag):
            if tag == "link" and not set(el.get("rel") or []) & {"stylesheet", "icon", "preload", "prefetch",
                                                                  "modulepreload", "apple-touch-icon", "manifest",
                                                                  "shortcut", "dns-prefetch", "preconnect"}:
                continue
            for attr in attrs:
                for value in (el.get(attr) or "").split(","):
                    found.append(value.strip().split(" ")[0])
    for style in soup.find_all("style"):
        found += CSS_URL.findall(style.text)
    for el in soup.find_all(style=True):
        found += CSS_URL.findall(el["style"])
    return [u for u in found if u and urlparse(u if not u.startswith("//") else "http:" + u).netloc
            not in ("", own_host)]


def test_helper_spots_foreign_urls():
    html = ('<link rel="stylesheet" href="https://fonts.googleapis.com/css"><script src="/static/a.js"></script>'
            '<img src="//cdn.example.com/x.png"><a href="https://pretix.eu">ok</a>'
            '<style>@font-face{src:url("https://fonts.gstatic.com/f.woff2")}</style>')
    assert foreign_urls(html) == ["https://fonts.googleapis.com/css", "//cdn.example.com/x.png",
                                  "https://fonts.gstatic.com/f.woff2"]


@pytest.fixture
def pages(organizer, series, sailing, admin):
    adult = series.items.filter(admission=True).first()
    order = factories.make_order(series, sailing.subevent, [adult])
    return {
        "storefront": f"/{organizer.slug}/",
        "event": f"/{organizer.slug}/{series.slug}/",
        "date": f"/{organizer.slug}/{series.slug}/{sailing.subevent_id}/",
        "order": f"/{organizer.slug}/{series.slug}/order/{order.code}/{order.secret}/",
        "login": "/control/login",
    }


@pytest.mark.parametrize("lang", ["ru", "en", "zh-hans"])
def test_storefront_pages_load_nothing_from_other_hosts(client, pages, lang):
    for name in ("storefront", "event", "date", "order", "login"):
        resp = client.get(pages[name], HTTP_ACCEPT_LANGUAGE=lang, follow=True)
        assert resp.status_code == 200, name
        assert foreign_urls(resp.content.decode()) == [], name


def test_back_office_loads_nothing_from_other_hosts(admin_client, organizer, series, sailing):
    for url in ("/control/", f"/control/organizer/{organizer.slug}/", f"/control/event/{organizer.slug}/{series.slug}/",
                f"/control/organizer/{organizer.slug}/fleet/vessels/",
                f"/control/event/{organizer.slug}/{series.slug}/sailings/",
                f"/control/event/{organizer.slug}/{series.slug}/subevents/{sailing.subevent_id}/"):
        resp = admin_client.get(url, follow=True)
        assert resp.status_code == 200, url
        assert foreign_urls(resp.content.decode()) == [], url


def test_update_check_is_switched_off_by_our_migration(db):
    """The migration that switches it off runs on every real install; the test database is built without
    migrations, so the same data step is applied here to prove what it does."""
    import importlib

    from django.apps import apps as django_apps

    from ticketing_core.migrations import __name__ as pkg  # noqa: F401

    migration = importlib.import_module("ticketing_core.migrations.0002_no_update_check")
    migration.forwards(django_apps, None)
    gs = GlobalSettingsObject()
    gs.settings.flush()
    assert gs.settings.update_check_perform is False
