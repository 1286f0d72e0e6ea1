"""The audit trail: who, when, what and from where; filters; CSV; read-only."""
import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.timezone import now

from pretix.base.models import LogEntry, Team

from ticketing_core.testing.fixtures import login

from ..audit.log import audit
from .console_fixtures import staff


@pytest.fixture
def auditor(organizer):
    """Someone who may read the audit trail and nothing else (no role has only that)."""
    from pretix.base.models import User

    from ..permissions import AUDIT_READ

    user = User.objects.create_user("auditor@example.org", "admin-password-123")
    team = Team.objects.create(organizer=organizer, name="Аудит", all_events=True,
                               limit_organizer_permissions={AUDIT_READ: True})
    team.members.add(user)
    return user


def audit_url(organizer, query=""):
    return reverse("plugins:ticketing_helpdesk:audit", kwargs={"organizer": organizer.slug}) + query


def test_pretix_team_changes_made_in_the_back_office_carry_the_client_address(client, organizer, admin):
    """The middleware adds "ip" to pretix's own entries written during a staff request."""
    team = Team.objects.create(organizer=organizer, name="Кассиры")
    c = login(client, admin)
    r = c.post(reverse("control:organizer.team", kwargs={"organizer": organizer.slug, "team": team.pk}),
               {"user": "new.cashier@example.org"}, REMOTE_ADDR="10.1.2.3")
    assert r.status_code in (200, 302)
    entry = LogEntry.objects.filter(action_type__startswith="pretix.team.", object_id=team.pk).latest("pk")
    assert entry.user == admin and entry.parsed_data["ip"] == "10.1.2.3"


def test_entries_outside_a_request_have_no_address(organizer, admin):
    entry = organizer.log_action("ticketing_helpdesk.console.searched", user=admin, data={"query": "x"})
    assert "ip" not in entry.parsed_data


def test_audit_entries_cannot_be_deleted(organizer, admin):
    entry = audit(organizer, "ticketing_helpdesk.console.searched", user=admin, data={"query": "x", "count": 0})
    with pytest.raises(TypeError):
        entry.delete()


def test_audit_page_is_read_only(client, organizer, auditor):
    c = login(client, auditor)
    for method in (c.post, c.put, c.delete, c.patch):
        assert method(audit_url(organizer)).status_code == 405


def test_no_api_endpoint_changes_log_entries(organizer, auditor):
    """pretix's REST API has no log entry endpoint at all; tokens cannot reach the trail."""
    from django.urls import get_resolver

    patterns = [str(p.pattern) for p in get_resolver().url_patterns]
    api_urls = [u for u in _all_urls(get_resolver()) if u.startswith("api/")]
    assert patterns and not [u for u in api_urls if re.search(r"(^|/)(log|logs|logentries|auditlog)(/|\\.|\$|$)", u)]


def _all_urls(resolver, prefix=""):
    for p in resolver.url_patterns:
        if hasattr(p, "url_patterns"):
            yield from _all_urls(p, prefix + str(p.pattern).lstrip("^"))
        else:
            yield prefix + str(p.pattern).lstrip("^")


def test_filter_by_person_action_object_and_time(client, organizer, auditor, admin, order):
    agent = staff(organizer, "support_agent", "agent2@example.org")
    audit(order, "ticketing_helpdesk.resend", user=agent, data={"channel": "email", "ip": "10.0.0.7"})
    audit(organizer, "ticketing_helpdesk.console.searched", user=admin, data={"query": "Иван", "count": 3})
    old = audit(organizer, "ticketing_helpdesk.console.searched", user=admin, data={"query": "old", "count": 0})
    LogEntry.objects.filter(pk=old.pk).update(datetime=now() - timedelta(days=40))
    c = login(client, auditor)

    html = c.get(audit_url(organizer, f"?user={agent.pk}")).content.decode()
    assert "10.0.0.7" in html and "Иван" not in html

    html = c.get(audit_url(organizer, "?action=ticketing_helpdesk.console.searched")).content.decode()
    assert "Иван" in html and "10.0.0.7" not in html

    html = c.get(audit_url(organizer, f"?object={order.code}")).content.decode()
    assert "10.0.0.7" in html and "Иван" not in html

    since = (now() - timedelta(days=7)).date().isoformat()
    html = c.get(audit_url(organizer, f"?date_from={since}")).content.decode()
    assert "Иван" in html and "old" not in html.split("ticketing-audit-table", 1)[1]


def test_csv_export_follows_the_filter_and_is_itself_logged(client, organizer, auditor, admin, order):
    audit(order, "ticketing_helpdesk.resend", user=admin, data={"channel": "sms", "ip": "10.0.0.9"})
    audit(organizer, "ticketing_helpdesk.console.searched", user=admin, data={"query": "Иван", "count": 3})
    c = login(client, auditor)
    r = c.get(audit_url(organizer, "?action=ticketing_helpdesk.resend&format=csv"))
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))  # Russian: ";"
    assert rows[0][0] and len(rows) == 2
    assert rows[1][1] == admin.email and rows[1][2] == "ticketing_helpdesk.resend" and rows[1][6] == "10.0.0.9"
    export = LogEntry.objects.get(action_type="ticketing_helpdesk.audit.exported")
    assert export.user == auditor and export.parsed_data["count"] == 1


