"""The public availability endpoint of a rental offer: free start times and prices as JSON, no login."""
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.timezone import now

from ticketing_core.testing import factories
from ticketing_core.testing.factories import MSK
from ticketing_rentals import services as rentals

pytestmark = pytest.mark.django_db





def at(day: date, hhmm: str, tz=MSK) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=tz)










def url(event) -> str:
    return f"/{event.organizer.slug}/{event.slug}/rentals/availability.json"


def get(client, event, **params):
    return client.get(url(event), params, HTTP_ACCEPT_LANGUAGE="en")


def day_of(data, vessel, day):
    [entry] = [a for a in data["availability"] if a["vessel"] == vessel.pk]
    return next(d for d in entry["days"] if d["date"] == day.isoformat())


def test_free_starts_and_prices_around_a_sailing_and_a_hold(client, offer, yacht, mon, series, pier):
    factories.make_sailing(series, yacht, pier, at(mon, "12:00"), minutes=90)  # 12:00–13:30
    rentals.hold(offer, yacht, at(mon, "16:00"), 120, "cart-1", now() + timedelta(minutes=30))  # 16:00–18:00
    r = get(client, offer.event, vessel=yacht.pk, date_from=mon.isoformat(),
            date_to=(mon + timedelta(days=1)).isoformat(), duration=60)
    assert r.status_code == 200
    assert r["Content-Type"] == "application/json"
    assert "max-age=30" in r["Cache-Control"]
    data = r.json()
    assert data["vessels"] == [{"id": yacht.pk, "name": "Аврора", "max_guests": 10}]
    assert data["duration"] == {"requested": 60, "min": 60, "max": 480, "step": 30}
    assert data["currency"] == "RUB" and data["timezone"] == "Europe/Moscow"
    monday_starts = day_of(data, yacht, mon)["starts"]
    starts = [s["start"] for s in monday_starts]
    # a turnaround of 30 minutes on both sides of the sailing and of the hold
    assert [s for s in starts if s < at(mon, "19:00").isoformat()] == [
        at(mon, t).isoformat() for t in ("10:00", "10:30", "14:00", "14:30", "18:30")]
    assert starts[-1] == at(mon, "21:00").isoformat()  # the last hour before closing at 22:00
    first = monday_starts[0]
    assert first == {"start": f"{mon.isoformat()}T10:00:00+03:00", "end": f"{mon.isoformat()}T11:00:00+03:00",
                     "price": "5000.00"}
    assert monday_starts[4]["price"] == "7000.00"  # 18:30, the evening rate
    # the next day is free: 10:00 to 21:00 every 30 minutes, a 2-hour charter crossing 18:00 costs both rates
    assert len(day_of(data, yacht, mon + timedelta(days=1))["starts"]) == 23
    r = get(client, offer.event, date_from=(mon + timedelta(days=1)).isoformat(), duration=120)
    tuesday = day_of(r.json(), yacht, mon + timedelta(days=1))["starts"]
    assert next(s for s in tuesday if s["start"].endswith("T17:00:00+03:00"))["price"] == "12000.00"
    assert len(r.json()["availability"][0]["days"]) == 7  # a week by default


def test_after_midnight_starts_belong_to_the_evening_they_opened(client, offer, yacht, mon):
    friday = mon + timedelta(days=4)
    data = get(client, offer.event, date_from=friday.isoformat(), date_to=friday.isoformat()).json()
    starts = [s["start"] for s in day_of(data, yacht, friday)["starts"]]
    assert starts[-1] == f"{(friday + timedelta(days=1)).isoformat()}T01:00:00+03:00"


def test_offsets_follow_the_pier_time_zone(client, offer, yacht, mon, organizer):
    offer.pier = factories.make_pier(organizer, "Владивосток", timezone="Asia/Vladivostok")
    offer.save()
    data = get(client, offer.event, date_from=mon.isoformat(), date_to=mon.isoformat()).json()
    assert data["timezone"] == "Asia/Vladivostok"
    first = day_of(data, yacht, mon)["starts"][0]
    assert first["start"] == f"{mon.isoformat()}T10:00:00+10:00"
    assert first["end"] == f"{mon.isoformat()}T11:00:00+10:00"


def test_no_personal_data(client, offer, yacht, mon, charter):
    occ = rentals.hold(offer, yacht, at(mon, "12:00"), 120, "secret-cart-token", now() + timedelta(minutes=30),
                       guests=7)
    order = factories.make_order(charter, None, [charter.items.first()], email="vip-guest@example.org")
    rentals.confirm(occ, order.positions.first())
    rentals.hold(offer, yacht, at(mon, "16:00"), 60, "another-cart-token", now() + timedelta(minutes=30))
    r = get(client, offer.event, date_from=mon.isoformat(), date_to=mon.isoformat())
    assert r.status_code == 200
    body = r.content.decode()
    for secret in (order.code, "vip-guest@example.org", "Иван Петров", "secret-cart-token", "another-cart-token",
                   order.secret):
        assert secret not in body
    assert set(r.json()) == {"event", "currency", "timezone", "date_from", "date_to", "duration",
                             "notice_minutes", "vessels", "availability"}
    assert at(mon, "12:30").isoformat() not in body


def test_queries_do_not_grow_with_the_range(client, offer, yacht, mon):
    def count(days):
        with CaptureQueriesContext(connection) as ctx:
            r = get(client, offer.event, date_from=mon.isoformat(),
                    date_to=(mon + timedelta(days=days - 1)).isoformat())
        assert r.status_code == 200
        return len(ctx.captured_queries)

    count(2)  # warm the per-process caches (feature flags, the offer's id) that the first request of a run fills
    assert count(31) == count(2)


@pytest.mark.parametrize("params, field", [
    ({"date_from": "2026-13-01"}, "date_from"),
    ({"date_from": "tomorrow"}, "date_from"),
    ({"date_to": "2026-02-30"}, "date_to"),
    ({"date_from": "2030-01-10", "date_to": "2030-01-09"}, "date_to"),
    ({"date_from": "2030-01-01", "date_to": "2030-02-01"}, "date_to"),  # 32 days
    ({"vessel": "999999"}, "vessel"),
    ({"vessel": "abc"}, "vessel"),
    ({"duration": "45"}, "duration"),
    ({"duration": "30"}, "duration"),
    ({"duration": "510"}, "duration"),
    ({"duration": "-60"}, "duration"),
    ({"duration": "1h"}, "duration"),
])
def test_bad_requests(client, offer, params, field):
    r = get(client, offer.event, **params)
    assert r.status_code == 400
    data = r.json()
    assert data["field"] == field
    assert data["error"]


def test_a_vessel_outside_the_offer_is_refused(client, offer, boat):
    r = get(client, offer.event, vessel=boat.pk)
    assert r.status_code == 400
    assert r.json() == {"error": "This vessel cannot be chartered in this offer.", "field": "vessel"}


def test_31_days_is_allowed(client, offer):
    assert get(client, offer.event, date_from="2030-01-01", date_to="2030-01-31").status_code == 200


def test_errors_are_translated(client, offer):
    r = client.get(url(offer.event), {"duration": "45"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert r.status_code == 400
    assert r.json()["error"].startswith("Аренда длится")
    r = client.get(url(offer.event), {"date_from": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 400
    assert r.json()["error"] == "“x”不是日期；请使用 YYYY-MM-DD 格式。"


def test_404_without_an_offer_or_when_not_live(client, offer, series):
    r = get(client, series)  # an excursion series: no rental offer
    assert r.status_code == 404
    assert "error" in r.json()
    offer.event.live = False
    offer.event.save()
    assert get(client, offer.event).status_code == 404
