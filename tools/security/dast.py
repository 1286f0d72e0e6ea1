"""
DAST: a bounded wapiti scan of a running Prichal on 127.0.0.1, logged in as staff and as a customer.

`make security-scan` runs it (minutes, not part of `make test`). It starts a throw-away instance exactly as
`make run` does (tools/devserver.py, demo data, the YooKassa and SMS emulators) under var/dast/, adds a demo
customer account, logs both in through the real login forms, and scans the back office as the demo admin and
the shop as the customer, never following logout, password, two-factor or delete links. It fails when wapiti
reports a finding of level high or critical; every finding is listed with its level in var/dast/summary.txt and
the full reports are kept as var/dast/<role>.json.

wapiti lives in its own virtualenv (.venv-dast, pinned in tools/security/dast-requirements.txt): its aiohttp,
httpx and SQLAlchemy pins are not pretix's.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess  # nosec B404  # starts our own server and the scanner
import sys
import time
from pathlib import Path

import requests

from tools.emulator_kit.testing import free_port

ROOT = Path(__file__).resolve().parents[2]
WAPITI = ROOT / ".venv-dast" / "bin" / "wapiti"
HIGH = 3  # wapiti's levels: 1 low, 2 medium, 3 high, 4 critical
CUSTOMER_EMAIL = "dast-customer@prichal.local"
CUSTOMER_PASSWORD = "dast-customer-password"  # noqa: S105  # nosec B105  # a throw-away demo account
EXCLUDE = ["*logout*", "*/delete*", "*/password*", "*/2fa*", "*/user/settings*", "*/reauth*", "*/sudo*",
           "*/_emulator*", "*/api/*"]  # the API is fuzzed by tools/test_api_fuzz.py


def start_instance(var: Path) -> tuple[subprocess.Popen, str, dict]:
    port = free_port()
    yookassa, sms = free_port(port), free_port(port, port + 1)
    env = {**os.environ, "PRETIX_CONFIG_FILE": str(ROOT / "pretix.cfg"), "DJANGO_SETTINGS_MODULE": "pretix.settings",
           "PRICHAL_VAR": str(var), "PRICHAL_PORT": str(port), "PRICHAL_YOOKASSA_PORT": str(yookassa),
           "PRICHAL_SMS_PORT": str(sms), "PRETIX_PRETIX_DATADIR": str(var / "data"),
           "PRETIX_DATABASE_NAME": str(var / "db.sqlite3"), "PRETIX_PRETIX_URL": f"http://127.0.0.1:{port}",
           "PRICHAL_NORELOAD": "1"}
    log = open(var / "server.log", "w")  # noqa: SIM115 - kept open for the server's lifetime
    proc = subprocess.Popen([sys.executable, "tools/devserver.py"], cwd=ROOT, env=env, stdout=log,  # nosec B603
                            stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server stopped:\n" + (var / "server.log").read_text()[-4000:])
        try:
            if requests.get(base + "/control/login", timeout=10).status_code == 200:
                return proc, base, env
        except requests.RequestException:
            pass
        time.sleep(3)
    raise SystemExit("the server did not answer within 15 minutes")


def add_customer(env: dict) -> None:
    code = (
        "from pretix.base.models import Organizer\n"
        "from django_scopes import scopes_disabled\n"
        "with scopes_disabled():\n"
        "    o = Organizer.objects.get(slug='neva')\n"
        f"    c, _ = o.customers.get_or_create(email={CUSTOMER_EMAIL!r}, defaults={{'is_verified': True}})\n"
        f"    c.set_password({CUSTOMER_PASSWORD!r}); c.is_active = True; c.is_verified = True; c.save()\n"
    )
    subprocess.run([sys.executable, "-c", "import django; django.setup(); exec(open(0).read())"],  # nosec B603
                   input=code, text=True, env=env, cwd=ROOT, check=True)


def login(base: str, form_path: str, data: dict) -> requests.Session:
    session = requests.Session()
    page = session.get(base + form_path, timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    answer = session.post(base + form_path, data={**data, "csrfmiddlewaretoken": token},
                          headers={"Referer": base + form_path}, timeout=30, allow_redirects=False)
    if answer.status_code != 302:
        raise SystemExit(f"login at {form_path} failed ({answer.status_code})")
    return session


def cookie_file(session: requests.Session, path: Path) -> Path:
    """wapiti's cookie file: {domain: {path: {name: attributes}}}."""
    jar: dict = {}
    for c in session.cookies:
        jar.setdefault(c.domain or "127.0.0.1", {}).setdefault(c.path or "/", {})[c.name] = {
            "value": c.value, "version": 0, "expires": None, "secure": False, "port": None}
    path.write_text(json.dumps(jar))
    return path


