from datetime import timedelta

import pytest
from django.test import Client
from django.utils.timezone import now
from django_scopes import scopes_disabled
from i18nfield.strings import LazyI18nString

from pretix.base.models import Event, Item, Organizer, Quota, SubEvent, Team, User

from ticketing_core.demo import ADMIN_EMAIL, ADMIN_PASSWORD, EVENTS, load_demo
from ticketing_core.models import EventKind, Pier, RentalOffer, RentalRate, RentalVessel, Sailing, Vessel
from ticketing_website.catalogue.event_page import photo_urls


@pytest.fixture(autouse=True)
def demo_instance(monkeypatch):
    """These tests play the demo instance (`make run` sets the flag)."""
    monkeypatch.setenv("PRICHAL_DEMO", "1")


@pytest.mark.django_db
@pytest.mark.parametrize("value", [None, "0", "yes"])
def test_load_demo_refuses_to_run_on_an_instance_not_marked_as_a_demo(monkeypatch, value):
    """The production image ships the command; its known admin password must never appear there."""
    from django.core.management import CommandError, call_command

    if value is None:
        monkeypatch.delenv("PRICHAL_DEMO")
    else:
        monkeypatch.setenv("PRICHAL_DEMO", value)
    users = User.objects.count()
    with pytest.raises(CommandError, match="PRICHAL_DEMO=1"):
        call_command("load_demo")
    assert User.objects.count() == users and not User.objects.filter(email=ADMIN_EMAIL).exists()
    with scopes_disabled():
        assert not Organizer.objects.filter(slug="neva").exists()


def _counts() -> dict:
    with scopes_disabled():
        return {
            "organizers": Organizer.objects.count(),
            "users": User.objects.count(),
            "teams": Team.objects.count(),
            "piers": Pier.objects.count(),
            "vessels": Vessel.objects.count(),
            "events": Event.objects.count(),
            "kinds": EventKind.objects.count(),
            "items": Item.objects.count(),
            "subevents": SubEvent.objects.count(),
            "sailings": Sailing.objects.count(),
            "quotas": Quota.objects.count(),
            "rental offers": RentalOffer.objects.count(),
            "rental vessels": RentalVessel.objects.count(),
            "rental rates": RentalRate.objects.count(),
        }


