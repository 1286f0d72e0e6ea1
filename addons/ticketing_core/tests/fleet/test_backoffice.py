"""Back-office pages for the fleet and the sailings, with permissions and the audit log."""
from datetime import timedelta

import pytest
from django.utils.timezone import now
from django.utils.translation import override

from pretix.base.models import LogEntry, Team, User

from ticketing_core.fleet.forms import SailingForm
from ticketing_core.models import Pier, Sailing, Vessel
from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def viewer(organizer):
    user = User.objects.create_user("viewer@example.org", "admin-password-123")
    team = Team.objects.create(organizer=organizer, name="Cashiers", all_events=True,
                               limit_event_permissions={"event.orders:read": True})
    team.members.add(user)
    return user


def test_vessel_list_create_edit_archive_with_log(admin_client, organizer, boat):
    base = f"/control/organizer/{organizer.slug}/fleet/vessels/"
    resp = admin_client.get(base)
    assert resp.status_code == 200 and "Нева-1" in resp.content.decode()
    resp = admin_client.post(base + "add", {
        "name_0": "Теплоход «Нева»", "registration_number": "Р-120", "vessel_type": "motor_ship", "capacity": 120,
        "seating_mode": "assigned", "description_0": "Двухпалубный теплоход", "amenities_0": "Бар", "active": "on",
    })
    assert resp.status_code == 302, resp.content.decode()[-3000:]
    v = Vessel.objects.get(registration_number="Р-120")
    assert v.capacity == 120 and str(v.description) == "Двухпалубный теплоход"
    resp = admin_client.post(base + f"{v.pk}/", {
        "name_0": str(v.name), "registration_number": "Р-120", "vessel_type": "motor_ship", "capacity": 118,
        "seating_mode": "assigned", "active": "on"})
    assert resp.status_code == 302
    assert Vessel.objects.get(pk=v.pk).capacity == 118
    assert admin_client.post(base + f"{v.pk}/archive", {"action": "archive"}).status_code == 302
    assert not Vessel.objects.get(pk=v.pk).active
    actions = list(LogEntry.objects.filter(object_id=v.pk, content_type__model="vessel")
                   .values_list("action_type", flat=True))
    assert {"ticketing_core.vessel.added", "ticketing_core.vessel.changed",
            "ticketing_core.vessel.archived"} <= set(actions)
    with override("ru"):
        for entry in LogEntry.objects.filter(object_id=v.pk, content_type__model="vessel"):
            assert "Теплоход" in str(entry.display())


