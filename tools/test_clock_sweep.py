"""The clock-sweep plugin starts the suite's clock at the asked Moscow hour and refuses what is not one."""
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tools.clock_sweep import ENV, start_of_sweep

ROOT = Path(__file__).resolve().parent.parent


def test_the_hour_is_moscow_time_today():
    at = start_of_sweep("23:30", today=date(2026, 12, 7))
    assert at.isoformat() == "2026-12-07T23:30:00+03:00"
    assert start_of_sweep(" 0:10", today=date(2026, 1, 1)).isoformat() == "2026-01-01T00:10:00+03:00"


@pytest.mark.parametrize("value", ["25:00", "23", "noon", "23:30:00", "-1:00", ""])
def test_anything_else_is_a_usage_error(value):
    with pytest.raises(pytest.UsageError, match="HH:MM"):
        start_of_sweep(value)


def test_a_run_under_the_plugin_sees_that_hour(tmp_path):
    (tmp_path / "test_clock.py").write_text(
        "from datetime import datetime\n"
        "from zoneinfo import ZoneInfo\n"
        "def test_hour():\n"
        "    now = datetime.now(ZoneInfo('Europe/Moscow'))\n"
        "    assert (now.hour, now.minute) == (23, 30), now\n", encoding="utf-8")
    env = {**os.environ, ENV: "23:30", "PYTHONPATH": str(ROOT)}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:django",
                          "-p", "no:xdist", "-p", "tools.clock_sweep", "-c", os.devnull, "--rootdir", str(tmp_path),
                          str(tmp_path / "test_clock.py")],
                         cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "clock sweep: the clock started at" in run.stdout