def scan(name: str, start_url: str, cookies: Path, out: Path, max_time: int) -> list[dict]:
    report = out / f"{name}.json"
    argv = [str(WAPITI), "-u", start_url, "--scope", "folder", "-c", str(cookies), "-f", "json", "-o", str(report),
            "-d", "3", "--max-links-per-page", "30", "--max-files-per-dir", "20", "--max-scan-time", str(max_time),
            "--max-attack-time", str(max(30, max_time // 10)), "--tasks", "4", "--flush-session", "--verify-ssl", "0",
            # wapiti's common modules plus CSP and headers; ssrf and ssl need hosts outside this machine
            "-m", "exec,file,sql,xss,permanentxss,redirect,upload,csp,http_headers,cookieflags,csrf", "--color"]
    origin = "/".join(start_url.split("/")[:3])
    for pattern in EXCLUDE:
        argv += ["-x", f"{origin}/{pattern.lstrip('/')}"]
    subprocess.run(argv, check=False, cwd=out, stdout=open(out / f"{name}.log", "w"),  # noqa: SIM115  # nosec B603
                   stderr=subprocess.STDOUT)
    data = json.loads(report.read_text())
    crawled = data.get("infos", {}).get("crawled_pages_nbr") or 0
    if crawled < 10:
        raise SystemExit(f"the {name} scan reached only {crawled} pages: see {out / (name + '.log')}")
    print(f"DAST {name}: {crawled} pages crawled and attacked")
    findings = []
    for category, items in data.get("vulnerabilities", {}).items():
        for item in items:
            findings.append({"role": name, "category": category, "level": item.get("level", 0),
                             "path": item.get("path"), "parameter": item.get("parameter"), "info": item.get("info")})
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-scan-time", type=int, default=420, help="seconds per scan (two scans)")
    args = parser.parse_args(argv)
    if not WAPITI.exists():
        raise SystemExit("wapiti is missing: make security-scan installs it into .venv-dast")
    var = ROOT / "var" / "dast"
    shutil.rmtree(var, ignore_errors=True)
    var.mkdir(parents=True)
    proc, base, env = start_instance(var)
    try:
        add_customer(env)
        staff = login(base, "/control/login", {"email": "admin@prichal.local", "password": "prichal-admin"})  # nosec B105
        customer = login(base, "/neva/account/login", {"email": CUSTOMER_EMAIL, "password": CUSTOMER_PASSWORD})
        findings = scan("staff", base + "/control/", cookie_file(staff, var / "staff-cookies.json"), var,
                        args.max_scan_time)
        findings += scan("customer", base + "/neva/", cookie_file(customer, var / "customer-cookies.json"), var,
                         args.max_scan_time)
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    lines = [f"{f['role']}: level {f['level']} {f['category']} {f['path']} {f['parameter'] or ''}".rstrip()
             for f in sorted(findings, key=lambda f: -f["level"])]
    high = [f for f in findings if f["level"] >= HIGH]
    summary = "\n".join(lines + [f"DAST: {len(findings)} findings, {len(high)} high or critical"])
    (var / "summary.txt").write_text(summary + "\n")
    print(summary)
    return 1 if high else 0


if __name__ == "__main__":
    sys.exit(main())
