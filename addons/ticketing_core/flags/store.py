"""
Where the flags live: pretix's global settings store (``GlobalSettingsObject``, hierarkey), one boolean per
flag under ``prichal_flag_<key>``.

Why not django-waffle: waffle brings its own models, admin and middleware, its switches are edited in Django's
admin (which pretix does not expose) and its changes leave no pretix log entry; pretix's settings store is
already migrated, already cached by pretix (the settings of an object are one cache entry, Redis in
production), and already what pretix itself uses for instance-wide switches (e.g. the update check).

Reads are on the hot path (every checkout page asks ``yookassa_checkout``), so the values are additionally kept
in the process for ``TTL`` seconds: within that time a read costs no query and no cache round trip. A switch
therefore takes effect in the process that changed it at once and in the other web and Celery processes within
``TTL`` seconds.
"""
import threading
import time

from .registry import FLAGS

TTL = 10.0
PREFIX = "prichal_flag_"

_lock = threading.Lock()
_snapshot: dict[str, bool] = {}
_loaded_at = float("-inf")


def _settings():
    from pretix.base.settings import GlobalSettingsObject

    return GlobalSettingsObject().settings


def load() -> dict[str, bool]:
    """Every flag's stored value (its default when never switched), read through pretix's settings cache."""
    s = _settings()
    return {key: bool(s.get(PREFIX + key, as_type=bool, default=flag.default)) for key, flag in FLAGS.items()}


def snapshot() -> dict[str, bool]:
    global _snapshot, _loaded_at
    if time.monotonic() - _loaded_at > TTL:
        with _lock:
            if time.monotonic() - _loaded_at > TTL:
                _snapshot = load()
                _loaded_at = time.monotonic()
    return _snapshot


def forget() -> None:
    """Drop this process's copy, so the next read loads the stored values (after a change, and in tests)."""
    global _loaded_at
    with _lock:
        _loaded_at = float("-inf")


def save(key: str, value: bool) -> None:
    global _written
    _settings().set(PREFIX + key, bool(value))
    _written = True
    forget()


_written = False


def reset_after_test() -> None:
    """
    For the test suite (``ticketing_core.testing.fixtures``): a test's switch is rolled back in the database but
    would survive in this process's copy and in pretix's settings cache; both are dropped after a test that wrote.
    """
    global _written
    if _written:
        _settings().flush()
        _written = False
    forget()
