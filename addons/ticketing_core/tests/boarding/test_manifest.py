"""
The passenger manifest a captain signs: figures, passengers, masked phones for boarding staff, today's sailings
only for them, no money anywhere; the PDF (read back with pdftotext) and the XLSX; no-shows after the close.
"""
import shutil
import subprocess
from datetime import datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from freezegun import freeze_time
from openpyxl import load_workbook

from pretix.base.models import Checkin, LogEntry, Order, Team, User

from ticketing_core.boarding import noshows
from ticketing_core.boarding.lists import list_of
from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login

pytestmark = pytest.mark.django_db
MSK = ZoneInfo("Europe/Moscow")
NOON = datetime(2026, 7, 10, 12, 0, tzinfo=MSK)


def boarding_staff(organizer) -> User:
    """The Boarding staff role: pretix's check-in permission and nothing else."""
    user = User.objects.create_user("boarding@example.org", "admin-password-123")
    team = Team.objects.create(organizer=organizer, name="Посадка", all_events=True,
                               limit_event_permissions={"event.orders:checkin": True})
    team.members.add(user)
    return user


def order(sailing, name, phone="+79211234567", items=None, status=Order.STATUS_PAID):
    adult = sailing.event.items.filter(admission=True).order_by("pk").first()
    o = factories.make_order(sailing.event, sailing.subevent, items or [adult],
                             status=status)
    o.phone = phone
    o.save()
    o.positions.update(attendee_name_cached=name, attendee_name_parts={"full_name": name})
    return o


def url(sailing, fmt=None):
    u = reverse("plugins:ticketing_core:manifest.detail", kwargs={"organizer": sailing.event.organizer.slug,
                                                                  "sailing": sailing.pk})
    return u + (f"?format={fmt}" if fmt else "")


@pytest.fixture
def day(organizer, series, boat, pier):
    with freeze_time(NOON):
        today = factories.make_sailing(series, boat, pier, NOON + timedelta(hours=2))
        tomorrow = factories.make_sailing(series, boat, pier, NOON + timedelta(days=1))
        adult, child = series.items.filter(admission=True).order_by("pk")
        anna = order(today, "Анна Смирнова", items=[adult])
        order(today, "Миша Смирнов", items=[child])
        order(today, "Пётр Иванов")
        order(today, "Ольга Неоплатина", status=Order.STATUS_PENDING)
        Checkin.objects.create(position=anna.positions.first(), list=list_of(today), type=Checkin.TYPE_ENTRY,
                               datetime=NOON + timedelta(hours=1, minutes=40))
    return {"today": today, "tomorrow": tomorrow}


def test_boarding_staff_see_todays_manifest_only_with_masked_phones_and_no_money(client, organizer, day):
    c = login(client, boarding_staff(organizer))
    with freeze_time(NOON + timedelta(minutes=5)):
        index = c.get(reverse("plugins:ticketing_core:manifest", kwargs={"organizer": organizer.slug}))
        assert url(day["today"]) in index.content.decode() and url(day["tomorrow"]) not in index.content.decode()
        html = c.get(url(day["today"])).content.decode()
        assert c.get(url(day["tomorrow"])).status_code == 403
        assert c.get(url(day["tomorrow"], "pdf")).status_code == 403
    assert "Анна Смирнова" in html and "Миша Смирнов" in html and "Ольга Неоплатина" not in html
    assert "+7 921 ••• •• 67" in html and "+79211234567" not in html
    assert "₽" not in html and "1500" not in html and "1 500" not in html
    assert reverse("control:event.order", kwargs={"organizer": organizer.slug, "event": day["today"].event.slug,
                                                   "code": Order.objects.first().code}) not in html
    assert LogEntry.objects.filter(action_type="ticketing_core.manifest.viewed").count() == 1


def test_old_helpdesk_manifest_address_redirects(client, organizer, admin, day):
    old = reverse("plugins:ticketing_helpdesk:manifest.detail", kwargs={
        "organizer": organizer.slug, "ev": day["today"].event.slug, "subevent": day["today"].subevent_id})
    r = login(client, admin).get(old)
    assert r.status_code == 302 and r["Location"] == url(day["today"])


def test_manifest_pdf_is_the_document_a_captain_signs(client, organizer, admin, day, tmp_path):
    c = login(client, admin)
    with freeze_time(NOON + timedelta(minutes=5)):
        r = c.get(url(day["today"], "pdf"))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    pdf = tmp_path / "manifest.pdf"
    pdf.write_bytes(r.content)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True,
                          text=True).stdout
    for expected in ("Судовой список", "Нева-1", "РЕЧ-Нева-1", "Дворцовая пристань", "Капитан", "Вместимость",
                     "Анна Смирнова", "Миша Смирнов", "детский", "+79211234567", "13:40", "Страница 1 из 1",
                     "Подпись"):
        assert expected in text, expected
    figures = " ".join(text.split())
    assert "Продано 3" in figures and "Оплачено 3" in figures and "Прошли посадку 1" in figures \
        and "Дети 1" in figures, figures
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
                   check=True)
    shots = factories.__file__.rsplit("/addons/", 1)[0] + "/var/screenshots"
    import os

    os.makedirs(shots, exist_ok=True)
    shutil.copy(next(tmp_path.glob("page*.png")), os.path.join(shots, "boarding-manifest-pdf.png"))


def test_manifest_xlsx_and_noshows_after_boarding_closed(client, organizer, admin, day):
    today = day["today"]
    closed = NOON + timedelta(hours=2, minutes=16)
    with freeze_time(closed):
        assert noshows.summarize_closed() == 1
        assert noshows.summarize_closed() == 0  # once per sailing
        r = login(client, admin).get(url(today, "xlsx"))
    entry = LogEntry.objects.get(action_type="ticketing_core.boarding.closed")
    assert entry.object_id == today.subevent_id
    assert (entry.parsed_data["boarded"], entry.parsed_data["paid"], entry.parsed_data["noshows"]) == (1, 3, 2)
    ws = load_workbook(BytesIO(r.content)).active
    rows = {row[1]: row for row in ws.iter_rows(values_only=True) if row and isinstance(row[0], int)}
    assert rows["Анна Смирнова"][7] is not None and rows["Анна Смирнова"][8] in ("", None)
    assert rows["Пётр Иванов"][8] == "да" and rows["Миша Смирнов"][2] == "детский"
    assert rows["Пётр Иванов"][5] == "+79211234567"  # staff who read orders see full numbers
