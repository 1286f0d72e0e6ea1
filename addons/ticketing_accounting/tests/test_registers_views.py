"""The register pages: totals on screen, XLSX with typed cells, CSV for Russian Excel, every export logged."""
import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.timezone import now
from openpyxl import load_workbook

from pretix.base.models import LogEntry

from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login

from ..permissions import BANK_IMPORT, DOCUMENTS, REGISTERS
from ..registers.registers import REGISTERS as KINDS

pytestmark = pytest.mark.django_db


def url(organizer, register="payments", query=""):
    return reverse("plugins:ticketing_accounting:register",
                   kwargs={"organizer": organizer.slug, "register": register}) + query


@pytest.fixture
def period(organizer, series, sailing):
    """Two orders paid at the pier today; the period is the last week."""
    adult, child = series.items.filter(admission=True).order_by("pk")[:2]
    orders = [factories.make_order(series, sailing.subevent, [adult, child], provider="manual"),
              factories.make_order(series, sailing.subevent, [adult], provider="manual")]
    today = now().astimezone(ZoneInfo(organizer.settings.timezone)).date()
    return orders, f"?start={today - timedelta(days=6):%Y-%m-%d}&end={today:%Y-%m-%d}"


def test_every_register_shows_its_lines_and_totals(admin_client, organizer, period):
    orders, query = period
    for key in KINDS:
        r = admin_client.get(url(organizer, key, query), HTTP_ACCEPT_LANGUAGE="ru")
        assert r.status_code == 200, key
        assert "ticketing-register-totals" in r.content.decode()
    html = admin_client.get(url(organizer, "payments", query)).content.decode()
    assert all(o.code in html for o in orders) and ("3900.00" in html or "3900,00" in html)  # 2400 + 1500


def test_xlsx_has_typed_cells_and_is_logged(admin_client, admin, organizer, period):
    orders, query = period
    r = admin_client.get(url(organizer, "payments", query + "&format=xlsx"))
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    rows = [dict(zip(header, (c for c in row), strict=False)) for row in ws.iter_rows(min_row=2)]
    assert len(rows) == 2
    cells = rows[0]
    when, received = cells[header[0]], cells[header[8]]
    assert isinstance(when.value, datetime) and when.number_format == "DD.MM.YYYY HH:MM"
    assert isinstance(cells[header[6]].value, datetime | date) and cells[header[6]].number_format == "DD.MM.YYYY"
    assert isinstance(received.value, int | float) and received.number_format == "0.00"
    assert sum(Decimal(str(r[header[8]].value)) for r in rows) == sum(o.total for o in orders)
    totals = {row[0].value: row[1].value for row in wb["Итого"].iter_rows(min_row=4) if row[0].value}
    assert Decimal(str(next(iter(totals.values())))) == sum(o.total for o in orders)
    entry = LogEntry.objects.get(action_type="ticketing_accounting.register.exported")
    assert entry.user == admin and entry.parsed_data["format"] == "XLSX" and entry.parsed_data["rows"] == 2
    assert "XLSX" in str(entry.display())


def test_csv_is_utf8_with_bom_semicolons_and_decimal_commas_for_russian_users(client, admin, organizer, period):
    orders, query = period
    admin.locale = "ru"
    admin.save()
    r = login(client, admin).get(url(organizer, "daily", query + "&format=csv"))
    assert r.content.startswith(b"\xef\xbb\xbf")
    text = r.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Дата;") and "3900,00" in text
    assert LogEntry.objects.filter(action_type="ticketing_accounting.register.exported").count() == 1


def test_a_wrong_period_is_a_translated_400(admin_client, organizer):
    r = admin_client.get(url(organizer, "payments", "?start=2026-12-07&end=2026-12-01"), HTTP_ACCEPT_LANGUAGE="ru")
    assert r.status_code == 400
    assert admin_client.get(url(organizer, "payments", "?start=2026-01-01&end=2027-12-31")).status_code == 400
    assert admin_client.get(url(organizer, "payments", "?start=yesterday&end=x")).status_code == 400
    assert admin_client.get(url(organizer, "nonsense")).status_code == 404


def test_another_organizers_staff_see_nothing(client, organizer, period):
    other = factories.make_organizer(slug="ladoga", name="Ладога")
    outsider = factories.make_admin(other, "outsider@example.org")
    r = login(client, outsider).get(url(organizer, "payments", period[1]))
    assert r.status_code in (403, 404)
    assert not LogEntry.objects.filter(action_type="ticketing_accounting.register.exported").exists()


def test_the_permissions_are_registered_with_pretix():
    from pretix.base.permissions import get_all_organizer_permission_groups

    groups = get_all_organizer_permission_groups()
    names = {f"{g.name}:{a}" for g in groups.values() for a in g.actions}
    assert {REGISTERS, BANK_IMPORT, DOCUMENTS} <= names
