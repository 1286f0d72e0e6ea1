"""Vessel names and pier addresses are multilingual; the migration keeps the Russian values staff typed before."""
import importlib

from django.apps import apps
from django.db import connection

from ticketing_core.fleet.models import Pier, Vessel

migration = importlib.import_module("ticketing_core.migrations.0008_multilingual_vessel_names_and_pier_addresses")


def _raw(model, field: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {field} FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def _set_raw(model, field: str, pk: int, value: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {model._meta.db_table} SET {field} = %s WHERE id = %s", [value, pk])  # noqa: S608


def test_migration_turns_plain_russian_values_into_russian_translations_and_back(boat, pier):
    _set_raw(Vessel, "name", boat.pk, "Нева-1")  # as the column held them before
    _set_raw(Pier, "address", pier.pk, "Дворцовая наб., 2")
    migration.to_i18n(apps, connection.schema_editor())
    boat.refresh_from_db()
    pier.refresh_from_db()
    assert boat.name.data == {"ru": "Нева-1"} and pier.address.data == {"ru": "Дворцовая наб., 2"}
    boat.name = {"ru": "Нева-1", "en": "Neva-1", "zh-hans": "涅瓦1号"}
    boat.save()
    migration.to_plain(apps, connection.schema_editor())
    assert _raw(Vessel, "name", boat.pk) == "Нева-1" and _raw(Pier, "address", pier.pk) == "Дворцовая наб., 2"


def test_names_follow_the_language(boat):
    from django.utils.translation import override

    boat.name = {"ru": "Нева-1", "en": "Neva-1", "zh-hans": "涅瓦1号"}
    boat.save()
    boat.refresh_from_db()
    with override("zh-hans"):
        assert str(boat.name) == "涅瓦1号" and "涅瓦1号" in str(boat)
    with override("en"):
        assert str(boat.name) == "Neva-1"
