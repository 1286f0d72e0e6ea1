"""The dashboard's page, export and widgets: who sees them, bad filters answered with 400, typed XLSX cells."""
from io import BytesIO

from django.urls import reverse

from pretix.base.models import Team, User

from ticketing_core.kpi.widgets import event_widgets, user_widgets
from ticketing_core.permissions import KPI_READ
from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login

# the permission sets of the helpdesk's roles (core may not import them; the URL matrix there checks the roles)
SALES = ({"event.settings.general:write", "event.subevents:write", "event.items:write", "event.orders:read"},
         {"organizer.events:create", KPI_READ})
SUPPORT = ({"event.orders:read"}, {"organizer.customers:read"})
BOARDING = ({"event.orders:checkin"}, set())


def _staff(organizer, email, perms):
    user = User.objects.create_user(email, "admin-password-123")
    team = Team.objects.create(organizer=organizer, name=email, all_events=True,
                               limit_event_permissions={p: True for p in perms[0]},
                               limit_organizer_permissions={p: True for p in perms[1]})
    team.members.add(user)
    return user


def _url(organizer, name="kpi.dashboard"):
    return reverse(f"plugins:ticketing_core:{name}", kwargs={"organizer": organizer.slug})


def test_admin_sees_the_season_with_charts_and_menu_entry(admin_client, season):
    r = admin_client.get(_url(season.organizer), {"event": season.event.pk})
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count("<svg") == 4 and "kpi-chart" in html
    # totals of both sailings: gross 7250 + 1500, net 3750 + 1500, load factor 4 paid of 120; Russian formats
    assert "8\xa0750,00\xa0₽" in html and "5\xa0250,00\xa0₽" in html and "3,3%" in html
    assert _url(season.organizer) in admin_client.get(f"/control/organizer/{season.organizer.slug}/").content.decode()


def test_only_kpi_readers_see_revenue(client, organizer):
    """Sales managers see the dashboard; support agents and boarding staff get 403, no menu entry, no widget."""
    for n, (role, allowed) in enumerate(((SALES, True), (SUPPORT, False), (BOARDING, False))):
        user = _staff(organizer, f"staff{n}@example.org", role)
        client.logout()
        login(client, user)
        for name in ("kpi.dashboard", "kpi.export"):
            assert client.get(_url(organizer, name)).status_code == (200 if allowed else 403), (role, name)
        menu = client.get(f"/control/organizer/{organizer.slug}/").content.decode()
        assert (_url(organizer) in menu) == allowed
        assert bool(user_widgets(user)) == allowed


BAD_FILTERS = [
    {"start": "0001-01-01"}, {"end": "9999-12-31"}, {"start": "2026-13-01"},
    {"start": "2026-06-01", "end": "2025-06-01"},
    {"start": "2024-01-01", "end": "2026-01-01"},  # longer than MAX_DAYS
    {"event": "abc"}, {"event": "99999999999999999999"}, {"vessel": "²"}, {"pier": "-1"}, {"vessel": "12345678"},
]


def test_bad_filters_are_a_translated_400(admin_client, organizer):
    for query in BAD_FILTERS:
        for name in ("kpi.dashboard", "kpi.export"):
            r = admin_client.get(_url(organizer, name), query)
            assert r.status_code == 400, (name, query)
    r = admin_client.get(_url(organizer), {"start": "0001-01-01"})
    assert "Выберите дату между 2000 и 2100 годом." in r.content.decode()


def test_another_organizers_event_is_not_a_choice(admin_client, season):
    other = factories.make_organizer(slug="other", name="Other")
    foreign = factories.make_series(other, slug="foreign")
    assert admin_client.get(_url(season.organizer), {"event": foreign.pk}).status_code == 400


def test_export_has_typed_cells(admin_client, season):
    from openpyxl import load_workbook

    r = admin_client.get(_url(season.organizer, "kpi.export"), {"event": season.event.pk})
    assert r.status_code == 200
    wb = load_workbook(BytesIO(r.content))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    past = next(row for row in ws.iter_rows(min_row=2) if row[header.index("Продано")].value == 4)
    cell = {h: c for h, c in zip(header, past, strict=True)}
    assert cell["Вместимость"].value == 60 and cell["Вместимость"].data_type == "n"
    assert float(cell["Выручка брутто"].value) == 7250.0 and cell["Выручка брутто"].data_type == "n"
    assert cell["Отправление"].is_date
    assert [ws.title for ws in wb.worksheets] == ["Рейсы", "Воронка конверсии", "Темп продаж"]


def test_event_widgets_show_figures_without_revenue(season):
    lazy = event_widgets(season.event, lazy=True)
    assert lazy and all(w["content"] is None for w in lazy)
    widgets = event_widgets(season.event)
    text = " ".join(str(w["content"]) for w in widgets)
    assert "3.3%" in text or "3,3%" in text  # 4 paid of 120 places
    assert "₽" not in text and "RUB" not in text
