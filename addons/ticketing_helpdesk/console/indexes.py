"""
The indexes the console's search needs on pretix's (and ticketing_core's) tables.

pretix indexes the order code, the ticket secret and the customer's e-mail, but not the order's e-mail or
phone, nor the names agents search by. Django's ``iexact`` compares ``UPPER(column::text)`` and
``icontains`` uses ``UPPER(column::text) LIKE``, so the indexes are on exactly those expressions: B-tree
for equality, trigram GIN (PostgreSQL's ``pg_trgm``, a trusted extension) for substrings of names.
``CONCURRENTLY`` is not used because migrations run in a transaction; on a live system with millions of
orders, create them concurrently by hand first — ``IF NOT EXISTS`` then makes the migration a no-op.
The list is shared by the migration and ``bench/console.py``.
"""

EXTENSION = ("CREATE EXTENSION IF NOT EXISTS pg_trgm", "SELECT 1")  # other code may use pg_trgm: keep it

# (name, table, expression, method)
INDEXES = (
    ("ticketing_hd_order_email_upper", "pretixbase_order", '(UPPER("email"::text))', "btree"),
    ("ticketing_hd_order_phone", "pretixbase_order", '("phone")', "btree"),
    ("ticketing_hd_customer_phone", "pretixbase_customer", '("phone")', "btree"),
    ("ticketing_hd_customer_name_trgm", "pretixbase_customer", '(UPPER("name_cached"::text) gin_trgm_ops)', "gin"),
    ("ticketing_hd_invaddr_name_trgm", "pretixbase_invoiceaddress",
     '(UPPER("name_cached"::text) gin_trgm_ops)', "gin"),
    ("ticketing_hd_position_name_trgm", "pretixbase_orderposition",
     '(UPPER("attendee_name_cached"::text) gin_trgm_ops)', "gin"),
    ("ticketing_hd_position_email_upper", "pretixbase_orderposition", '(UPPER("attendee_email"::text))', "btree"),
    ("ticketing_hd_contactpref_phone", "ticketing_core_contactpreference", '("phone")', "btree"),
)


def create_statements() -> list[str]:
    return [f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING {method} {expr}'
            for name, table, expr, method in INDEXES]


def drop_statements() -> list[str]:
    return [f'DROP INDEX IF EXISTS "{name}"' for name, _table, _expr, _method in INDEXES]


def install(connection) -> None:
    """Create the extension and every index on ``connection`` (tests and the benchmark build tables without
    migrations)."""
    with connection.cursor() as cursor:
        cursor.execute(EXTENSION[0])
        for statement in create_statements():
            cursor.execute(statement)
