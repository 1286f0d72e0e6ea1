"""
Boarding staff open today's passenger manifest as a person does (marker ``journey``, in ``make test``): a crew
member whose team may only check in logs in at /control/login (the one address she types), then reaches the
manifest by the back office's menus alone (the organizer, "Посадка", "Судовой список", today's sailing), reads
the passengers on screen, downloads the PDF to sign and the spreadsheet (their text and cells name the passengers
and the sailing's date), and goes on to the boarding page from there. A colleague without check-in sees no such
menu. Russian desktop.
"""
# ruff: noqa: F811 - the fixtures imported from ticketing_core.testing.journeys are arguments
import re
from datetime import datetime, timedelta
from io import BytesIO

import pytest
from django.utils.formats import date_format
from django.utils.timezone import now
from django.utils.translation import gettext, override
from openpyxl import load_workbook
from pypdf import PdfReader

from pretix.base.models import Team, User

from ticketing_core.testing import factories
from ticketing_core.testing.factories import MSK
from ticketing_core.testing.journeys import Person, journey_browser, styled  # noqa: F401 - fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.journey, pytest.mark.django_db(transaction=True)]
PASSWORD = "admin-password-123"  # noqa: S105 - the factories' test password
PASSENGERS = ["Анна Смирнова", "Миша Смирнов"]


def _today_start():
    """A departure later today in Moscow (or earlier today, just after midnight's last chance): today's manifest."""
    start = (now() + timedelta(minutes=45)).replace(second=0, microsecond=0)
    if start.astimezone(MSK).date() != now().astimezone(MSK).date():
        start -= timedelta(hours=2)
    return start


def _crew_shop(live_server, settings):
    from django.urls import get_resolver

    settings.SITE_URL = live_server.url  # pretix's back office loads its dashboard widgets from the site's address
    assert get_resolver().url_patterns  # import every URL module here, where scopes are off
    organizer = factories.make_organizer()
    series = factories.make_series(organizer)
    pier = factories.make_pier(organizer)
    vessel = factories.make_vessel(organizer)
    today = factories.make_sailing(series, vessel, pier, _today_start())
    later = factories.make_sailing(series, vessel, pier, today.start + timedelta(days=2))
    adult, child = series.items.filter(admission=True).order_by("pk")
    for item, name in zip((adult, child), PASSENGERS, strict=True):
        order = factories.make_order(series, today.subevent, [item], email=f"{name.split()[0].lower()}@example.org")
        order.positions.update(attendee_name_cached=name, attendee_name_parts={"full_name": name})
    other = factories.make_order(series, later.subevent, [adult], email="later@example.org")
    other.positions.update(attendee_name_cached="Пётр Другой", attendee_name_parts={"full_name": "Пётр Другой"})
    return organizer, today


def _staff(organizer, email: str, permissions: dict) -> User:
    user = User.objects.create_user(email, PASSWORD, locale="ru")
    team = Team.objects.create(organizer=organizer, name=email.split("@")[0], all_events=True,
                               limit_event_permissions=permissions)
    team.members.add(user)
    return user


def _entry(words: str) -> re.Pattern:
    """A menu entry by its words alone (Font Awesome's icon glyph is part of a link's accessible name)."""
    return re.compile(rf"^\W*{re.escape(words)}\W*$")


def _log_in(person: Person, base: str, user: User) -> None:
    page = person.page
    page.goto(f"{base}/control/login")
    person.type(page.locator("input[name=email]"), user.email)
    person.type(page.locator("input[name=password]"), PASSWORD)
    person.press(page.locator("form button[type=submit]"))
    page.wait_for_url(lambda url: "/control/login" not in url)


def _to_the_organizer(person: Person, organizer) -> None:
    """From the back office's start page to the operator's own pages, by the side menu."""
    page = person.page
    with override("ru"):
        organizers = gettext("Organizers")
    person.press(page.locator("#side-menu").get_by_role("link", name=_entry(organizers)))
    person.press(page.locator("table, .list-group, #page-wrapper").get_by_role("link", name=organizer.name))
    page.wait_for_load_state()


