"""
The PostgreSQL exclusion constraint that makes double booking of a vessel impossible.

Migration 0004 installs it (a frozen copy of the same SQL, as migrations must not change later). The test
suite builds its database from the models, without migrations (pretix's test settings), so the suite's
``django_db_setup`` calls :func:`install` as well; ``test_rentals`` checks that both copies are identical.
"""
from django.db.backends.base.base import BaseDatabaseWrapper

CONSTRAINT = "ticketing_occupancy_no_overlap"
TABLE = "ticketing_core_vesseloccupancy"
# Two active rows of one vessel may not overlap over [starts_at, blocked_until): blocked_until is the end
# plus the turnaround, so the next booking can only start once the turnaround after the previous is over.
ADD_CONSTRAINT = (
    f'ALTER TABLE "{TABLE}" ADD CONSTRAINT "{CONSTRAINT}" EXCLUDE USING gist '
    '("vessel_id" WITH =, tstzrange("starts_at", "blocked_until", \'[)\') WITH &&) '
    'WHERE ("released_at" IS NULL)'
)


def is_installed(connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_constraint WHERE conname = %s", [CONSTRAINT])
        return cursor.fetchone() is not None


def install(connection: BaseDatabaseWrapper) -> bool:
    """Create btree_gist and the constraint where missing (PostgreSQL only); True if it is in place."""
    if connection.vendor != "postgresql":
        return False
    if not is_installed(connection):
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
            cursor.execute(ADD_CONSTRAINT)
    return True
