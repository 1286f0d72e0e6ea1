"""Fail the test run with one clear line when PostgreSQL is not reachable (never fall back to SQLite)."""
import os
import sys

import psycopg2


def main() -> int:
    host = os.environ.get("PRICHAL_TEST_DB_HOST", "127.0.0.1")
    port = os.environ.get("PRICHAL_TEST_DB_PORT", "5432")
    user = os.environ.get("PRICHAL_TEST_DB_USER", "postgres")
    try:
        psycopg2.connect(host=host, port=port, user=user, dbname="postgres", connect_timeout=5).close()
    except psycopg2.Error as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        print(f"PostgreSQL is not reachable at {host}:{port} as {user} ({first}); the tests need it "
              "because pretix's locking only exists on PostgreSQL.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
