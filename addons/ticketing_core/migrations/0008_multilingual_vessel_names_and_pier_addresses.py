"""
Vessel names and pier addresses become multilingual (pretix's I18nCharField, a JSON text column): the values
staff typed so far are Russian, so "Нева-1" becomes {"ru": "Нева-1"}. Reversible: going back keeps the Russian
text (or the first language filled in) as the plain value, cut to the old column's length.
"""
import json

import i18nfield.fields
from django.db import migrations

FIELDS = (("Vessel", "name", 200), ("Pier", "address", 400))


def _as_dict(raw):
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def to_i18n(apps, schema_editor):
    for model_name, field, _length in FIELDS:
        model = apps.get_model("ticketing_core", model_name)
        for pk, raw in model.objects.values_list("pk", field):
            raw = raw.data if hasattr(raw, "data") else raw
            if isinstance(raw, dict) or _as_dict(raw) is not None or raw in (None, ""):
                continue
            model.objects.filter(pk=pk).update(**{field: {"ru": raw}})


def to_plain(apps, schema_editor):
    for model_name, field, length in FIELDS:
        model = apps.get_model("ticketing_core", model_name)
        table = model._meta.db_table
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT id, {field} FROM {table}")  # nosec B608  # names are constants above
            rows = cursor.fetchall()
            for pk, raw in rows:
                value = _as_dict(raw)
                if value is None:
                    continue
                plain = value.get("ru") or next((v for v in value.values() if v), "")
                cursor.execute(f"UPDATE {table} SET {field} = %s WHERE id = %s",  # nosec B608  # as above
                               [plain[:length], pk])


class Migration(migrations.Migration):

    dependencies = [
        ('ticketing_core', '0007_kpi_funnel_day'),
    ]

    operations = [
        migrations.AlterField(
            model_name='pier',
            name='address',
            field=i18nfield.fields.I18nCharField(max_length=400),
        ),
        migrations.AlterField(
            model_name='vessel',
            name='name',
            field=i18nfield.fields.I18nCharField(max_length=200),
        ),
        migrations.RunPython(to_i18n, to_plain),
    ]
