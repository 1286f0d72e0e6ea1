"""REST API: piers, vessels and sailings, read for every token of the organizer, write with permission."""
from datetime import timedelta

import pytest
from django.utils.timezone import now
from rest_framework.test import APIClient

from pretix.base.models import SubEvent, Team

from ticketing_core.models import Sailing, Vessel
from ticketing_core.testing import factories

pytestmark = pytest.mark.django_db


def _client(organizer, **perms) -> APIClient:
    team = Team.objects.create(organizer=organizer, name="API", all_events=True, **perms)
    token = team.tokens.create(name="t")
    c = APIClient()
    c.credentials(HTTP_AUTHORIZATION=f"Token {token.token}")
    return c


@pytest.fixture
def full(organizer):
    return _client(organizer, all_event_permissions=True, all_organizer_permissions=True)


@pytest.fixture
def readonly(organizer):
    return _client(organizer, limit_event_permissions={"event.orders:read": True})


def test_read_piers_vessels_and_sailings(readonly, organizer, sailing, boat, pier):
    base = f"/api/v1/organizers/{organizer.slug}"
    piers = readonly.get(f"{base}/piers/").json()["results"]
    assert piers[0]["name"]["ru"] == "Дворцовая пристань"
    vessels = readonly.get(f"{base}/vessels/").json()["results"]
    assert vessels[0]["capacity"] == 60 and vessels[0]["seating_mode"] == "general"
    s = readonly.get(f"{base}/sailings/").json()["results"][0]
    assert s["vessel"] == boat.pk and s["departure_pier"] == pier.pk
    assert s["capacity"] == 60 and s["sold"] == 0 and s["available"] == 60
    assert s["duration_minutes"] == 90 and s["starts_at"]


def test_sold_and_available_follow_orders(readonly, organizer, sailing, series):
    adult = series.items.filter(admission=True).first()
    factories.make_order(series, sailing.subevent, [adult, adult])
    s = readonly.get(f"/api/v1/organizers/{organizer.slug}/sailings/{sailing.pk}/").json()
    assert s["sold"] == 2 and s["available"] == 58


def test_write_needs_the_fleet_permission(readonly, full, organizer):
    body = {"name": "Аврора", "registration_number": "Я-12", "vessel_type": "yacht", "capacity": 12,
            "seating_mode": "general"}
    url = f"/api/v1/organizers/{organizer.slug}/vessels/"
    assert readonly.post(url, body, format="json").status_code == 403
    resp = full.post(url, body, format="json")
    assert resp.status_code == 201, resp.content
    v = Vessel.objects.get(registration_number="Я-12")
    assert v.all_logentries().filter(action_type="ticketing_core.vessel.added").exists()


def test_duplicate_registration_and_bad_capacity_are_refused(full, organizer, boat):
    url = f"/api/v1/organizers/{organizer.slug}/vessels/"
    resp = full.post(url, {"name": "X", "registration_number": boat.registration_number, "vessel_type": "boat",
                           "capacity": 0, "seating_mode": "general"}, format="json")
    assert resp.status_code == 400
    assert "registration_number" in resp.json() and "capacity" in resp.json()


def test_create_sailing_and_conflict_is_a_clear_400(full, organizer, series, boat, pier, sailing):
    se = SubEvent.objects.create(event=series, name=series.name, date_from=sailing.start + timedelta(minutes=30))
    resp = full.post(f"/api/v1/organizers/{organizer.slug}/sailings/", {
        "event_slug": series.slug, "subevent": se.pk, "vessel": boat.pk, "departure_pier": pier.pk,
        "duration_minutes": 60}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 400
    assert "overlap" in str(resp.json())
    se.date_from = sailing.end + timedelta(hours=1)
    se.save()
    resp = full.post(f"/api/v1/organizers/{organizer.slug}/sailings/", {
        "event_slug": series.slug, "subevent": se.pk, "vessel": boat.pk, "departure_pier": pier.pk,
        "duration_minutes": 60, "sellable_capacity": 20}, format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["capacity"] == 20
    assert Sailing.objects.get(subevent=se).quota.size == 20


def test_sailing_write_needs_date_permission(organizer, series, boat, pier):
    c = _client(organizer, all_organizer_permissions=True, limit_event_permissions={"event.orders:read": True})
    se = SubEvent.objects.create(event=series, name=series.name, date_from=now() + timedelta(days=9))
    resp = c.post(f"/api/v1/organizers/{organizer.slug}/sailings/", {
        "event_slug": series.slug, "subevent": se.pk, "vessel": boat.pk, "departure_pier": pier.pk,
        "duration_minutes": 60}, format="json")
    assert resp.status_code == 403


def test_vessel_with_sailings_cannot_be_deleted_but_archived(full, organizer, sailing, boat):
    url = f"/api/v1/organizers/{organizer.slug}/vessels/{boat.pk}/"
    assert full.delete(url).status_code == 405 or full.delete(url).status_code == 400
    assert Vessel.objects.filter(pk=boat.pk).exists()
    assert full.patch(url, {"active": False}, format="json").status_code == 200
    assert not Vessel.objects.get(pk=boat.pk).active


def test_other_organizers_data_is_invisible(full, sailing):
    other = factories.make_organizer("ladoga")
    factories.make_vessel(other, "Ладога", capacity=10)
    names = [v["name"] for v in full.get("/api/v1/organizers/neva/vessels/").json()["results"]]
    assert names == [{"ru": "Нева-1"}]  # multilingual, as pretix's API writes its own i18n fields


def test_managed_quota_cannot_be_raised_through_the_quota_api(full, organizer, series, sailing):
    url = f"/api/v1/organizers/{organizer.slug}/events/{series.slug}/quotas/{sailing.quota_id}/"
    resp = full.patch(url, {"size": 500}, format="json")
    assert resp.status_code == 400
    assert "60" in resp.content.decode()


@pytest.mark.parametrize("name", [{}, {"ru": ""}, {"ru": "  "}, ""])
def test_pier_without_a_name_is_a_translated_400_not_a_500(full, organizer, name):
    resp = full.post(f"/api/v1/organizers/{organizer.slug}/piers/", {"name": name, "address": "Невская наб."},
                    format="json", HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 400
    assert "Укажите название" in str(resp.data["name"])


@pytest.mark.parametrize("query", ["vessel=abc", "subevent=999999999999999999999999999999", "vessel=-1",
                                   "event=" + "x" * 300, "subevent=1e5"])
def test_odd_filters_are_a_translated_400_not_a_500(readonly, organizer, sailing, query):
    """Issue 22, finding 6: non-numeric or 30-digit ids in the sailings filters were server errors."""
    resp = readonly.get(f"/api/v1/organizers/{organizer.slug}/sailings/?{query}", HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code in (200, 400), resp.content[:300]
    if resp.status_code == 400:
        assert "не является" in str(resp.json())


def test_deeply_nested_json_is_a_400_not_a_500(full, organizer):
    """Issue 22, finding 6: 10,000 nested lists made DRF's parser raise RecursionError (a 500)."""
    deep = "[" * 10000 + "]" * 10000
    resp = full.post(f"/api/v1/organizers/{organizer.slug}/sailings/", deep, content_type="application/json",
                     HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 400
    assert "вложен" in str(resp.json())