def test_invalid_vessel_input_gets_translated_errors(admin_client, organizer):
    with override("ru"):
        resp = admin_client.post(f"/control/organizer/{organizer.slug}/fleet/vessels/add", {
            "name_0": "", "registration_number": "", "vessel_type": "submarine", "capacity": "-5",
            "seating_mode": "general"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert resp.status_code == 200
    assert not Vessel.objects.exists()
    assert "has-error" in resp.content.decode()


def test_vessel_with_sailings_cannot_be_deleted(admin_client, organizer, sailing, boat):
    resp = admin_client.post(f"/control/organizer/{organizer.slug}/fleet/vessels/{boat.pk}/archive",
                             {"action": "delete"}, follow=True)
    assert Vessel.objects.filter(pk=boat.pk).exists()
    assert "archive" in resp.content.decode().lower() or "архив" in resp.content.decode().lower()


def test_vessel_without_sailings_can_be_deleted(admin_client, organizer):
    v = factories.make_vessel(organizer, "Временный", capacity=5)
    admin_client.post(f"/control/organizer/{organizer.slug}/fleet/vessels/{v.pk}/archive", {"action": "delete"})
    assert not Vessel.objects.filter(pk=v.pk).exists()


def test_archived_vessel_is_not_offered_for_new_sailings(organizer, series, pier):
    archived = factories.make_vessel(organizer, "Старый", capacity=40, active=False)
    form = SailingForm(event=series, subevent=None)
    assert archived not in form.fields["vessel"].queryset


def test_pier_create_validates_coordinates(admin_client, organizer):
    url = f"/control/organizer/{organizer.slug}/fleet/piers/add"
    resp = admin_client.post(url, {"name_0": "Причал", "address_0": "Наб.", "latitude": "95", "longitude": "30",
                                   "timezone": "Europe/Moscow", "active": "on"})
    assert resp.status_code == 200 and not Pier.objects.exists()
    resp = admin_client.post(url, {"name_0": "Причал", "address_0": "Наб.", "latitude": "59.94", "longitude": "30.31",
                                   "timezone": "Europe/Moscow", "active": "on"})
    assert resp.status_code == 302
    assert Pier.objects.get().all_logentries().filter(action_type="ticketing_core.pier.added").exists()


def test_staff_without_fleet_permission_may_look_but_not_change(client, viewer, organizer, boat):
    login(client, viewer)
    assert client.get(f"/control/organizer/{organizer.slug}/fleet/vessels/").status_code == 200
    assert client.get(f"/control/organizer/{organizer.slug}/fleet/vessels/add").status_code == 403
    assert client.post(f"/control/organizer/{organizer.slug}/fleet/vessels/{boat.pk}/archive",
                       {"action": "archive"}).status_code == 403
    assert Vessel.objects.get(pk=boat.pk).active


def test_staff_without_cancel_permission_cannot_cancel_a_sailing(client, viewer, organizer, series, sailing):
    login(client, viewer)
    url = f"/control/event/{organizer.slug}/{series.slug}/sailings/{sailing.pk}/cancel"
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403
    assert not Sailing.objects.get(pk=sailing.pk).is_canceled


def test_sailing_list_shows_capacity_sold_available(admin_client, organizer, series, sailing):
    adult = series.items.filter(admission=True).first()
    factories.make_order(series, sailing.subevent, [adult, adult, adult])
    html = admin_client.get(f"/control/event/{organizer.slug}/{series.slug}/sailings/").content.decode()
    assert "Нева-1" in html and ">60<" in html and ">3<" in html and ">57<" in html


def _form_defaults(html: str, form_index: int = -1) -> dict:
    """Every field of a rendered form with the value a browser would send untouched."""
    from bs4 import BeautifulSoup

    form = BeautifulSoup(html, "html.parser").find_all("form", method="post")[form_index]
    data = {}
    for el in form.find_all(["input", "select", "textarea"]):
        name = el.get("name")
        if not name or el.get("type") in ("submit", "button", "file"):
            continue
        if el.name == "select":
            opt = el.find("option", selected=True)
            data[name] = opt.get("value", "") if opt else ""
        elif el.get("type") in ("checkbox", "radio"):
            if el.has_attr("checked"):
                data.setdefault(name, el.get("value", "on"))
        elif el.name == "textarea":
            data[name] = el.text
        else:
            data[name] = el.get("value", "")
    return data


def test_date_form_binds_the_date_to_a_vessel(admin_client, organizer, series, boat, pier):
    """pretix's own date editor shows our form; saving it creates the sailing and its capacity quota."""
    url = f"/control/event/{organizer.slug}/{series.slug}/subevents/add"
    html = admin_client.get(url).content.decode()
    assert "ticketing_sailing-vessel" in html
    data = _form_defaults(html)
    start = (now() + timedelta(days=10)).astimezone(factories.MSK)
    data.update({
        "name_0": "Вечерняя прогулка", "active": "on",
        "date_from_0": start.strftime("%Y-%m-%d"), "date_from_1": "19:00:00",
        "ticketing_sailing-vessel": str(boat.pk), "ticketing_sailing-departure_pier": str(pier.pk),
        "ticketing_sailing-duration_minutes": "90",
    })
    data["quotas-0-size"] = "100"
    data["quotas-0-itemvars"] = [str(i.pk) for i in series.items.all()]
    resp = admin_client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[-3000:]
    s = Sailing.objects.get(event=series)
    assert s.vessel == boat and s.quota.size == 60 and s.start.astimezone(factories.MSK).hour == 19
    assert s.all_logentries().filter(action_type="ticketing_core.sailing.added").exists()


def test_fleet_settings_change_turnaround_and_fee(admin_client, organizer):
    url = f"/control/organizer/{organizer.slug}/fleet/settings"
    resp = admin_client.post(url, {"turnaround_minutes": "45", "cancellation_fee": "100.00",
                                   "cancellation_fee_percentage": "0"})
    assert resp.status_code == 302
    organizer.settings.flush()
    assert organizer.settings.ticketing_turnaround_minutes == 45
    assert str(organizer.settings.cancel_allow_user_paid_keep) == "100.00"


def test_event_settings_page_applies_the_policy(admin_client, organizer, series):
    series.settings.change_allow_attendee = True
    url = f"/control/event/{organizer.slug}/{series.slug}/sailings/settings"
    assert "apply_policy" in admin_client.get(url).content.decode()
    admin_client.post(url, {"action": "apply_policy"})
    series.settings.flush()
    assert series.settings.change_allow_attendee is False


def test_single_event_gets_its_sailing_on_the_settings_page(admin_client, organizer, boat, pier):
    from decimal import Decimal

    from pretix.base.models import Event, Item

    event = Event.objects.create(organizer=organizer, name="Чартер", slug="charter", currency="RUB",
                                 date_from=now() + timedelta(days=6), plugins=factories.PLUGINS)
    Item.objects.create(event=event, name="Место", default_price=Decimal("500.00"), admission=True)
    url = f"/control/event/{organizer.slug}/{event.slug}/sailings/settings"
    resp = admin_client.post(url, {"kind-kind": "onboard_event", "sailing-vessel": boat.pk,
                                   "sailing-departure_pier": pier.pk, "sailing-duration_minutes": "120"})
    assert resp.status_code == 302, resp.content.decode()[-2000:]
    s = Sailing.objects.get(event=event)
    assert s.subevent is None and s.quota.size == 60
    assert event.ticketing_kind.kind == "onboard_event"


def test_date_page_shows_its_sailing(admin_client, organizer, series, sailing):
    html = admin_client.get(f"/control/event/{organizer.slug}/{series.slug}/subevents/{sailing.subevent_id}/"
                            ).content.decode()
    assert 'id="ticketing-sailing"' in html and "Нева-1" in html and "Дворцовая пристань" in html


def test_new_date_that_clashes_shows_the_conflict_on_the_form(admin_client, organizer, series, boat, pier, sailing):
    url = f"/control/event/{organizer.slug}/{series.slug}/subevents/add"
    data = _form_defaults(admin_client.get(url).content.decode())
    start = sailing.start.astimezone(factories.MSK) + timedelta(minutes=20)
    data.update({
        "name_0": "Вечерняя прогулка", "active": "on",
        "date_from_0": start.strftime("%Y-%m-%d"), "date_from_1": start.strftime("%H:%M:%S"),
        "ticketing_sailing-vessel": str(boat.pk), "ticketing_sailing-departure_pier": str(pier.pk),
        "ticketing_sailing-duration_minutes": "90", "quotas-0-size": "100",
        "quotas-0-itemvars": [str(i.pk) for i in series.items.all()],
    })
    resp = admin_client.post(url, data)
    assert resp.status_code == 200
    assert "Нева-1" in resp.content.decode() and Sailing.objects.filter(event=series).count() == 1


def _bulk_data(admin_client, organizer, series, boat, pier, times):
    url = f"/control/event/{organizer.slug}/{series.slug}/subevents/bulk_add"
    data = _form_defaults(admin_client.get(url).content.decode())
    start = (now() + timedelta(days=3)).astimezone(factories.MSK)
    data.update({
        "rruleformset-0-freq": "daily", "rruleformset-0-end": "count", "rruleformset-0-count": "5",
        "rruleformset-0-dtstart": start.strftime("%d.%m.%Y"),
        "timeformset-TOTAL_FORMS": str(len(times)),
        "quotas-0-size": "100", "quotas-0-itemvars": [str(i.pk) for i in series.items.all()],
        "ticketing_sailing-vessel": str(boat.pk), "ticketing_sailing-departure_pier": str(pier.pk),
        "ticketing_sailing-duration_minutes": "90",
    })
    for i, t in enumerate(times):
        data[f"timeformset-{i}-time_from"] = t
    return url, data


def test_bulk_creation_binds_every_new_date_to_the_vessel(admin_client, organizer, series, boat, pier):
    url, data = _bulk_data(admin_client, organizer, series, boat, pier, ["19:00:00", "21:00:00"])
    resp = admin_client.post(url, data, follow=True)
    assert resp.status_code == 200
    sailings = Sailing.objects.filter(event=series)
    assert sailings.count() == 10
    assert all(s.vessel == boat and s.quota.size == 60 for s in sailings)


def test_bulk_creation_that_clashes_creates_nothing_and_says_why(admin_client, organizer, series, boat, pier):
    url, data = _bulk_data(admin_client, organizer, series, boat, pier, ["19:00:00", "19:30:00"])
    with override("en"):
        resp = admin_client.post(url, data, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert Sailing.objects.filter(event=series).count() == 0
    assert series.subevents.count() == 0
    assert "overlap" in resp.content.decode() or "пересека" in resp.content.decode()


def test_fleet_changes_appear_in_the_organizer_log(admin_client, organizer):
    admin_client.post(f"/control/organizer/{organizer.slug}/fleet/vessels/add", {
        "name_0": "Аврора", "registration_number": "Я-1", "vessel_type": "yacht", "capacity": 12,
        "seating_mode": "general", "active": "on"})
    with override("ru"):
        html = admin_client.get(f"/control/organizer/{organizer.slug}/logs", HTTP_ACCEPT_LANGUAGE="ru"
                                ).content.decode()
    assert "Аврора" in html


def _browser_post(html: str) -> dict:
    """What a browser sends for the rendered form untouched: every value of a repeated name, in page order."""
    from bs4 import BeautifulSoup

    form = BeautifulSoup(html, "html.parser").find_all("form", method="post")[-1]
    data: dict[str, list[str]] = {}
    for el in form.find_all(["input", "select", "textarea"]):
        name = el.get("name")
        if not name or el.get("type") in ("submit", "button", "file") or el.find_parent("script"):
            continue
        if el.name == "select":
            values = [o.get("value", "") for o in el.find_all("option", selected=True)]
            values = values or ([] if el.has_attr("multiple") else [""])
        elif el.get("type") in ("checkbox", "radio"):
            values = [el.get("value", "on")] if el.has_attr("checked") else []
        elif el.name == "textarea":
            values = [el.text]
        else:
            values = [el.get("value", "")]
        data.setdefault(name, []).extend(values)
    return data


def test_blank_date_form_needs_only_date_vessel_and_pier(admin_client, organizer, series, boat, pier, sailing):
    """
    A person opens "create a date", types the date and picks the vessel and the pier, nothing else (pretix's
    quota panel untouched): the date is created with its sailing and the capacity guard's quota alone.
    """
    url = f"/control/event/{organizer.slug}/{series.slug}/subevents/add"
    data = _browser_post(admin_client.get(url).content.decode())
    start = (now() + timedelta(days=12)).astimezone(factories.MSK)
    data.update({"name_0": ["Вечерняя прогулка"], "date_from_0": [start.strftime("%Y-%m-%d")],
                 "date_from_1": ["19:00:00"], "ticketing_sailing-vessel": [str(boat.pk)],
                 "ticketing_sailing-departure_pier": [str(pier.pk)]})
    resp = admin_client.post(url, data)
    assert resp.status_code == 302, resp.content.decode()[-3000:]
    new = Sailing.objects.filter(event=series).exclude(pk=sailing.pk).get()
    assert new.vessel == boat and new.duration_minutes == sailing.duration_minutes
    quotas = list(new.subevent.quotas.all())
    assert quotas == [new.quota] and new.quota.size == 60
    assert set(new.quota.items.all()) == set(series.items.filter(admission=True))


def test_blank_date_form_of_a_sailing_event_requires_the_vessel_and_pier(admin_client, organizer, series):
    url = f"/control/event/{organizer.slug}/{series.slug}/subevents/add"
    data = _browser_post(admin_client.get(url).content.decode())
    start = (now() + timedelta(days=12)).astimezone(factories.MSK)
    data.update({"name_0": ["Вечерняя прогулка"], "date_from_0": [start.strftime("%Y-%m-%d")],
                 "date_from_1": ["19:00:00"]})
    resp = admin_client.post(url, data)
    assert resp.status_code == 200 and not series.subevents.exists()
    form = resp.context["plugin_forms"][0]
    assert "vessel" in form.errors and "departure_pier" in form.errors
