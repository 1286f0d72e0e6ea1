"""
A database migrated while rentals were part of ticketing_core (its migrations up to 0004) migrates on to this
addon without losing a row: charter offers, their vessels and rates, and every vessel occupancy row (sailings,
charters, holds) are read back through ticketing_rentals' models, the content types follow, the plugin is switched
on where charters were sold, the exclusion constraint stays, and the way back works too.

Runs Django's migration executor on a scratch PostgreSQL database of its own (the suite's database is built from
the models, without migrations), so it takes a while: pretix's own migrations come first.
"""
from datetime import datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import psycopg2
import pytest
from django.conf import settings
from django.db import connections
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import override_settings
from django_scopes import scopes_disabled

from ..dbconstraint import is_installed
from ..models import RentalOffer, RentalRate, RentalVessel, VesselOccupancy

ALIAS = "migration_proof"
BEFORE = [("ticketing_core", "0004_rentals")]
MSK = ZoneInfo("Europe/Moscow")


class ScratchRouter:
    """Everything (pretix's own data migrations too, which use default managers) goes to the scratch database."""

    def db_for_read(self, model, **hints):
        return ALIAS

    def db_for_write(self, model, **hints):
        return ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return db == ALIAS


def _server(dbname: str = "postgres"):
    db = settings.DATABASES["default"]
    conn = psycopg2.connect(dbname=dbname, host=db["HOST"], port=db["PORT"], user=db["USER"],
                            password=db.get("PASSWORD") or None)
    conn.autocommit = True
    return conn


@pytest.fixture
def scratch(django_db_blocker):
    """An empty database next to the suite's, reachable as the connection ``ALIAS`` with real migrations."""
    name = settings.DATABASES["default"]["TEST"]["NAME"] + "_migrations"
    with django_db_blocker.unblock():
        server = _server()
        with server.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        connections.settings[ALIAS] = {**connections["default"].settings_dict, "NAME": name}
        try:
            with override_settings(MIGRATION_MODULES={}, DATABASE_ROUTERS=[f"{__name__}.ScratchRouter"]):
                yield connections[ALIAS]
        finally:
            connections[ALIAS].close()
            del connections[ALIAS]
            del connections.settings[ALIAS]
            with server.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            server.close()


