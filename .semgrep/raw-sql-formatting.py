from django.db import connection
from django.db.models.expressions import RawSQL


def bad(code, table):
    with connection.cursor() as cursor:
        # ruleid: prichal-raw-sql-formatting
        cursor.execute(f"SELECT * FROM pretixbase_order WHERE code = '{code}'")
        # ruleid: prichal-raw-sql-formatting
        cursor.execute("SELECT * FROM %s" % table)
    # ruleid: prichal-raw-sql-formatting
    RawSQL("SELECT 1 WHERE x = " + code, [])


def good(code):
    with connection.cursor() as cursor:
        # ok: prichal-raw-sql-formatting
        cursor.execute("SELECT * FROM pretixbase_order WHERE code = %s", [code])
    # ok: prichal-raw-sql-formatting
    RawSQL("SELECT 1 WHERE x = %s", [code])