def _download(person: Person, link) -> bytes:
    with person.page.expect_download() as info:
        person.press(link)
    with open(info.value.path(), "rb") as f:
        return f.read()


def test_boarding_staff_reach_todays_manifest_and_the_boarding_page_by_the_menus(live_server, settings, styled,
                                                                                  journey_browser):
    organizer, sailing = _crew_shop(live_server, settings)
    crew = _staff(organizer, "crew@example.org", {"event.orders:checkin": True})
    local = sailing.start.astimezone(MSK)
    with override("ru"):
        dates = (local.strftime("%d.%m.%Y"), date_format(local, "DATE_FORMAT"))  # 07.12.2026, 7 декабря 2026 г.
    person = Person(journey_browser, "ru", "desktop", "manifest-ru-desktop")
    page = person.page
    _log_in(person, live_server.url, crew)
    person.shot("start")
    _to_the_organizer(person, organizer)
    menu = page.locator("#side-menu")
    person.press(menu.get_by_role("link", name=_entry("Посадка")))
    person.press(menu.get_by_role("link", name=_entry("Судовой список")))
    page.wait_for_selector(".ticketing-manifest-sailings")
    person.shot("todays-sailings")
    listed = page.inner_text(".ticketing-manifest-sailings")
    assert local.strftime("%H:%M") in listed and "Вечерняя прогулка" in listed
    assert page.locator(".ticketing-manifest-sailings a").count() == 1  # today's only
    person.press(page.locator(".ticketing-manifest-sailings a").first)
    page.wait_for_url(re.compile(r"/manifest/\d+/$"))
    on_screen = page.inner_text("body")
    assert all(name in on_screen for name in PASSENGERS) and "Пётр Другой" not in on_screen
    assert any(d in on_screen for d in dates)
    person.shot("manifest")

    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(
        _download(person, page.get_by_role("link", name=_entry("PDF для печати и подписи"))))).pages)
    assert all(name in text for name in PASSENGERS) and "Пётр Другой" not in text, text
    assert any(d in text for d in dates) and local.strftime("%H:%M") in text, text
    sheet = load_workbook(BytesIO(_download(person, page.get_by_role("link", name=_entry("Таблица (XLSX)")))),
                          read_only=True).active
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    words = " ".join(str(c.value) for c in cells)
    assert all(name in words for name in PASSENGERS) and "Пётр Другой" not in words, words
    # the departure is a date cell, shown as 07.12.2026 14:22 by a Russian spreadsheet
    [departure] = [c for c in cells if isinstance(c.value, datetime)]
    assert departure.value == local.replace(tzinfo=None) and "dd" in departure.number_format.lower(), (
        departure.value, departure.number_format)

    person.press(page.locator("#page-wrapper, main, body").get_by_role("link", name=_entry("Посадка")).last)
    page.wait_for_url(re.compile(r"/boarding/\d+/$"))
    page.wait_for_selector("#tb-search")
    assert "Вечерняя прогулка" in page.inner_text("body")
    person.shot("boarding")
    person.close()


def test_staff_without_check_in_see_no_boarding_menu(live_server, settings, styled, journey_browser):
    organizer, sailing = _crew_shop(live_server, settings)
    clerk = _staff(organizer, "vouchers@example.org", {"event.vouchers:read": True})
    person = Person(journey_browser, "ru", "desktop", "manifest-no-permission-ru-desktop")
    page = person.page
    _log_in(person, live_server.url, clerk)
    _to_the_organizer(person, organizer)
    menu = page.locator("#side-menu")
    assert menu.is_visible()
    assert not menu.get_by_role("link", name=re.compile("Судовой список")).count()
    assert not menu.get_by_role("link", name=_entry("Посадка")).count()
    person.shot("organizer")
    person.close()
