"""
pretixSCAN against our sailings, through pretix's device API exactly as the app calls it: the one-time token
provisions the device, the app downloads the sailing's list and its positions, and redeems with
``checkinrpc/redeem`` (online, and later with the nonce and scan time of an offline scan).
"""
import re
from datetime import timedelta

import pytest
from django.utils.timezone import now
from rest_framework.test import APIClient

from pretix.base.models import Checkin, Device, Order

from ticketing_core.boarding.lists import boarding_closes_at, list_of
from ticketing_core.boarding.models import BoardingList
from ticketing_core.testing import factories

pytestmark = pytest.mark.django_db


def _says_time(text: str, at, tz) -> bool:
    """The clock time of ``at`` in ``text``, as Russian formats it: "2:45" (pretix's G:i) or "02:45"."""
    local = at.astimezone(tz)
    return re.search(rf"(?<!\d)0?{local.hour}:{local.minute:02d}(?!\d)", text) is not None


@pytest.fixture
def day(organizer, series, boat, pier):
    """Today's sailing in an hour, the same route tomorrow, and another excursion with a ticket of its own."""
    start = now().replace(microsecond=0) + timedelta(hours=1)
    today = factories.make_sailing(series, boat, pier, start)
    tomorrow = factories.make_sailing(series, boat, pier, start + timedelta(days=1))
    other = factories.make_series(organizer, slug="bridges", with_addon=False)
    other_boat = factories.make_vessel(organizer, "Заря", capacity=40)
    other_sailing = factories.make_sailing(other, other_boat, pier, start)
    adult, child = series.items.filter(admission=True).order_by("pk")
    return {
        "today": today, "tomorrow": tomorrow,
        "paid": factories.make_order(series, today.subevent, [adult, child]),
        "unpaid": factories.make_order(series, today.subevent, [adult], status=Order.STATUS_PENDING),
        "refunded": factories.make_order(series, today.subevent, [adult]),
        "tomorrows": factories.make_order(series, tomorrow.subevent, [adult]),
        "offline": factories.make_order(series, today.subevent, [adult]),
        "other_event": factories.make_order(other, other_sailing.subevent, [other.items.first()]),
    }


def _device(organizer) -> APIClient:
    device = Device.objects.create(organizer=organizer, name="Причал 1 · трап", all_events=True,
                                   security_profile="pretixscan")
    app = APIClient()
    r = app.post("/api/v1/device/initialize", {
        "token": device.initialization_token, "hardware_brand": "Google", "hardware_model": "Pixel 8",
        "os_name": "Android", "os_version": "15", "software_brand": "pretixSCAN Android", "software_version": "1.25.0",
        "info": {},
    }, format="json")
    assert r.status_code == 200, r.content
    again = APIClient().post("/api/v1/device/initialize", {
        "token": device.initialization_token, "hardware_brand": "x", "hardware_model": "x", "os_name": "x",
        "os_version": "x", "software_brand": "x", "software_version": "x"}, format="json")
    assert again.status_code == 400  # one-time token
    app.credentials(HTTP_AUTHORIZATION=f"Device {r.json()['api_token']}")
    return app


def _redeem(app, organizer, clist_id, secret, **extra):
    r = app.post(f"/api/v1/organizers/{organizer.slug}/checkinrpc/redeem/",
                 {"secret": secret, "lists": [clist_id], **extra}, format="json")
    return r.status_code, r.json()


