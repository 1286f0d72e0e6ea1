"""The demo's charter: the yacht «Аврора» as the event aurora-rental with its offer, questions and rates."""
from datetime import timedelta

import pytest
from django.utils.timezone import now
from django_scopes import scopes_disabled

from pretix.base.models import Event, Organizer

from ticketing_core.demo import load_demo
from ticketing_core.models import Vessel

from .. import services as rentals
from ..models import RentalOffer, RentalRate, RentalVessel
from ..validation import validate_offer

pytestmark = pytest.mark.usefixtures("demo_instance")


@pytest.mark.django_db
def test_the_demo_has_the_charter_event_with_its_offer(db):
    first = load_demo()
    assert first["created"]["rental offer"] == 1
    assert "aurora-rental" in first["event_urls"]
    with scopes_disabled():
        assert (RentalOffer.objects.count(), RentalVessel.objects.count(), RentalRate.objects.count()) == (1, 1, 5)
        organizer = Organizer.objects.get(slug="neva")
        assert "ticketing_rentals" in organizer.get_plugins()
        rental = Event.objects.get(organizer=organizer, slug="aurora-rental")
        assert "ticketing_rentals" in rental.get_plugins()
        assert rental.ticketing_kind.kind == "rental"
        assert not rental.has_subevents
        assert not rental.ticketing_sailings.exists()
        assert [(str(i.name.localize("ru")), i.default_price, i.free_price) for i in rental.items.all()] == [
            ("Время аренды яхты", 0, True),
            ("Фуршет на борту, на гостя", 2500, False),
            ("Фотограф на всё время аренды", 9000, False),
            ("Оформление яхты цветами и шарами", 6000, False),
        ]
        # every product sells under a quota; the charter asks for its contact person, guests and wishes
        assert all(i.quotas.exists() for i in rental.items.all())
        assert rental.questions.filter(items__free_price=True, required=True).count() == 2
        assert rental.questions.filter(items__free_price=True).count() == 4
    second = load_demo()
    assert not any("rental" in k or "charter" in k for k in second["created"])


def _weekday(d, weekday: int):
    return d + timedelta(days=(weekday - d.weekday()) % 7)


@pytest.mark.django_db
def test_the_demo_yacht_is_rentable(db, client):
    from datetime import datetime

    load_demo()
    with scopes_disabled():
        offer = RentalOffer.objects.select_related("event", "pier").get(event__slug="aurora-rental")
        validate_offer(offer)  # every opening minute has exactly one rate
        [rv] = offer.offer_vessels.select_related("vessel")
        assert rv.vessel.registration_number == "ЯХ-0012-СПБ" and rv.vessel.vessel_type == Vessel.TYPE_YACHT
        assert rv.max_guests <= rv.vessel.capacity
        assert (offer.min_duration_minutes, offer.max_duration_minutes, offer.step_minutes,
                offer.notice_minutes) == (60, 480, 30, 180)
        assert str(offer.item.name.localize("ru")) == "Время аренды яхты" and offer.item.free_price
        yacht, tz = rv.vessel, rentals.offer_timezone(offer)
        assert str(tz) == "Europe/Moscow"
        base = now().astimezone(tz).date() + timedelta(days=7)
        monday, friday, saturday, sunday = (_weekday(base, d) for d in (0, 4, 5, 6))

        def price(day, hhmm, minutes):
            start = datetime.combine(day, datetime.strptime(hhmm, "%H:%M").time(), tzinfo=tz)
            return rentals.price(offer, yacht, start, minutes).total

        assert price(monday, "10:00", 60) == 15000
        assert price(monday, "17:00", 120) == 15000 + 18000  # across the evening boundary
        assert price(friday, "23:00", 120) == 36000  # Friday night until 01:00
        assert price(saturday, "12:00", 60) == 20000
        slots = rentals.free_slots(offer, yacht, monday)
        assert slots[0].strftime("%H:%M") == "10:00" and slots[-1].strftime("%H:%M") == "22:00"
        assert rentals.free_slots(offer, yacht, friday)[-1].strftime("%d %H:%M") == f"{saturday.day:02d} 00:00"
        assert rentals.free_slots(offer, yacht, sunday)[-1].strftime("%H:%M") == "22:00"

    r = client.get(f"/neva/aurora-rental/rentals/availability.json?date_from={monday}&date_to={monday}&duration=120")
    assert r.status_code == 200
    day = r.json()["availability"][0]["days"][0]
    assert day["starts"][0] == {"start": f"{monday}T10:00:00+03:00", "end": f"{monday}T12:00:00+03:00",
                                "price": "30000.00"}


@pytest.mark.django_db
def test_an_older_demo_gets_the_rental_offer(db):
    load_demo()
    with scopes_disabled():
        RentalOffer.objects.all().delete()
    assert load_demo()["created"] == {"rental offer": 1}
    assert load_demo()["created"] == {}
    with scopes_disabled():
        offer = RentalOffer.objects.get(event__slug="aurora-rental")
        assert offer.rates.count() == 5 and offer.offer_vessels.count() == 1
        # what staff change stays as it is
        offer.notice_minutes = 60
        offer.save()
    assert load_demo()["created"] == {}
    with scopes_disabled():
        assert RentalOffer.objects.get(event__slug="aurora-rental").notice_minutes == 60