def _migrate(connection, targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


def _latest(executor: MigrationExecutor) -> list[tuple[str, str]]:
    return [node for node in executor.loader.graph.leaf_nodes() if node[0] in ("ticketing_core", "ticketing_rentals")]


def _old_data(apps) -> dict:
    """What an operator had before the split, written with the models of that time (ticketing_core's)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Organizer = apps.get_model("pretixbase", "Organizer")
    Event = apps.get_model("pretixbase", "Event")
    Item = apps.get_model("pretixbase", "Item")
    Pier = apps.get_model("ticketing_core", "Pier")
    Vessel = apps.get_model("ticketing_core", "Vessel")
    Sailing = apps.get_model("ticketing_core", "Sailing")
    EventKind = apps.get_model("ticketing_core", "EventKind")
    Offer = apps.get_model("ticketing_core", "RentalOffer")
    OfferVessel = apps.get_model("ticketing_core", "RentalVessel")
    Rate = apps.get_model("ticketing_core", "RentalRate")
    Occupancy = apps.get_model("ticketing_core", "VesselOccupancy")

    start = datetime(2031, 6, 2, 10, 0, tzinfo=MSK)
    core = "ticketing_core,ticketing_seating,ticketing_website"
    organizer = Organizer.objects.create(name="Нева Круиз", slug="neva", plugins=core + ",ticketing_helpdesk")
    other = Organizer.objects.create(name="Без причала", slug="other", plugins="ticketing_website")
    charter = Event.objects.create(organizer=organizer, name={"ru": "Аренда яхты"}, slug="charter", currency="RUB",
                                   date_from=start, plugins=core + ",pretix.plugins.manualpayment")
    cruise = Event.objects.create(organizer=organizer, name={"ru": "Прогулка"}, slug="cruise", currency="RUB",
                                  date_from=start, plugins=core)
    EventKind.objects.create(event=charter, kind="rental")
    EventKind.objects.create(event=cruise, kind="excursion")
    item = Item.objects.create(event=charter, name={"ru": "Время аренды"}, default_price=Decimal("0.00"),
                               free_price=True)
    pier = Pier.objects.create(organizer=organizer, name={"ru": "Дворцовая"}, address="Дворцовая наб., 2")
    yacht = Vessel.objects.create(organizer=organizer, name="Аврора", registration_number="ЯХ-1",
                                  vessel_type="yacht", capacity=12)
    boat = Vessel.objects.create(organizer=organizer, name="Фонтанка", registration_number="КТ-1",
                                 vessel_type="boat", capacity=60)
    offer = Offer.objects.create(event=charter, item=item, pier=pier, opening_hours={"0": ["10:00", "23:00"]},
                                 min_duration_minutes=60, max_duration_minutes=480, step_minutes=30,
                                 notice_minutes=180)
    OfferVessel.objects.create(offer=offer, vessel=yacht, max_guests=10)
    OfferVessel.objects.create(offer=offer, vessel=boat, max_guests=40)
    for weekdays, opens, closes, price in (([0, 1, 2, 3, 4], time(10), time(18), "15000.00"),
                                           ([5, 6], time(10), time(23), "20000.00")):
        Rate.objects.create(offer=offer, weekdays=weekdays, start_time=opens, end_time=closes,
                            hourly_price=Decimal(price))
    Rate.objects.create(offer=offer, vessel=boat, weekdays=[0], start_time=time(18), end_time=time(23),
                        hourly_price=Decimal("9000.00"))
    sailing = Sailing.objects.create(event=cruise, vessel=boat, departure_pier=pier, arrival_pier=pier,
                                     duration=timedelta(minutes=90))
    hour = timedelta(hours=1)
    rows = [
        {"vessel": boat, "kind": "sailing", "sailing": sailing, "starts_at": start, "ends_at": start + 1.5 * hour},
        {"vessel": yacht, "kind": "rental", "offer": offer, "starts_at": start, "ends_at": start + 2 * hour,
         "guests": 8},
        {"vessel": yacht, "kind": "hold", "offer": offer, "token": "cart-1", "starts_at": start + 4 * hour,
         "ends_at": start + 5 * hour, "expires": start - hour, "guests": 2},
        {"vessel": yacht, "kind": "rental", "offer": offer, "starts_at": start + 6 * hour,
         "ends_at": start + 8 * hour, "released_at": start - 2 * hour},
    ]
    for row in rows:
        Occupancy.objects.create(blocked_until=row["ends_at"] + timedelta(minutes=30), **row)
    content_type = ContentType.objects.create(app_label="ticketing_core", model="rentaloffer")
    return {
        "offer": offer.pk, "event": charter.pk, "cruise": cruise.pk, "organizer": organizer.pk, "other": other.pk,
        "content_type": content_type.pk,
        "offers": list(Offer.objects.order_by("pk").values_list("pk", "event_id", "item_id", "pier_id",
                                                                "opening_hours", "notice_minutes")),
        "vessels": list(OfferVessel.objects.order_by("pk").values_list("pk", "offer_id", "vessel_id", "max_guests")),
        "rates": list(Rate.objects.order_by("pk").values_list("pk", "offer_id", "vessel_id", "weekdays",
                                                              "start_time", "end_time", "hourly_price")),
        "occupancy": list(Occupancy.objects.order_by("pk").values_list(
            "pk", "vessel_id", "kind", "sailing_id", "offer_id", "token", "starts_at", "ends_at", "blocked_until",
            "expires", "released_at", "guests")),
    }


def _now_data(alias: str) -> dict:
    """The same rows, read through this addon's models."""
    with scopes_disabled():
        return {
            "offers": list(RentalOffer.objects.using(alias).order_by("pk").values_list(
                "pk", "event_id", "item_id", "pier_id", "opening_hours", "notice_minutes")),
            "vessels": list(RentalVessel.objects.using(alias).order_by("pk").values_list(
                "pk", "offer_id", "vessel_id", "max_guests")),
            "rates": list(RentalRate.objects.using(alias).order_by("pk").values_list(
                "pk", "offer_id", "vessel_id", "weekdays", "start_time", "end_time", "hourly_price")),
            "occupancy": list(VesselOccupancy.objects.using(alias).order_by("pk").values_list(
                "pk", "vessel_id", "kind", "sailing_id", "offer_id", "token", "starts_at", "ends_at",
                "blocked_until", "expires", "released_at", "guests")),
        }


def _plugins(connection, table: str, pk: int) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT plugins FROM "{table}" WHERE id = %s', [pk])  # noqa: S608 - our own table names
        return (cursor.fetchone()[0] or "").split(",")


def _content_type(connection, pk: int) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app_label, model FROM django_content_type WHERE id = %s", [pk])
        return cursor.fetchone()


def test_a_database_migrated_before_the_split_keeps_every_charter(scratch):
    executor = _migrate(scratch, BEFORE)
    old = _old_data(executor.loader.project_state(BEFORE).apps)
    assert (len(old["offers"]), len(old["vessels"]), len(old["rates"]), len(old["occupancy"])) == (1, 2, 3, 4)
    assert is_installed(scratch)

    executor = _migrate(scratch, _latest(executor))
    assert ("ticketing_rentals", "0002_enable_where_used") in executor.loader.applied_migrations
    assert _now_data(ALIAS) == {k: old[k] for k in ("offers", "vessels", "rates", "occupancy")}
    with scopes_disabled():
        offer = RentalOffer.objects.using(ALIAS).get(pk=old["offer"])
        assert sorted(str(v.name) for v in offer.vessels.all()) == ["Аврора", "Фонтанка"]  # i18n names since core 0008
        assert offer.rates.filter(vessel__isnull=False).get().hourly_price == Decimal("9000.00")
    assert is_installed(scratch)  # the exclusion constraint on the very same table
    assert _content_type(scratch, old["content_type"]) == ("ticketing_rentals", "rentaloffer")
    # switched on where charters were sold (and for the organizer, as pretix checks both for hybrid plugins)
    assert "ticketing_rentals" in _plugins(scratch, "pretixbase_organizer", old["organizer"])
    assert "ticketing_rentals" in _plugins(scratch, "pretixbase_event", old["event"])
    assert "ticketing_rentals" not in _plugins(scratch, "pretixbase_event", old["cruise"])
    assert "ticketing_rentals" not in _plugins(scratch, "pretixbase_organizer", old["other"])

    # and back: the rows stay, the state, the content type and the plugin lists return to what they were
    executor = _migrate(scratch, [("ticketing_rentals", None), *BEFORE])
    assert ("ticketing_rentals", "0001_take_over_from_core") not in executor.loader.applied_migrations
    back = executor.loader.project_state(BEFORE).apps
    assert back.get_model("ticketing_core", "RentalRate").objects.using(ALIAS).count() == 3
    assert back.get_model("ticketing_core", "VesselOccupancy").objects.using(ALIAS).count() == 4
    assert _content_type(scratch, old["content_type"]) == ("ticketing_core", "rentaloffer")
    assert "ticketing_rentals" not in _plugins(scratch, "pretixbase_organizer", old["organizer"])
    assert "ticketing_rentals" not in _plugins(scratch, "pretixbase_event", old["event"])
    executor = _migrate(scratch, _latest(executor))
    assert _now_data(ALIAS) == {k: old[k] for k in ("offers", "vessels", "rates", "occupancy")}