def test_pretixscan_device_boards_only_valid_tickets_of_this_sailing(organizer, series, day, monkeypatch):
    from ticketing_core.boarding import metrics

    counted = []
    monkeypatch.setattr(metrics.checkins_total, "inc", lambda amount=1, **labels: counted.append(labels))
    today = day["today"]
    bond = BoardingList.objects.get(sailing=today)
    assert bond.checkin_list.subevent_id == today.subevent_id
    assert "Нева-1" in bond.checkin_list.name and "Дворцовая пристань" in bond.checkin_list.name
    assert today.start.astimezone(factories.MSK).strftime("%d.%m.%Y %H:%M") in bond.checkin_list.name

    app = _device(organizer)
    base = f"/api/v1/organizers/{organizer.slug}/events/{series.slug}"
    lists = app.get(f"{base}/checkinlists/", {"subevent": today.subevent_id}).json()["results"]
    assert [cl["id"] for cl in lists] == [bond.checkin_list_id]
    clist_id = lists[0]["id"]
    positions = app.get(f"{base}/checkinlists/{clist_id}/positions/").json()["results"]
    secrets = {p["secret"] for p in positions}
    paid = list(day["paid"].positions.order_by("positionid"))
    assert {p.secret for p in paid} <= secrets
    assert day["tomorrows"].positions.first().secret not in secrets  # the list is this date's only
    assert day["unpaid"].positions.first().secret not in secrets

    day["refunded"].status = Order.STATUS_CANCELED
    day["refunded"].save()
    day["refunded"].positions.update(canceled=False)

    status, body = _redeem(app, organizer, clist_id, paid[0].secret)
    assert (status, body["status"]) == (201, "ok")
    status, body = _redeem(app, organizer, clist_id, paid[0].secret)
    assert (status, body["reason"]) == (400, "already_redeemed")
    status, body = _redeem(app, organizer, clist_id, day["tomorrows"].positions.first().secret)
    assert (status, body["reason"]) == (404, "invalid")  # another date of the route is not on this list
    status, body = _redeem(app, organizer, clist_id, day["refunded"].positions.first().secret)
    assert (status, body["reason"]) == (400, "canceled")
    status, body = _redeem(app, organizer, clist_id, day["unpaid"].positions.first().secret)
    assert (status, body["reason"]) == (400, "unpaid")
    status, body = _redeem(app, organizer, clist_id, day["other_event"].positions.first().secret)
    assert (status, body["reason"]) == (404, "invalid")

    # Offline: scanned at the gangway before the close, uploaded after it, twice (the app retries) — counted once.
    closes = boarding_closes_at(today)
    offline = day["offline"].positions.first()
    scan = {"nonce": "f3a1c0de-offline-1", "datetime": (closes - timedelta(minutes=5)).isoformat()}
    assert _redeem(app, organizer, clist_id, offline.secret, **scan)[1]["status"] == "ok"
    assert _redeem(app, organizer, clist_id, offline.secret, **scan)[1]["status"] == "ok"
    assert Checkin.objects.filter(position=offline, successful=True).count() == 1

    # After departure + grace the list refuses with a reason pretixSCAN shows.
    status, body = _redeem(app, organizer, clist_id, paid[1].secret,
                           datetime=(closes + timedelta(minutes=1)).isoformat())
    assert (status, body["reason"]) == (400, "rules")
    assert _says_time(body["reason_explanation"], closes, series.timezone)
    assert Checkin.objects.filter(list_id=clist_id, successful=True).count() == 2
    # the metric counts every scan that pretix recorded, by result (unknown codes have no position but count too)
    results = [c["result"] for c in counted]
    assert results.count("ok") == 2 and {"already_redeemed", "canceled", "unpaid", "rules", "invalid"} <= set(results)
    assert {c["source"] for c in counted} == {"device"}

    # The web boarding page goes through the same pretix service and says the same, in the crew's words.
    from ticketing_core.boarding.service import board

    clist = bond.checkin_list
    late = board(clist, today, secret=paid[1].secret, at=closes + timedelta(minutes=1))
    assert (late.ok, late.reason) == (False, "closed")
    assert _says_time(late.message, closes, series.timezone)
    assert board(clist, today, secret=paid[0].secret).reason == "already_redeemed"
    other = board(clist, today, secret=day["tomorrows"].positions.first().secret)
    assert other.reason == "other_date" and not other.ok
    assert board(clist, today, secret=day["other_event"].positions.first().secret).reason == "other_event"
    ok = board(clist, today, secret=paid[1].secret, at=closes - timedelta(minutes=2))
    assert ok.ok and ok.passenger["category"].startswith("детский")
    assert counted[-1] == {"result": "ok", "source": "web"}


def test_list_follows_the_sailing_and_the_grace_setting(organizer, series, day, boat):
    today = day["today"]
    clist = list_of(today)
    assert clist.rules == {"isBefore": [{"var": "now"}, {"buildTime": ["date_from"]}, 15]}
    new_boat = factories.make_vessel(organizer, "Метеор-7", capacity=80)
    from ticketing_core.fleet.sailings import save_sailing

    save_sailing(series, today.subevent, vessel=new_boat, departure_pier=today.departure_pier,
                 arrival_pier=today.arrival_pier, duration=today.duration)
    clist.refresh_from_db()
    assert "Метеор-7" in clist.name
    se = today.subevent
    se.date_from += timedelta(hours=2)
    se.date_to += timedelta(hours=2)
    se.save()
    clist.refresh_from_db()
    assert (se.date_from.astimezone(factories.MSK).strftime("%H:%M")) in clist.name
    series.settings.ticketing_boarding_grace_minutes = 5
    from ticketing_core.boarding.lists import resync_event

    resync_event(series)
    clist.refresh_from_db()
    assert clist.rules["isBefore"][2] == 5
    assert BoardingList.objects.filter(sailing__event=series).count() == 2
    assert series.checkin_lists.count() == 2  # one per sailing, never a duplicate
