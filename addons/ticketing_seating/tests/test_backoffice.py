"""Back office: the seat-map editor, import with every error, export, generator, categories, occupancy, blocking."""
import json
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pretix.base.models import LogEntry

from ticketing_seating.models import EventSeatCategory, SeatBlock
from ticketing_seating.services import generator
from ticketing_seating.testing import small_spec

from .test_layout import huge_spec


def _edit_url(vessel):
    return reverse("plugins:ticketing_seating:map.edit", kwargs={"organizer": vessel.organizer.slug,
                                                                 "vessel": vessel.pk})


def test_map_list_and_editor_render(admin_client, seated):
    vessel, *_ = seated
    r = admin_client.get(reverse("plugins:ticketing_seating:maps", kwargs={"organizer": vessel.organizer.slug}))
    assert r.status_code == 200 and vessel.name in r.content.decode()
    r = admin_client.get(_edit_url(vessel))
    html = r.content.decode()
    assert r.status_code == 200 and "ts-preview" in html and "d1-r1-s1" in html and "editor.js" in html


def test_import_with_errors_changes_nothing_and_lists_them(admin_client, seated):
    vessel, *_ = seated
    plan_before = vessel.seat_map.plan_id
    bad = generator.generate(small_spec(rows=2, seats=3, decks=1, aisle=None))
    bad["zones"][0]["rows"][0]["seats"][1]["seat_guid"] = "d1-r1-s1"
    bad["zones"][0]["rows"][0]["seats"][2]["category"] = "Ghost"
    upload = SimpleUploadedFile("map.json", json.dumps(bad).encode(), content_type="application/json")
    r = admin_client.post(_edit_url(vessel), {"action": "import", "file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    html = r.content.decode()
    assert r.status_code == 200 and 'id="ts-errors"' in html
    assert "d1-r1-s1" in html and "Ghost" in html
    vessel.seat_map.refresh_from_db()
    assert vessel.seat_map.plan_id == plan_before


def test_import_valid_file_saves_a_new_version_and_names_skipped_sailings(admin_client, seated):
    vessel, event, sailing, products = seated
    from ticketing_core.testing import factories

    order = factories.make_order(event, sailing.subevent, [products["Window"]])
    p = order.positions.first()
    p.seat = sailing.subevent.seats.get(seat_guid="d1-r1-s1")
    p.save()
    good = generator.generate(small_spec(rows=4, seats=4, decks=1))
    upload = SimpleUploadedFile("map.json", json.dumps(good).encode(), content_type="application/json")
    r = admin_client.post(_edit_url(vessel), {"action": "import", "file": upload}, follow=True,
                          HTTP_ACCEPT_LANGUAGE="en")
    html = r.content.decode()
    assert "уже проданы места" in html and str(sailing.vessel.name) in html
    vessel.seat_map.refresh_from_db()
    assert len(vessel.seat_map.plan.layout_data["zones"]) == 1
    assert LogEntry.objects.filter(action_type="ticketing_seating.map.saved").count() == 2


def test_save_from_editor_keeps_flags_and_labels(admin_client, seated):
    vessel, *_ = seated
    layout = vessel.seat_map.plan.layout_data
    meta = {"flags": {"Window": {"wheelchair": True, "sellable": True}},
            "labels": {"zones": {"Главная палуба": {"en": "Main deck"}}, "categories": {"Window": {"en": "Window"}}}}
    r = admin_client.post(_edit_url(vessel), {"action": "save", "layout": json.dumps(layout),
                                              "meta": json.dumps(meta)})
    assert r.status_code == 302
    vessel.seat_map.refresh_from_db()
    assert vessel.seat_map.category_flags["Window"]["wheelchair"] is True
    assert vessel.seat_map.labels["zones"]["Главная палуба"] == {"en": "Main deck"}


def test_broken_json_in_editor_is_kept_and_explained(admin_client, seated):
    vessel, *_ = seated
    r = admin_client.post(_edit_url(vessel), {"action": "save", "layout": '{"name": ', "meta": "{}"},
                          HTTP_ACCEPT_LANGUAGE="en")
    html = r.content.decode()
    assert r.status_code == 200 and "не является корректным JSON" in html and "{&quot;name&quot;: " in html


def test_generator_endpoint_and_export(admin_client, seated):
    vessel, *_ = seated
    url = reverse("plugins:ticketing_seating:map.generate", kwargs={"organizer": vessel.organizer.slug,
                                                                    "vessel": vessel.pk})
    r = admin_client.post(url, json.dumps(small_spec(rows=2, seats=4, decks=1)), content_type="application/json")
    assert r.status_code == 200 and len(r.json()["layout"]["zones"][0]["rows"]) == 2
    spec = small_spec()
    spec["decks"][0]["sections"][0]["rows"] = "many"
    r = admin_client.post(url, json.dumps(spec), content_type="application/json")
    assert r.status_code == 400 and r.json()["errors"]
    r = admin_client.get(reverse("plugins:ticketing_seating:map.export", kwargs={
        "organizer": vessel.organizer.slug, "vessel": vessel.pk}))
    assert r["Content-Disposition"].startswith("attachment")
    assert json.load(BytesIO(r.content)) == vessel.seat_map.plan.layout_data


def test_event_category_products_and_rules(admin_client, seated):
    vessel, event, sailing, products = seated
    url = reverse("plugins:ticketing_seating:event.seating", kwargs={"organizer": event.organizer.slug,
                                                                     "event": event.slug})
    r = admin_client.get(url)
    assert r.status_code == 200
    form = r.context["form"]
    fields = {name: key for key, name in form.category_fields}
    data = {fields["Window"]: str(products["Standard"].pk), fields["Standard"]: str(products["Standard"].pk),
            "max_seats": "4", "no_single_gap": ""}
    r = admin_client.post(url, data)
    assert r.status_code == 302
    assert EventSeatCategory.objects.get(event=event, category="Window").item == products["Standard"]
    assert sailing.subevent.seats.filter(row_name="1", product=products["Standard"]).count() == 12
    event.settings.flush()
    assert event.settings.ticketing_seating_max_seats == 4 and event.settings.ticketing_seating_no_single_gap is False


def test_occupancy_block_and_unblock_with_reason_logged(admin_client, seated):
    vessel, event, sailing, products = seated
    from ticketing_core.testing import factories

    order = factories.make_order(event, sailing.subevent, [products["Window"]])
    p = order.positions.first()
    p.seat = sailing.subevent.seats.get(seat_guid="d1-r1-s1")
    p.save()
    url = reverse("plugins:ticketing_seating:occupancy", kwargs={
        "organizer": event.organizer.slug, "event": event.slug, "subevent": sailing.subevent_id})
    html = admin_client.get(url).content.decode()  # the back office speaks the user's language (Russian)
    assert order.code in html and "Иван Петров" in html and "Главная палуба, ряд 1, место 1" in html

    r = admin_client.post(url, {"seat": ["d1-r2-s2", "d1-r1-s1"], "reason": "сломано кресло", "action": "block"},
                          follow=True)
    seat = sailing.subevent.seats.get(seat_guid="d1-r2-s2")
    assert seat.blocked and SeatBlock.objects.get(seat=seat).reason == "сломано кресло"
    assert not sailing.subevent.seats.get(seat_guid="d1-r1-s1").blocked  # sold seats cannot be blocked
    assert LogEntry.objects.filter(action_type="ticketing_seating.seat.blocked").count() == 1
    r = admin_client.post(url, {"seat": ["d1-r2-s3"], "reason": "", "action": "block"}, follow=True)
    assert "Укажите причину блокировки места" in r.content.decode()
    assert not sailing.subevent.seats.get(seat_guid="d1-r2-s3").blocked
    admin_client.post(url, {"seat": ["d1-r2-s2"], "action": "unblock"}, follow=True)
    seat.refresh_from_db()
    assert not seat.blocked and not SeatBlock.objects.filter(seat=seat).exists()
    assert LogEntry.objects.filter(action_type="ticketing_seating.seat.unblocked").count() == 1
    lst = reverse("plugins:ticketing_seating:occupancy.list", kwargs={"organizer": event.organizer.slug,
                                                                      "event": event.slug})
    assert admin_client.get(lst).status_code == 200


def test_staff_without_rights_cannot_edit_maps_or_block_seats(client, seated):
    from pretix.base.models import Team, User

    from ticketing_core.testing.fixtures import login

    vessel, event, sailing, _products = seated
    user = User.objects.create_user("guide@example.org", "admin-password-123")
    team = Team.objects.create(organizer=event.organizer, name="Guides", all_events=True,
                               limit_event_permissions={"event.orders:read": True})
    team.members.add(user)
    login(client, user)
    r = client.post(_edit_url(vessel), {"action": "save", "layout": "{}", "meta": "{}"})
    assert r.status_code == 403
    url = reverse("plugins:ticketing_seating:occupancy", kwargs={
        "organizer": event.organizer.slug, "event": event.slug, "subevent": sailing.subevent_id})
    assert client.get(url).status_code == 200
    client.post(url, {"seat": ["d1-r2-s2"], "reason": "x", "action": "block"})
    assert not sailing.subevent.seats.get(seat_guid="d1-r2-s2").blocked
    r = client.get(reverse("plugins:ticketing_seating:event.seating", kwargs={
        "organizer": event.organizer.slug, "event": event.slug}))
    assert r.status_code == 403


def test_map_with_more_seats_than_the_certificate_warns(admin_client, seated):
    vessel, *_ = seated
    vessel.capacity = 20
    vessel.save()
    r = admin_client.post(_edit_url(vessel), {"action": "save", "layout": json.dumps(vessel.seat_map.plan.layout_data),
                                              "meta": "{}"}, follow=True)
    assert "больше пассажировместимости по свидетельству" in r.content.decode()


def test_generator_endpoint_answers_a_huge_request_quickly_with_a_translated_error(admin_client, seated):
    import time

    vessel, *_ = seated
    url = reverse("plugins:ticketing_seating:map.generate", kwargs={"organizer": vessel.organizer.slug,
                                                                    "vessel": vessel.pk})
    started = time.monotonic()
    r = admin_client.post(url, json.dumps(huge_spec(2000)), content_type="application/json",
                          HTTP_ACCEPT_LANGUAGE="ru")
    assert time.monotonic() - started < 2
    assert r.status_code == 400
    assert r.json()["errors"] == ["В схеме рассадки было бы 80000000 мест, а в одной схеме может быть не больше 5000 "
                                  "мест."]