@pytest.mark.django_db
def test_load_demo_is_complete_and_idempotent(db):
    first = load_demo()
    assert first["admin_email"] == ADMIN_EMAIL
    assert first["storefront_url"].endswith("/neva/")
    assert not first["skipped"]
    before = _counts()
    assert before["organizers"] == 1
    assert before["piers"] == 3
    assert before["vessels"] == 3
    assert before["events"] == 4
    assert before["kinds"] == 4
    assert (before["rental offers"], before["rental vessels"], before["rental rates"]) == (1, 1, 5)
    assert first["created"]["rental offer"] == 1

    second = load_demo()
    assert second["created"] == {}
    assert _counts() == before

    with scopes_disabled():
        organizer = Organizer.objects.get(slug="neva")
        for module in ("ticketing_core", "ticketing_seating", "ticketing_website", "ticketing_yoomoney",
                       "ticketing_helpdesk"):
            assert module in organizer.get_plugins()
        kinds = dict(EventKind.objects.values_list("event__slug", "kind"))
        assert kinds == {"evening-canals": "excursion", "bridges": "excursion", "jazz": "onboard_event",
                         "aurora-rental": "rental"}

        # Every date of the three series is a sailing whose managed quota is the vessel's capacity.
        subevents = SubEvent.objects.filter(event__organizer=organizer)
        assert subevents.count() > 30
        for se in subevents.select_related("ticketing_sailing__vessel", "ticketing_sailing__quota"):
            sailing = se.ticketing_sailing
            assert sailing.quota.size == sailing.vessel.capacity
            assert se.date_to == se.date_from + sailing.duration
            assert now() < se.date_from <= now() + timedelta(days=30)
            # Passenger products count against the capacity, the mulled wine does not.
            # (the motor ship's events also sell a product per seat category, ticketing_seating)
            seated = {"Место «Стандарт»", "Место у окна", "Место за VIP-столиком", "Место для кресла-коляски"
                      } if sailing.vessel.seating_mode == "assigned" else set()
            assert {str(i.name.localize("ru")) for i in sailing.quota.items.all()} == {
                "Взрослый", "Детский (6–12 лет)", "Льготный (пенсионеры, студенты)", "Детский до 6 лет (без места)",
            } | seated
            # ...and is sold from a quota of its own on every date.
            assert se.quotas.filter(items__admission=False, size__isnull=True).exists()

        rental = Event.objects.get(organizer=organizer, slug="aurora-rental")
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
        jazz = Event.objects.get(organizer=organizer, slug="jazz")
        assert jazz.settings.payment_manual__enabled
        name = jazz.settings.get("payment_manual_public_name", as_type=LazyI18nString)
        assert name.localize("ru") == "Оплата на причале"
        assert all(se.date_from.astimezone(jazz.timezone).weekday() == 5 for se in jazz.subevents.all())

        # YooKassa through the emulator's demo shop: credentials on the organizer, switched on per event,
        # next to the manual payment at the pier.
        assert organizer.settings.payment_yookassa_shop_id == "100500"
        assert organizer.settings.payment_yookassa_secret_key == "test_prichal_secret"
        assert organizer.settings.get("payment_yookassa_test_mode", as_type=bool) is True
        # the emulator's webhooks come from 127.0.0.1
        assert organizer.settings.get("payment_yookassa_restrict_networks", as_type=bool) is False
        events = Event.objects.filter(organizer=organizer)
        assert sorted(e.slug for e in events) == sorted(spec["slug"] for spec in EVENTS)
        for event in events:
            assert "ticketing_yoomoney" in event.get_plugins()
            assert event.settings.get("payment_yookassa__enabled", as_type=bool) is True
            assert event.settings.get("payment_manual__enabled", as_type=bool) is True
            assert event.settings.payment_yookassa_shop_id == "100500"
            providers = event.get_payment_providers()
            assert providers["yookassa"].is_enabled and providers["manual"].is_enabled
            photos = photo_urls(event)  # drawn by the demo, stored as an upload would be
            assert len(photos) == 2 and all(p.endswith(".demo.jpg") for p in photos)
        # SMS go to the SMS.ru emulator's demo account
        assert organizer.settings.ticketing_sms_api_id == "prichal-demo-api-id"

    client = Client()
    assert client.login(email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    user = User.objects.get(email=ADMIN_EMAIL)
    assert not user.needs_password_change and not user.require_2fa
    with scopes_disabled():
        assert user.has_organizer_permission(organizer, "organizer.fleet:write")


@pytest.mark.django_db
def test_load_demo_adds_yookassa_to_an_older_demo(db):
    """A demo loaded before YooKassa existed gets it on the next run; what staff switched stays as it is."""
    load_demo()
    with scopes_disabled():
        organizer = Organizer.objects.get(slug="neva")
        for key in ("payment_yookassa_shop_id", "payment_yookassa_secret_key", "payment_yookassa_test_mode",
                    "payment_yookassa_restrict_networks"):
            organizer.settings.delete(key)
        for event in Event.objects.filter(organizer=organizer):
            event.settings.delete("payment_yookassa__enabled")
            if event.slug == "jazz":
                event.settings.payment_yookassa__enabled = False  # staff switched it off

    result = load_demo()
    assert result["created"] == {"YooKassa demo shop settings": 1, "event with YooKassa enabled": 3}
    with scopes_disabled():
        organizer = Organizer.objects.get(slug="neva")
        assert organizer.settings.payment_yookassa_shop_id == "100500"
        assert not organizer.settings.get("payment_yookassa_api_url")  # the address is configuration only
        assert organizer.settings.get("payment_yookassa_test_mode", as_type=bool) is True
        for event in Event.objects.filter(organizer=organizer):
            assert event.settings.get("payment_yookassa__enabled", as_type=bool) is (event.slug != "jazz")
        organizer.settings.payment_yookassa_shop_id = "777"
    assert load_demo()["created"] == {}
    with scopes_disabled():
        organizer = Organizer.objects.get(slug="neva")
        assert organizer.settings.payment_yookassa_shop_id == "777"
        token = organizer.settings.ticketing_sms_callback_token
    # the SMS emulator is told the organizer's secret delivery-report address
    assert load_demo()["sms_callback_url"] == f"http://example.com/_sms/neva/callback/{token}/"


def _weekday(d, weekday: int):
    return d + timedelta(days=(weekday - d.weekday()) % 7)


@pytest.mark.django_db
def test_the_demo_yacht_is_rentable(db, client):
    from datetime import datetime

    from ticketing_core.rentals import services as rentals
    from ticketing_core.rentals.validation import validate_offer

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
