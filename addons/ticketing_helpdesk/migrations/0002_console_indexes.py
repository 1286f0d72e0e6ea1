"""
Indexes for the agent console's search on pretix's and ticketing_core's tables (order e-mail and phone,
customer phone and name, invoice and attendee names, contact preference phone). See console/indexes.py.
"""
from django.db import migrations

from ticketing_helpdesk.console.indexes import EXTENSION, create_statements, drop_statements


class Migration(migrations.Migration):

    dependencies = [
        ("ticketing_helpdesk", "0001_support_cases"),
        ("pretixbase", "0311_fix_unshredded_invoices"),
        ("ticketing_core", "0003_notifications"),
    ]

    operations = [
        migrations.RunSQL(EXTENSION[0], reverse_sql=EXTENSION[1]),
        *[migrations.RunSQL(create, reverse_sql=drop)
          for create, drop in zip(create_statements(), drop_statements(), strict=True)],
    ]
