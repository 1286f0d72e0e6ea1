"""The theme: readable colours (WCAG 2.1 AA), local assets, operator settings in the back office."""
# ruff: noqa: F811 - pytest fixtures imported from shop_fixtures are used as arguments
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from ticketing_website.catalogue.pricing import SERVICE_FEE_KEY
from ticketing_website.demo import THEME
from ticketing_website.theme.contrast import contrast_ratio

from .shop_fixtures import catalogue, fleet, msk  # noqa: F401 - fixtures

CSS = Path(__file__).resolve().parent.parent / "static" / "ticketing_website" / "theme.css"
AA = 4.5


def css_colour(name: str) -> str:
    """The colour of ``--tw-<name>``; for one taken from pretix's theme (``var(--pretix-…, #hex)``) its fallback."""
    return re.search(rf"--tw-{name}:\s*(?:var\(--[\w-]+,\s*)?(#[0-9a-fA-F]{{6}})", CSS.read_text()).group(1)


def test_contrast_ratio_matches_wcag_reference_values():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54  # the lightest grey that passes AA on white


@pytest.mark.parametrize("name", ["ink", "muted", "ok", "warn", "none", "primary"])
def test_text_colours_of_the_theme_pass_aa_on_white_and_on_the_sea_band(name):
    colour = css_colour(name)
    assert contrast_ratio(colour, css_colour("surface")) >= AA
    assert contrast_ratio(colour, css_colour("sea")) >= AA


def test_demo_colours_carry_white_text_and_the_page_background_carries_body_text():
    for key in ("primary_color", "theme_color_success", "theme_color_danger"):
        assert contrast_ratio(THEME[key], "#ffffff") >= AA, key
    assert contrast_ratio(css_colour("ink"), THEME["theme_color_background"]) >= AA


def test_focus_is_always_visible_and_no_font_or_image_comes_from_elsewhere():
    css = CSS.read_text()
    assert ":focus-visible" in css and "outline: 3px solid" in css
    assert "@import" not in css and "url(" not in css  # no web fonts, no remote images


@pytest.mark.django_db
def test_organizer_storefront_settings_save_the_fee_and_check_contrast(admin_client, organizer):
    organizer.settings.primary_color = "#7fb2d0"  # too light for white text
    url = f"/control/organizer/{organizer.slug}/storefront/"
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "слишком светлый" in page.content.decode()
    resp = admin_client.post(url, {SERVICE_FEE_KEY: "75,50"}, follow=True)
    assert resp.status_code == 200
    organizer.settings.flush()
    assert Decimal(organizer.settings.get(SERVICE_FEE_KEY)) == Decimal("75.50")
    bad = admin_client.post(url, {SERVICE_FEE_KEY: "-1"})
    assert "Убедитесь, что это значение больше либо равно 0" in bad.content.decode()


@pytest.mark.django_db
def test_event_photos_uploaded_in_the_back_office_appear_on_the_event_page(admin_client, client, organizer,
                                                                           catalogue):
    buf = io.BytesIO()
    Image.new("RGB", (30, 20), "#0b4f71").save(buf, "PNG")
    photo = SimpleUploadedFile("deck.png", buf.getvalue(), content_type="image/png")
    url = f"/control/event/{organizer.slug}/evening/storefront/"
    assert admin_client.get(url).status_code == 200
    resp = admin_client.post(url, {"ticketing_website_photo_1": photo, SERVICE_FEE_KEY: ""}, follow=True)
    assert resp.status_code == 200
    html = client.get(f"/{organizer.slug}/evening/").content.decode()
    assert re.search(r'<img src="/media/[^"]+deck[^"]*\.png" alt="Вечерняя прогулка, фото 1"', html)


@pytest.mark.django_db
def test_demo_pictures_never_replace_uploaded_photos(organizer, catalogue):
    from django.core.files.storage import default_storage

    from ..catalogue.event_page import photo_urls
    from ..demo_photos import add_demo_photos

    event = catalogue["jazz"]
    event.slug = "jazz"  # a demo event's address
    event.save()
    assert add_demo_photos(event) == 2
    name = event.settings.get("ticketing_website_photo_1", as_type=str)[len("file://"):]
    with default_storage.open(name) as f:
        assert Image.open(f).size == (1200, 800)
    assert add_demo_photos(event) == 0  # already has photos (the demo's or uploaded ones)
    assert len(photo_urls(event)) == 2


@pytest.mark.django_db
def test_every_filter_has_a_label_and_results_are_announced(client, organizer, catalogue):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(client.get(f"/{organizer.slug}/").content.decode(), "html.parser")
    form = soup.select_one("form.tw-filters")
    labelled = {label.get("for") for label in form.find_all("label") if label.get("for")}
    for field in form.find_all(["input", "select"]):
        if field.get("type") == "hidden":
            continue
        assert field.get("id") in labelled or field.find_parent("label") is not None, field
    assert soup.select_one(".tw-count")["role"] == "status"
    assert soup.select_one('.tw-views a[aria-current="page"]') is not None
    # every "choose" button says which departure it is for, for screen readers
    assert all(a.select_one(".sr-only") for a in soup.select(".tw-buy a.btn"))


@pytest.mark.django_db
def test_the_demo_draws_two_pictures_for_every_event(db, demo_instance):
    """The storefront's part of the demo (``demo.LOADERS``) gives every demo event, charters included, photos."""
    from django_scopes import scopes_disabled

    from pretix.base.models import Event

    from ticketing_core.demo import load_demo

    from ..catalogue.event_page import photo_urls

    load_demo()
    with scopes_disabled():
        events = list(Event.objects.filter(organizer__slug="neva"))
        assert len(events) >= 4
        for event in events:
            photos = photo_urls(event)  # drawn by the demo, stored as an upload would be
            assert len(photos) == 2 and all(p.endswith(".demo.jpg") for p in photos)
