"""Data stays on the operator's servers: switch off pretix's call home (its update check)."""
from django.db import migrations


def forwards(apps, schema_editor):
    store = apps.get_model("pretixbase", "GlobalSettingsObject_SettingsStore")
    store.objects.update_or_create(key="update_check_perform", defaults={"value": "False"})
    store.objects.update_or_create(key="update_check_ack", defaults={"value": "True"})


def backwards(apps, schema_editor):
    store = apps.get_model("pretixbase", "GlobalSettingsObject_SettingsStore")
    store.objects.filter(key__in=("update_check_perform", "update_check_ack")).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("ticketing_core", "0001_fleet_and_sailings"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
