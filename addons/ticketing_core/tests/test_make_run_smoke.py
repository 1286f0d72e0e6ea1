"""
Smoke test: the real server, started exactly as `make run` starts it, on a fresh SQLite database.

Also proves on that database that every migration of ours applies and reverses (the unit tests build
their PostgreSQL schema without migrations, as pretix's own test suite does), that the YooKassa emulator
starts beside the server, and that stopping the server stops it too.
"""
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.e2e


def _free_port(*taken: int) -> int:
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in taken:
            return port


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _get(url: str, lang: str | None = None) -> tuple[int, str]:
    headers = {"Accept-Language": lang or "ru"}
    if lang:
        headers["Cookie"] = f"pretix_language={lang}"
    req = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 (loopback only)
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    var = tmp_path_factory.mktemp("var")
    port = _free_port()
    yookassa_port = _free_port(port)
    sms_port = _free_port(port, yookassa_port)
    env = {**os.environ, "PRETIX_CONFIG_FILE": str(ROOT / "pretix.cfg"), "DJANGO_SETTINGS_MODULE": "pretix.settings",
           "PRICHAL_VAR": str(var), "PRICHAL_PORT": str(port), "PRICHAL_YOOKASSA_PORT": str(yookassa_port),
           "PRICHAL_SMS_PORT": str(sms_port), "PRETIX_PRETIX_DATADIR": str(var / "data"),
           "PRETIX_DATABASE_NAME": str(var / "db.sqlite3"),
           "PRETIX_PRETIX_URL": f"http://127.0.0.1:{port}"}
    log = open(var / "server.log", "w")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "tools/devserver.py"], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail("the server stopped:\n" + (var / "server.log").read_text()[-4000:])
            try:
                if _get(base + "/control/login")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(2)
        else:
            pytest.fail("the server did not answer within 10 minutes:\n" + (var / "server.log").read_text()[-4000:])
        yield {"base": base, "env": env, "var": var, "proc": proc, "port": port, "yookassa_port": yookassa_port,
               "sms_port": sms_port}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        log.close()


def test_banner_prints_urls_and_admin_login(instance):
    out = (instance["var"] / "server.log").read_text()
    assert "/neva/" in out and "/control/" in out
    assert "/control/organizer/neva/boarding/" in out  # the crew's boarding page
    assert "admin@prichal.local" in out and "prichal-admin" in out
    assert f"http://127.0.0.1:{instance['yookassa_port']}/_emulator/state" in out


def test_yookassa_emulator_runs_beside_the_server(instance):
    status, body = _get(f"http://127.0.0.1:{instance['yookassa_port']}/_emulator/state")
    assert status == 200
    state = json.loads(body)
    # The demo shop, whose notifications go to this server's webhook.
    assert state["shops"]["100500"]["webhook_url"] == instance["base"] + "/_yookassa/webhook/"


@pytest.mark.parametrize("lang,text", [
    ("ru", "Вечерняя прогулка по рекам и каналам"),
    ("en", "Evening cruise on the rivers and canals"),
    ("zh-hans", "lang=\"zh-hans\""),
])
def test_storefront_answers_in_each_language(instance, lang, text):
    status, html = _get(instance["base"] + "/neva/", lang)
    assert status == 200
    assert text in html


def test_storefront_chinese_shows_chinese_event_names(instance):
    from ticketing_core.demo import EVENTS

    status, html = _get(instance["base"] + "/neva/", "zh-hans")
    assert status == 200
    assert any(spec["name"]["zh-hans"] in html for spec in EVENTS)


def test_back_office_login_page(instance):
    status, html = _get(instance["base"] + "/control/login", "ru")
    assert status == 200 and 'name="password"' in html


def test_our_migrations_reverse_and_reapply(instance):
    def manage(*args):
        return subprocess.run([sys.executable, "-m", "pretix", *args], cwd=ROOT, env=instance["env"],
                              capture_output=True, text=True, timeout=600)

    check = manage("makemigrations", "--check", "--dry-run", "ticketing_core")
    assert check.returncode == 0, check.stdout + check.stderr
    # a copy of the database, so the running server keeps its data
    import shutil

    copy = instance["var"] / "reverse.sqlite3"
    shutil.copy(instance["var"] / "db.sqlite3", copy)
    env = {**instance["env"], "PRETIX_DATABASE_NAME": str(copy)}
    for args in (("migrate", "ticketing_core", "zero"), ("migrate",)):
        r = subprocess.run([sys.executable, "-m", "pretix", *args, "--noinput"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-4000:]


def test_sms_emulator_runs_beside_the_server(instance):
    assert f"http://127.0.0.1:{instance['sms_port']}/_emulator/inbox" in (instance["var"] / "server.log").read_text()
    status, body = _get(f"http://127.0.0.1:{instance['sms_port']}/_emulator/inbox")
    assert status == 200 and "<html" in body.lower()


def test_stopping_the_server_stops_the_emulator(instance):
    """Runs last: SIGTERM to the supervisor alone (as a terminal or `kill` would) stops every child."""
    proc = instance["proc"]
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)
    deadline = time.monotonic() + 15
    ports = (instance["port"], instance["yookassa_port"], instance["sms_port"])
    while time.monotonic() < deadline and any(_listening(p) for p in ports):
        time.sleep(0.2)
    assert not _listening(instance["yookassa_port"]), "the YooKassa emulator outlived the server"
    assert not _listening(instance["sms_port"]), "the SMS emulator outlived the server"
    assert not _listening(instance["port"]), "the web server outlived its supervisor"
