"""Vessel schedule: one vessel cannot make two sailings that overlap, turnaround time included."""
from datetime import timedelta

import pytest
from django.utils.timezone import now
from django.utils.translation import override

from pretix.base.models import SubEvent

from ticketing_core.errors import ScheduleConflict
from ticketing_core.fleet.forms import SailingForm
from ticketing_core.fleet.sailings import mark_canceled
from ticketing_core.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def first(series, boat, pier):
    start = (now() + timedelta(days=3)).replace(hour=12, minute=0, second=0, microsecond=0)
    return factories.make_sailing(series, boat, pier, start, minutes=90)


def test_overlapping_sailing_is_refused_naming_the_other(first, series, boat, pier):
    with override("en"), pytest.raises(ScheduleConflict) as e:
        factories.make_sailing(series, boat, pier, first.start + timedelta(minutes=60))
    assert "Evening cruise" in str(e.value) or "Вечерняя прогулка" in str(e.value)
    assert "30 minutes" in str(e.value)


def test_start_within_turnaround_after_previous_end_is_refused(first, series, boat, pier):
    with pytest.raises(ScheduleConflict):
        factories.make_sailing(series, boat, pier, first.end + timedelta(minutes=29))


def test_start_exactly_after_turnaround_is_allowed(first, series, boat, pier):
    factories.make_sailing(series, boat, pier, first.end + timedelta(minutes=30))


def test_end_within_turnaround_before_next_start_is_refused(first, series, boat, pier):
    with pytest.raises(ScheduleConflict):
        factories.make_sailing(series, boat, pier, first.start - timedelta(minutes=90 + 29), minutes=90)
    factories.make_sailing(series, boat, pier, first.start - timedelta(minutes=90 + 30), minutes=90)


def test_turnaround_is_an_organizer_setting(first, series, boat, pier, organizer):
    organizer.settings.ticketing_turnaround_minutes = 0
    factories.make_sailing(series, boat, pier, first.end)


def test_another_vessel_may_sail_at_the_same_time(first, series, organizer, pier):
    other = factories.make_vessel(organizer, "Фонтанка", capacity=30)
    factories.make_sailing(series, other, pier, first.start)


def test_conflicts_span_events_of_the_organizer(first, organizer, boat, pier):
    jazz = factories.make_series(organizer, slug="jazz")
    with pytest.raises(ScheduleConflict):
        factories.make_sailing(jazz, boat, pier, first.start + timedelta(minutes=10))


def test_a_cancelled_sailing_frees_the_vessel(first, series, boat, pier):
    mark_canceled(first, "Шторм")
    factories.make_sailing(series, boat, pier, first.start)


def test_moving_a_date_into_a_conflict_is_refused_on_the_date_form(rf, first, series, boat, pier, admin):
    second = factories.make_sailing(series, boat, pier, first.end + timedelta(hours=2))
    clash = first.start + timedelta(minutes=15)
    request = rf.post("/", {"date_from_0": clash.astimezone(factories.MSK).strftime("%Y-%m-%d"),
                            "date_from_1": clash.astimezone(factories.MSK).strftime("%H:%M:%S")})
    request.user = admin
    form = SailingForm(data={"ticketing_sailing-vessel": boat.pk, "ticketing_sailing-departure_pier": pier.pk,
                             "ticketing_sailing-duration_minutes": 90},
                       event=series, subevent=second.subevent, request=request, prefix="ticketing_sailing")
    with override("en"):
        assert not form.is_valid()
    assert "overlap" in str(form.errors)


def test_bulk_created_dates_are_checked_too(first, series, boat, pier):
    """pretix's bulk creation calls the form's save() per new date; a clash becomes a ValidationError."""
    from django.core.exceptions import ValidationError

    form = SailingForm(data={"s-vessel": boat.pk, "s-departure_pier": pier.pk, "s-duration_minutes": 90},
                       event=series, subevent=None, prefix="s")
    assert form.is_valid(), form.errors
    form.subevent = SubEvent.objects.create(event=series, name="clash", date_from=first.start)
    with pytest.raises(ValidationError):
        form.save()


def test_moving_a_date_through_the_api_into_a_clash_is_refused(first, series, boat, pier, organizer):
    from rest_framework.test import APIClient

    from pretix.base.models import Team

    second = factories.make_sailing(series, boat, pier, first.end + timedelta(hours=2))
    team = Team.objects.create(organizer=organizer, name="API", all_events=True, all_event_permissions=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {team.tokens.create(name='t').token}")
    url = f"/api/v1/organizers/{organizer.slug}/events/{series.slug}/subevents/{second.subevent_id}/"
    resp = client.patch(url, {"date_from": (first.start + timedelta(minutes=10)).isoformat()}, format="json",
                        HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 400
    assert "overlap" in resp.content.decode()
    second.subevent.refresh_from_db()
    assert second.subevent.date_from == second.start
    ok = client.patch(url, {"date_from": (first.end + timedelta(hours=5)).isoformat()}, format="json")
    assert ok.status_code == 200


def test_moving_a_date_in_code_into_a_clash_raises(first, series, boat, pier):
    second = factories.make_sailing(series, boat, pier, first.end + timedelta(hours=2))
    second.subevent.date_from = first.start
    with pytest.raises(ScheduleConflict):
        second.subevent.save()