def test_invalid_dates_show_an_error_and_no_entries(client, organizer, auditor, admin):
    audit(organizer, "ticketing_helpdesk.console.searched", user=admin, data={"query": "Иван", "count": 3})
    html = login(client, auditor).get(audit_url(organizer, "?date_from=2026-05-02&date_until=2026-05-01")) \
        .content.decode()
    assert "alert-danger" in html and "Иван" not in html


def test_other_organizers_entries_are_not_shown(client, organizer, auditor):
    from ticketing_core.testing import factories

    other = factories.make_organizer(slug="other", name="Other")
    audit(other, "ticketing_helpdesk.console.searched", data={"query": "чужой", "count": 1})
    assert "чужой" not in login(client, auditor).get(audit_url(organizer)).content.decode()


@pytest.mark.django_db(transaction=True)  # pretix's export task closes the database connection when it ends
def test_pretix_data_exports_are_in_the_trail_with_person_and_address(organizer, series):
    from rest_framework.test import APIClient

    team = Team.objects.create(organizer=organizer, name="Export", all_events=True,
                               limit_event_permissions={"event.orders:read": True})
    token = team.tokens.create(name="books")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.token}")
    r = api.post(f"/api/v1/organizers/{organizer.slug}/events/{series.slug}/exporters/orderlist/run/",
                 {"_format": "xlsx"}, format="json", REMOTE_ADDR="10.9.8.7")
    assert r.status_code == 202, r.content
    entry = LogEntry.objects.get(action_type="ticketing_helpdesk.export.run")
    assert entry.api_token == token and entry.event == series
    assert entry.parsed_data["exporter"] == "orderlist" and entry.parsed_data["ip"] == "10.9.8.7"


def test_export_published_to_a_queue_is_recorded_from_the_request(organizer, series, admin):
    from ..audit.exports import export_published

    export_published(sender="pretix.base.services.export.export",
                     body=((series.pk,), {"user": admin.pk, "provider": "checkinlistpdf", "fileid": "x"}, {}))
    entry = LogEntry.objects.get(action_type="ticketing_helpdesk.export.run")
    assert entry.user == admin and entry.parsed_data["exporter"] == "checkinlistpdf"


def test_viewing_an_order_page_is_recorded_and_found_by_the_order_code(client, organizer, auditor, agent_client,
                                                                          agent, order):
    page = reverse("control:event.order", kwargs={"organizer": organizer.slug, "event": order.event.slug,
                                                  "code": order.code})
    assert agent_client.get(page).status_code == 200
    entry = LogEntry.objects.get(action_type="ticketing_helpdesk.order.viewed")
    assert entry.user == agent and entry.event == order.event and entry.parsed_data["order"] == order.code
    html = login(client, auditor).get(audit_url(organizer, f"?object={order.code}")).content.decode()
    assert "ticketing_helpdesk.order.viewed" in html


def test_object_filter_finds_customers_teams_and_cases(client, organizer, auditor, admin, console_customer):
    from ..models import SupportCase
    from ..roles.templates import ROLES, apply_role

    audit(console_customer, "ticketing_helpdesk.customer.viewed", user=admin, data={"orders": 0, "ip": "10.0.0.1"})
    team, _ = apply_role(organizer, ROLES["boarding"], admin)
    case = SupportCase.objects.create(organizer=organizer, number=12, subject="Жалоба")
    case.log_action("ticketing_helpdesk.case.viewed", user=admin, data={"number": 12, "ip": "10.0.0.3"})
    c = login(client, auditor)
    html = c.get(audit_url(organizer, f"?object={console_customer.identifier}")).content.decode()
    assert "10.0.0.1" in html and "10.0.0.3" not in html
    html = c.get(audit_url(organizer, "?object=%2312")).content.decode()
    assert "10.0.0.3" in html and "10.0.0.1" not in html
    html = c.get(audit_url(organizer, f"?object={team.name}")).content.decode()
    assert "pretix.team." in html and "10.0.0.1" not in html


def test_the_page_shows_each_action_as_text_not_as_its_code(client, organizer, auditor, admin, sailing):
    """The manifest export was listed as ``ticketing_helpdesk.manifest.exported``: only the CSV keeps the codes."""
    audit(sailing.subevent, "ticketing_helpdesk.manifest.exported", user=admin, data={"passengers": 3})
    html = login(client, auditor).get(audit_url(organizer), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Список пассажиров рейса выгружен в CSV." in html
    assert "ticketing_helpdesk.manifest.exported" not in html.split("<tbody>", 1)[1]
