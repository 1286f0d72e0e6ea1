"""The passenger manifest: boarding staff see today's sailings only; views and exports are logged."""
from datetime import timedelta

from django.urls import reverse
from django.utils.timezone import now
from freezegun import freeze_time

from pretix.base.models import Checkin, LogEntry

from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login

from .console_fixtures import later_today, make_order, staff


def manifest_url(sailing):
    return reverse("plugins:ticketing_helpdesk:manifest.detail", kwargs={
        "organizer": sailing.event.organizer.slug, "ev": sailing.event.slug, "subevent": sailing.subevent_id})


def test_boarding_staff_see_todays_manifest_with_boarded_passengers(client, organizer, series, boat, pier):
    today = factories.make_sailing(series, boat, pier, later_today())
    order = make_order(today, name="Пётр Иванов")
    position = order.positions.first()
    checkin_list = series.checkin_lists.create(name="Причал", all_products=True)
    Checkin.objects.create(position=position, list=checkin_list, type=Checkin.TYPE_ENTRY)
    boarding = staff(organizer, "boarding")
    c = login(client, boarding)
    index = c.get(reverse("plugins:ticketing_helpdesk:manifest", kwargs={"organizer": organizer.slug}))
    assert manifest_url(today) in index.content.decode()
    html = c.get(manifest_url(today)).content.decode()
    assert "Пётр Иванов" in html and html.count("label-success") == 1
    # boarding staff do not get links into pretix's order pages
    assert reverse("control:event.order", kwargs={"organizer": organizer.slug, "event": series.slug,
                                                   "code": order.code}) not in html
    assert LogEntry.objects.get(action_type="ticketing_helpdesk.manifest.viewed").user == boarding
    csv_body = c.get(manifest_url(today) + "?format=csv").content.decode("utf-8-sig")
    assert "Пётр Иванов" in csv_body
    assert LogEntry.objects.filter(action_type="ticketing_helpdesk.manifest.exported").exists()


def test_boarding_staff_are_refused_tomorrows_and_yesterdays_manifest(client, organizer, series, boat, pier):
    tomorrow = factories.make_sailing(series, boat, pier, now() + timedelta(days=1, hours=2))
    yesterday = factories.make_sailing(series, boat, pier, now() - timedelta(days=1, hours=2))
    c = login(client, staff(organizer, "boarding"))
    assert c.get(manifest_url(tomorrow)).status_code == 403
    assert c.get(manifest_url(yesterday)).status_code == 403
    assert not LogEntry.objects.filter(action_type="ticketing_helpdesk.manifest.viewed").exists()


def test_today_is_the_organizers_local_date(client, organizer, series, boat, pier):
    """23:30 in Moscow is 20:30 UTC: a sailing at 00:30 Moscow time the next night is tomorrow."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    msk = ZoneInfo("Europe/Moscow")
    frozen = datetime(2026, 7, 10, 23, 30, tzinfo=msk)
    with freeze_time(frozen):
        tonight = factories.make_sailing(series, boat, pier, datetime(2026, 7, 10, 23, 50, tzinfo=msk))
        other_boat = factories.make_vessel(organizer, "Нева-2")
        after_midnight = factories.make_sailing(series, other_boat, pier, datetime(2026, 7, 11, 0, 30, tzinfo=msk))
        c = login(client, staff(organizer, "boarding"))
        assert c.get(manifest_url(tonight)).status_code == 200
        assert c.get(manifest_url(after_midnight)).status_code == 403


def test_staff_who_read_orders_see_any_date(client, organizer, series, boat, pier):
    later = factories.make_sailing(series, boat, pier, now() + timedelta(days=5))
    assert login(client, staff(organizer, "support_agent")).get(manifest_url(later)).status_code == 200


def test_manifest_of_another_organizer_is_404(client, organizer, series, boat, pier):
    other = factories.make_organizer(slug="other", name="Other")
    other_series = factories.make_series(other)
    sailing = factories.make_sailing(other_series, factories.make_vessel(other), factories.make_pier(other),
                                     now() + timedelta(minutes=30))
    url = reverse("plugins:ticketing_helpdesk:manifest.detail", kwargs={
        "organizer": organizer.slug, "ev": other_series.slug, "subevent": sailing.subevent_id})
    assert login(client, staff(organizer, "boarding")).get(url).status_code == 404


def test_manifest_csv_names_the_sailing_its_departure_and_each_passenger(client, organizer, series, boat, pier):
    from zoneinfo import ZoneInfo

    from django.utils.formats import date_format
    from django.utils.translation import override

    later = factories.make_sailing(series, boat, pier, now() + timedelta(days=2))
    make_order(later, name="Пётр Иванов")
    c = login(client, staff(organizer, "support_agent"))
    lines = c.get(manifest_url(later) + "?format=csv").content.decode("utf-8-sig").splitlines()
    with override("ru"):
        departure = date_format(later.subevent.date_from.astimezone(ZoneInfo("Europe/Moscow")),
                                "SHORT_DATETIME_FORMAT")
    assert lines[0].startswith("Рейс;Отправление;Пассажир")
    assert all(departure in line and "Пётр Иванов" in line for line in lines[1:]) and len(lines) == 3
