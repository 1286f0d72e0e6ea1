"""
`make run`'s supervisor (tools/devserver.py): the site's address follows PRICHAL_PORT, the emulators end with
the supervisor even when it is killed outright, and an emulator a killed run of this checkout left behind is
replaced on the next start instead of blocking it. Each runs devserver in a child process with its own ports
and var/ directory, as the smoke test does, without the slow parts (migrations, demo data, web server).
"""
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.e2e


def _free_ports(n: int) -> list[int]:
    ports: list[int] = []
    while len(ports) < n:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in ports:
            ports.append(port)
    return ports


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _wait(condition, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


@pytest.fixture
def instance(tmp_path):
    web, yookassa, sms = _free_ports(3)
    env = {k: v for k, v in os.environ.items() if k not in ("PRETIX_PRETIX_URL", "PRICHAL_SUPERVISED")}
    env.update({"PRETIX_CONFIG_FILE": str(ROOT / "pretix.cfg"), "DJANGO_SETTINGS_MODULE": "pretix.settings",
                "PRICHAL_VAR": str(tmp_path), "PRICHAL_PORT": str(web), "PRICHAL_YOOKASSA_PORT": str(yookassa),
                "PRICHAL_SMS_PORT": str(sms), "PRETIX_PRETIX_DATADIR": str(tmp_path / "data"),
                "PRETIX_DATABASE_NAME": str(tmp_path / "db.sqlite3")})
    started: list[subprocess.Popen] = []
    yield {"env": env, "var": tmp_path, "web": web, "yookassa": yookassa, "sms": sms, "started": started}
    for proc in started:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _devserver(instance, code: str, **kwargs) -> subprocess.Popen:
    """Run ``code`` in a fresh interpreter that has imported tools/devserver.py as ``devserver``."""
    script = "import sys\nsys.path.insert(0, 'tools')\nimport devserver\n" + textwrap.dedent(code)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=instance["env"], text=True,
                            start_new_session=True, **kwargs)
    instance["started"].append(proc)
    return proc


def test_the_site_address_follows_prichal_port(instance):
    proc = _devserver(instance, """
        devserver.prepare_environment()
        import django
        django.setup()
        from django.conf import settings
        print(settings.SITE_URL, settings.CSRF_TRUSTED_ORIGINS[0].split("//")[1])
        print(devserver.HELPERS[0].argv[-1])
    """, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-3000:]
    site, origin_host, webhook = out.split()
    port = instance["web"]
    # pretix's address: the banner and e-mail links, YooKassa's return address, the login form's origin check
    assert site == f"http://127.0.0.1:{port}"
    assert origin_host == "127.0.0.1"
    assert webhook == f"http://127.0.0.1:{port}/_yookassa/webhook/"


def test_an_explicit_pretix_url_is_kept(instance):
    instance["env"]["PRETIX_PRETIX_URL"] = "https://demo.example.org"
    proc = _devserver(instance, """
        devserver.prepare_environment()
        import os
        print(os.environ["PRETIX_PRETIX_URL"])
    """, stdout=subprocess.PIPE)
    assert proc.communicate(timeout=60)[0].strip() == "https://demo.example.org"


SUPERVISOR = """
    import time
    devserver.prepare_environment()
    for helper in devserver.HELPERS:
        proc = devserver.start_helper(helper)
        assert devserver.wait_for_helper(helper, proc), helper.name
    print("ready", flush=True)
    time.sleep(600)
"""


def test_emulators_stop_when_the_supervisor_is_killed(instance):
    supervisor = _devserver(instance, SUPERVISOR, stdout=subprocess.PIPE)
    # the emulators share its output and print their banners too
    assert any(line.strip() == "ready" for line in iter(supervisor.stdout.readline, ""))
    assert _listening(instance["yookassa"]) and _listening(instance["sms"])
    os.kill(supervisor.pid, signal.SIGKILL)  # no chance to stop its children
    supervisor.wait()
    assert _wait(lambda: not _listening(instance["yookassa"]) and not _listening(instance["sms"]), 15), \
        "the emulators still listen after their supervisor was killed"


def test_a_stale_emulator_of_this_checkout_is_replaced(instance):
    # an emulator left behind by an earlier run, as one started before it was tied to its supervisor: no lifeline
    leftover = _devserver(instance, """
        devserver.prepare_environment()
        import os, subprocess
        helper = devserver.HELPERS[0]
        env = {k: v for k, v in os.environ.items() if k != devserver.SUPERVISED}
        proc = subprocess.Popen(helper.argv, cwd=devserver.ROOT, start_new_session=True, env=env,
                                stdout=subprocess.DEVNULL)
        devserver.remember(helper, proc.pid)
        assert devserver.wait_for_helper(helper, proc)
        print(proc.pid, flush=True)
    """, stdout=subprocess.PIPE)
    stale_pid = int(leftover.communicate(timeout=60)[0].strip())
    assert _listening(instance["yookassa"])
    try:
        proc = _devserver(instance, """
            devserver.prepare_environment()
            devserver.replace_stale_helpers()
            print(devserver.busy_ports())
        """, stdout=subprocess.PIPE)
        out = proc.communicate(timeout=60)[0]
        assert "stopping the YooKassa emulator an earlier run left behind" in out
        assert out.strip().splitlines()[-1] == "[]", out
        assert _wait(lambda: not Path(f"/proc/{stale_pid}").exists() or
                     "zombie" in Path(f"/proc/{stale_pid}/status").read_text().lower(), 10)
    finally:
        try:
            os.kill(stale_pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_a_foreign_program_on_an_emulator_port_is_reported_not_stopped(instance):
    with socket.socket() as other:
        other.bind(("127.0.0.1", instance["sms"]))
        other.listen()
        proc = _devserver(instance, """
            devserver.prepare_environment()
            devserver.replace_stale_helpers()
            for sentence in devserver.busy_ports():
                print(sentence)
        """, stdout=subprocess.PIPE)
        out = proc.communicate(timeout=60)[0]
        assert f"127.0.0.1:{instance['sms']}" in out and "PRICHAL_SMS_PORT" in out
        assert _listening(instance["sms"])


def test_the_banner_says_what_a_first_start_takes():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import devserver
    finally:
        sys.path.remove(str(ROOT / "tools"))
    assert "minute and a half" not in devserver.MIGRATION_ESTIMATE
    assert "10 minutes" in devserver.MIGRATION_ESTIMATE
