"""
Indexes for the agent console's search on pretix's and ticketing_core's tables (order e-mail and phone,
customer phone and name, invoice and attendee names, contact preference phone). See console/indexes.py.

PostgreSQL only (trigram indexes): on the development server's SQLite the same queries run without them.
"""
from django.db import migrations

from ticketing_helpdesk.console.indexes import EXTENSION, create_statements, drop_statements


def _postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def create_indexes(apps, schema_editor):
    if _postgresql(schema_editor):
        for statement in [EXTENSION[0], *create_statements()]:
            schema_editor.execute(statement)


def drop_indexes(apps, schema_editor):
    if _postgresql(schema_editor):
        for statement in drop_statements():
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ("ticketing_helpdesk", "0001_support_cases"),
        ("pretixbase", "0311_fix_unshredded_invoices"),
        ("ticketing_core", "0003_notifications"),
    ]

    operations = [
        migrations.RunPython(create_indexes, drop_indexes),
    ]
