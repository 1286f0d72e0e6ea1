"""
pytest plugin: the suite with the wall clock set to a Moscow time of day (``PRICHAL_CLOCK=23:30``), for
``make clock-sweep``.

Tests build their dates from "now" (a sailing "tomorrow at 19:00", the demo's boarding sailing "later today"), and
twice a suite that was green by day failed on CI in the evening: from 19:00 Moscow time "tomorrow 19:00" is less
than 24 hours ahead, so it is non-refundable; on a full December evening the demo found no free slot for today's
sailing. Such a test fails only at certain hours, whatever the code. This plugin lets the whole suite meet those
hours on purpose: the clock starts at the given time today (Moscow) when pytest starts and then runs on
(``tick=True``), so timeouts and durations behave as usual.

Browser and server tests (``e2e``, ``journey``) are left out by ``make clock-sweep``: Chromium and gunicorn run in
other processes on the real clock, so their pages would disagree with the test process. The emulators of YooKassa
and SMS.ru run in the test process as threads; they keep the real clock (``REAL_TIME_MODULES``), as the outside
services they stand for do, so their delays and retries take the time they say.
"""
import os
from datetime import datetime, time
from zoneinfo import ZoneInfo

import pytest

ENV = "PRICHAL_CLOCK"
MOSCOW = ZoneInfo("Europe/Moscow")
# code that keeps the real clock: the emulators of outside services, which run beside the tests as servers do
REAL_TIME_MODULES = ("tools.emulator_kit", "tools.yookassa_emulator", "tools.sms_emulator")


def start_of_sweep(value: str, today=None) -> datetime:
    """``HH:MM`` today in Moscow, as an aware datetime; a clear error for anything else."""
    try:
        hours, minutes = (int(part) for part in value.strip().split(":"))
        at = time(hours, minutes)
    except ValueError as e:
        raise pytest.UsageError(f"{ENV} must be a Moscow time of day as HH:MM, not {value!r}") from e
    return datetime.combine(today or datetime.now(MOSCOW).date(), at, tzinfo=MOSCOW)


def pytest_configure(config: pytest.Config) -> None:
    value = os.environ.get(ENV)
    if not value:
        return
    from freezegun import freeze_time

    at = start_of_sweep(value)
    # the emulators' servers and their delivery threads keep real time: a webhook "in 2 s" must come in 2 s
    freezer = freeze_time(at, tick=True, ignore=list(REAL_TIME_MODULES))
    freezer.start()
    config.add_cleanup(freezer.stop)
    config._prichal_clock = at


def pytest_report_header(config: pytest.Config) -> str | None:
    at = getattr(config, "_prichal_clock", None)
    return f"clock sweep: the clock started at {at:%Y-%m-%d %H:%M} Moscow time" if at else None
