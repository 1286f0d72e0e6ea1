"""
Django settings for the test suite: pretix's own test settings, on PostgreSQL.

pretix's locking (quotas, seats, orders) only exists on PostgreSQL, so the suite never falls back
to SQLite; ``tools/check_postgres.py`` fails the run with one clear line when the server is missing.
"""
import os

_here = os.path.dirname(os.path.abspath(__file__))
_root = os.path.dirname(os.path.dirname(os.path.dirname(_here)))
os.environ["PRETIX_CONFIG_FILE"] = os.path.join(_here, "pretix-test.cfg")

from pretix.testutils.settings import *  # noqa: E402, F401, F403

LANGUAGE_CODE = "ru"
LOCALE_PATHS.insert(0, os.path.join(_root, "i18n"))  # noqa: F405
DATABASES["default"]["HOST"] = os.environ.get("PRICHAL_TEST_DB_HOST", "127.0.0.1")  # noqa: F405
DATABASES["default"]["PORT"] = os.environ.get("PRICHAL_TEST_DB_PORT", "5432")  # noqa: F405
DATABASES["default"]["USER"] = os.environ.get("PRICHAL_TEST_DB_USER", "postgres")  # noqa: F405
# PRICHAL_TEST_DB_NAME lets several test runs share one PostgreSQL server without clobbering each other.
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("PRICHAL_TEST_DB_NAME", "test_prichal")}  # noqa: F405
assert DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"  # noqa: F405
# Tests talk to the YooKassa emulator (tools/yookassa_emulator) on 127.0.0.1, which pretix's patched urllib3
# refuses unless private networks are allowed. Tests only; production (deploy/) keeps pretix's default, off.
ALLOW_HTTP_TO_PRIVATE_NETWORKS = True
