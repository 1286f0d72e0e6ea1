"""Role templates: applying them creates or updates pretix teams, is logged, and is recognised afterwards."""
from django.urls import reverse

from pretix.base.models import LogEntry, Team

from ..permissions import POLICY_REFUND
from ..roles.templates import ADMIN_ONLY, ROLES, apply_role, role_of


def test_only_the_administrator_may_refund_outside_the_policy():
    for role in ROLES.values():
        if not role.all_permissions:
            assert not (role.event_permissions | role.organizer_permissions) & ADMIN_ONLY, role.key
    assert POLICY_REFUND in ROLES["support_agent"].event_permissions
    assert ROLES["boarding"].event_permissions == {"event.orders:checkin"}
    assert not ROLES["boarding"].organizer_permissions


def test_every_permission_of_every_role_is_registered():
    from pretix.base.permissions import get_all_event_permissions, get_all_organizer_permissions

    for role in ROLES.values():
        assert role.event_permissions <= get_all_event_permissions(), role.key
        assert role.organizer_permissions <= get_all_organizer_permissions(), role.key


def test_apply_creates_team_and_update_keeps_members_and_events(organizer, admin, series):
    team, created = apply_role(organizer, ROLES["support_agent"], admin)
    assert created and team.name == str(ROLES["support_agent"].label)
    assert role_of(team) == ROLES["support_agent"]
    team.members.add(admin)
    team.all_events = False
    team.save()
    team.limit_events.add(series)
    team, created = apply_role(organizer, ROLES["accountant"], admin, team=team)
    assert not created and role_of(team) == ROLES["accountant"]
    assert list(team.members.all()) == [admin] and list(team.limit_events.all()) == [series]
    entries = LogEntry.objects.filter(action_type="ticketing_helpdesk.role.applied")
    assert [e.parsed_data["role"] for e in entries.order_by("pk")] == ["support_agent", "accountant"]
    assert LogEntry.objects.filter(action_type="pretix.team.changed", object_id=team.pk).exists()


def test_roles_page_applies_a_role_and_logs_who_and_where(admin_client, organizer, admin):
    url = reverse("plugins:ticketing_helpdesk:roles", kwargs={"organizer": organizer.slug})
    page = admin_client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "ticketing-role-form" in html and html.count("ticketing-role\"") == len(ROLES)
    r = admin_client.post(url, {"role": "boarding", "team": ""}, REMOTE_ADDR="192.0.2.10")
    assert r.status_code == 302
    team = Team.objects.get(organizer=organizer, limit_event_permissions={"event.orders:checkin": True})
    entry = LogEntry.objects.get(action_type="ticketing_helpdesk.role.applied")
    assert entry.user == admin and entry.parsed_data["ip"] == "192.0.2.10" and entry.parsed_data["team_id"] == team.pk


def test_roles_page_refuses_unknown_role_and_foreign_team(admin_client, organizer):
    from ticketing_core.testing import factories

    other_team = Team.objects.create(organizer=factories.make_organizer(slug="other", name="Other"), name="X")
    url = reverse("plugins:ticketing_helpdesk:roles", kwargs={"organizer": organizer.slug})
    before = Team.objects.count()
    assert admin_client.post(url, {"role": "god", "team": ""}).status_code == 200
    assert admin_client.post(url, {"role": "boarding", "team": str(other_team.pk)}).status_code == 200
    assert Team.objects.count() == before
    other_team.refresh_from_db()
    assert not other_team.limit_event_permissions


def test_an_administrator_cannot_lock_themselves_out_of_team_management(admin_client, organizer, admin):
    own_team = admin.teams.get(organizer=organizer)
    url = reverse("plugins:ticketing_helpdesk:roles", kwargs={"organizer": organizer.slug})
    r = admin_client.post(url, {"role": "support_agent", "team": str(own_team.pk)})
    assert r.status_code == 200 and "alert-danger" in r.content.decode()
    own_team.refresh_from_db()
    assert own_team.all_organizer_permissions
    assert not LogEntry.objects.filter(action_type="ticketing_helpdesk.role.applied").exists()


def test_every_permission_of_a_role_is_registered_with_pretix():
    """Roles name other addons' permissions by string (ticketing_accounting's): a renamed one would be lost."""
    from pretix.base.permissions import get_all_event_permission_groups, get_all_organizer_permission_groups

    def names(groups):
        return {f"{g.name}:{a}" for g in groups.values() for a in g.actions}

    organizer_names, event_names = names(get_all_organizer_permission_groups()), names(
        get_all_event_permission_groups())
    for role in ROLES.values():
        assert role.organizer_permissions <= organizer_names, role.key
        assert role.event_permissions <= event_names, role.key
