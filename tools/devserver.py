"""
`make run`: the complete Prichal demo on this machine, at http://127.0.0.1:8000/.

Steps, each skipped when already done so that a second start takes seconds:

1. create var/ and var/data (pretix creates its data directories only one level deep);
2. apply database migrations, only when some are unapplied (checked in-process);
3. check the compiled assets (the "rebuild" step, see :func:`rebuild_if_needed`), remembered in var/.rebuilt;
4. load the demo operator "Нева Круиз" (idempotent, see ``ticketing_core.demo``), whose shop pays through the
   YooKassa emulator below;
5. print the URLs and the admin's credentials;
6. start the background helpers (see :data:`HELPERS`) and pretix's development server with autoreload.

Helpers: the YooKassa emulator (``tools/yookassa_emulator``, the demo shop 100500) on http://127.0.0.1:8010, its
state kept in var/yookassa.json, its webhooks sent to this server's ``/_yookassa/webhook/``; the SMS.ru emulator
(``tools/sms_emulator``) on http://127.0.0.1:8011, state in var/sms.json, delivery reports sent to the demo
organizer's secret ``/_sms/neva/callback/<token>/``, every SMS readable on its inbox page. The demo's payments and
messages go to them and never leave the machine. Their addresses are configuration, not settings: pretix.cfg's
``[ticketing_yoomoney] api_url`` and ``[ticketing_sms] api_url``, which this script overrides through pretix's
environment variables (PRETIX_TICKETING_YOOMONEY_API_URL, PRETIX_TICKETING_SMS_API_URL) when the ports move.
It also marks the instance as a demo (PRICHAL_DEMO=1), without which ``load_demo`` refuses to run.

The server runs as ``tools/devserver.py runserver 127.0.0.1:8000``, i.e. pretix's own ``runserver`` command with
a few development-only overrides applied before Django starts (see :func:`apply_dev_overrides`). This process stays
as a small supervisor: Ctrl-C or SIGTERM stop the server and every helper, nothing is left behind on port 8000 or
8010; if the supervisor itself is killed (SIGKILL, a crash), its children notice and stop too
(``tools/lifeline.py``). An emulator that an earlier ``make run`` of this checkout left behind (its pid file in
var/run/ names it, and its command line names this checkout's state file) is stopped and started afresh; any other
program on one of the ports is reported and nothing is started.

The site's address follows PRICHAL_PORT: pretix's ``[pretix] url`` (the banner, YooKassa's return address, links
in e-mails, the login form's origin check) is set through PRETIX_PRETIX_URL to http://127.0.0.1:<port>.

Environment (set by the Makefile): PRETIX_CONFIG_FILE=pretix.cfg, DJANGO_SETTINGS_MODULE=pretix.settings.
Optional: PRICHAL_VAR (instead of var/), PRICHAL_PORT (instead of 8000), PRICHAL_YOOKASSA_PORT (instead of 8010),
PRICHAL_SMS_PORT (instead of 8011; the SMS.ru emulator, whose inbox page shows every SMS the demo sends).
"""
import os
import signal
import socket
import subprocess  # nosec B404 # starts our own emulators and pretix
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: tools/devserver.py
    sys.path.insert(0, str(ROOT))

from tools.lifeline import SUPERVISED, die_with_parent  # noqa: E402

# PRICHAL_VAR / PRICHAL_PORT let the smoke test run a second, throw-away instance beside a developer's own;
# pretix itself takes the matching PRETIX_PRETIX_DATADIR / PRETIX_DATABASE_NAME from the environment.
VAR = Path(os.environ.get("PRICHAL_VAR", ROOT / "var"))
DATA = VAR / "data"
REBUILT_STAMP = VAR / ".rebuilt"
HOST, PORT = "127.0.0.1", int(os.environ.get("PRICHAL_PORT", "8000"))
ADDRESS = f"{HOST}:{PORT}"
SITE_URL = f"http://{ADDRESS}"
# pid files of the helpers this checkout started, to recognise them when a killed `make run` left them behind
RUN = VAR / "run"

# The YooKassa emulator; the server is configured to use it (see prepare_environment).
YOOKASSA_PORT = int(os.environ.get("PRICHAL_YOOKASSA_PORT", "8010"))
YOOKASSA_URL = f"http://{HOST}:{YOOKASSA_PORT}"
# The SMS.ru emulator; the server is configured to use it (see prepare_environment).
SMS_PORT = int(os.environ.get("PRICHAL_SMS_PORT", "8011"))
SMS_URL = f"http://{HOST}:{SMS_PORT}"


@dataclass(frozen=True)
class Helper:
    """A background process started next to the web server and stopped with it, listening on ``port``."""

    name: str
    argv: list[str]
    port: int
    port_variable: str  # the environment variable that chooses the port
    banner: tuple[str, str]  # (label, URL) for the banner


HELPERS: list[Helper] = [
    Helper(
        "YooKassa emulator",
        [sys.executable, "-m", "tools.yookassa_emulator", "--host", HOST, "--port", str(YOOKASSA_PORT),
         "--state-file", str(VAR / "yookassa.json"), "--webhook-url", f"http://{ADDRESS}/_yookassa/webhook/"],
        YOOKASSA_PORT,
        "PRICHAL_YOOKASSA_PORT",
        ("YooKassa (emulator)", f"{YOOKASSA_URL}/_emulator/state"),
    ),
    Helper(
        "SMS emulator",
        # the delivery-report address carries the demo organizer's secret token: added by with_sms_callback()
        [sys.executable, "-m", "tools.sms_emulator", "--host", HOST, "--port", str(SMS_PORT),
         "--state-file", str(VAR / "sms.json")],
        SMS_PORT,
        "PRICHAL_SMS_PORT",
        ("SMS inbox (emulator)", f"{SMS_URL}/_emulator/inbox"),
    ),
]


def with_sms_callback(callback_url: str) -> None:
    """The SMS emulator reports deliveries to the organizer's secret address, known once the demo is loaded."""
    for i, helper in enumerate(HELPERS):
        if helper.name == "SMS emulator":
            HELPERS[i] = replace(helper, argv=[*helper.argv, "--callback-url", callback_url])


def say(message: str) -> None:
    print(f"[devserver] {message}", flush=True)


def prepare_environment() -> None:
    os.chdir(ROOT)
    os.environ.setdefault("PRETIX_CONFIG_FILE", str(ROOT / "pretix.cfg"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pretix.settings")
    # This instance is the demo (load_demo refuses to create its known admin password anywhere else), and the
    # outside services are the emulators started below, wherever their ports are (pretix reads these variables
    # as its [ticketing_yoomoney] / [ticketing_sms] api_url; the server process inherits them).
    os.environ["PRICHAL_DEMO"] = "1"
    os.environ["PRETIX_TICKETING_YOOMONEY_API_URL"] = f"{YOOKASSA_URL}/v3"
    os.environ["PRETIX_TICKETING_SMS_API_URL"] = SMS_URL
    # pretix.cfg says :8000; the address is where this server listens (PRICHAL_PORT), unless set explicitly
    os.environ.setdefault("PRETIX_PRETIX_URL", SITE_URL)
    # pretix.settings creates var/data/{logs,media,cache} with parents=False: var/data must exist first.
    DATA.mkdir(parents=True, exist_ok=True)


def apply_dev_overrides() -> None:
    """
    Development-only settings, applied before Django starts (DEBUG stays as pretix.cfg says: on).

    * VITE_DEV_MODE: pretix ties it to DEBUG; it would make ``runserver`` spawn ``npm run dev:control`` inside
      site-packages and point the back office's Vue pages at a Vite server on localhost:5173 that does not
      exist here. Off, pretix uses the built Vite assets shipped in its wheel; they live only in its collected
      static directory, which ``runserver`` does not serve, so that one folder is added to the static dirs.
    * COMPRESS_ROOT: under ``runserver`` django-compressor compiles pretix's SCSS on the fly and would write
      the CSS into the installed pretix package (static.dist/CACHE); it goes to var/data/compress instead,
      so the virtualenv stays untouched and ``rm -rf var`` resets everything.
    * EMAIL_BACKEND: pretix hard-codes SMTP, and nothing listens on the [mail] host/port of pretix.cfg, so
      every order confirmation would fail with a traceback; e-mails are written to var/data/mail instead, as
      pretix.cfg promises (nothing leaves the machine).
    * pretix logs at DEBUG level when DEBUG is on; Python-Markdown's per-render debug lines are muted.
    """
    from django.conf import settings

    settings.VITE_DEV_MODE = False
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, ("vite", str(Path(settings.STATIC_ROOT) / "vite"))]
    settings.COMPRESS_ROOT = str(DATA / "compress")
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(DATA / "mail")
    settings.LOGGING.setdefault("loggers", {})["MARKDOWN"] = {"level": "INFO"}


# Measured: 1.5 minutes on an idle 2-core machine, 8 minutes on the same machine busy with other work.
MIGRATION_ESTIMATE = ("a fresh SQLite database takes 2 to 10 minutes depending on how busy the machine is, "
                      "once only; later starts skip this")


def pending_migrations() -> list:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return executor.migration_plan(executor.loader.graph.leaf_nodes())


def migrate_if_needed() -> None:
    from django.core.management import call_command

    started = time.monotonic()
    plan = pending_migrations()
    if not plan:
        say(f"database: all migrations applied ({time.monotonic() - started:.1f} s)")
        return
    say(f"database: applying {len(plan)} migrations: {MIGRATION_ESTIMATE}…")
    call_command("migrate", interactive=False, verbosity=0)
    say(f"database: migrated in {time.monotonic() - started:.0f} s")


def _shipped_assets() -> list[Path]:
    """Compiled files the pages need with DEBUG on; the pretix wheel ships all of them."""
    from django.conf import settings

    import pretix

    package = Path(pretix.__file__).parent
    paths = [Path(settings.STATIC_ROOT) / "vite" / "control" / ".vite" / "manifest.json"]
    for lang in ("ru", "zh_Hans"):
        paths.append(package / "locale" / lang / "LC_MESSAGES" / "django.mo")
        paths.append(package / "locale" / lang / "LC_MESSAGES" / "djangojs.mo")
    for lang in ("ru", "en", "zh-hans"):
        paths.append(package / "static" / "jsi18n" / lang / "djangojs.js")
    return paths


def rebuild_if_needed() -> None:
    """
    The "rebuild" step, redone only when var/.rebuilt is missing or older than pyproject.toml/requirements.txt.

    ``pretix rebuild`` (about 17 s here) compiles pretix's message catalogues and JavaScript translations,
    collects static files and compresses CSS/JS offline; every one of those writes into the installed pretix
    package (site-packages/pretix/locale, static/jsi18n, static.dist). With DEBUG on none of it is needed:
    ``runserver`` serves static files straight from the apps, compiles SCSS on the fly (into var/, see
    :func:`apply_dev_overrides`), and the wheel already ships compiled catalogues, JavaScript translations and
    the Vite build. Prichal's own catalogues are compiled by ``make messages``. So this step only checks that
    those shipped files are there and falls back to ``pretix rebuild`` when they are not (a pretix installed
    from a source checkout).
    """
    sources = [ROOT / "pyproject.toml", ROOT / "requirements.txt"]
    newest = max((p.stat().st_mtime for p in sources if p.exists()), default=0)
    if REBUILT_STAMP.exists() and REBUILT_STAMP.stat().st_mtime >= newest:
        say("assets: up to date")
        return
    missing = [p for p in _shipped_assets() if not p.exists()]
    if missing:
        say(f"assets: {missing[0]} is missing, running `pretix rebuild` (about 20 s)…")
        started = time.monotonic()
        subprocess.run([sys.executable, "-m", "pretix", "rebuild"], check=True)  # nosec B603 # fixed argv of our own programs
        say(f"assets: rebuilt in {time.monotonic() - started:.0f} s")
    else:
        say("assets: the compiled files shipped with pretix are present, nothing to rebuild")
    REBUILT_STAMP.write_text(time.strftime("%Y-%m-%d %H:%M:%S\n"))


def load_demo_data() -> dict:
    from ticketing_core.demo import load_demo

    started = time.monotonic()
    result = load_demo()
    took = time.monotonic() - started
    if result["created"]:
        created = ", ".join(f"{n} × {what}" for what, n in result["created"].items())
        say(f"demo: created {created} ({took:.1f} s)")
    else:
        say(f"demo: already loaded, nothing created ({took:.1f} s)")
    for line in result["skipped"]:
        say(f"demo: skipped a date: {line}")
    return result


def print_banner(result: dict) -> None:
    rows = [
        ("Storefront", result["storefront_url"]),
        ("Back office", result["control_url"]),
        ("Boarding", result.get("boarding_url", "")),
        ("Dashboard", result["dashboard_url"]),
        # ticketing_accounting's demo: the registers; the bank import pays the school group SHKL7 with
        # addons/ticketing_accounting/bankimport/samples/statement_demo.txt (its Счёт is on the order page)
        ("Accounting", result["organizer_control_url"] + "accounting/registers/payments/"),
        ("Bank statement", "addons/ticketing_accounting/bankimport/samples/statement_demo.txt"),
        ("Admin e-mail", result["admin_email"]),
        ("Password", result["admin_password"]),
        *(helper.banner for helper in HELPERS),
    ]
    label_width = max(len(label) for label, _ in rows) + 2
    lines = [
        "Prichal demo «Нева Круиз» is starting:",
        *(f"  {label + ':':<{label_width}}{value}" for label, value in rows),
        "Stop it with Ctrl-C.",
    ]
    width = max(len(line) for line in lines) + 2
    print("\n" + "=" * width + "\n" + "\n".join(lines) + "\n" + "=" * width + "\n", flush=True)


def port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((HOST, port)) == 0


def pid_file(helper: Helper) -> Path:
    return RUN / f"{helper.port_variable.lower()}.pid"


def remember(helper: Helper, pid: int) -> None:
    RUN.mkdir(parents=True, exist_ok=True)
    pid_file(helper).write_text(f"{pid}\n")


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        ps = subprocess.run(["ps", "-o", "args=", "-p", str(pid)], capture_output=True, text=True)  # nosec B603 B607 # fixed argv
        return ps.stdout.strip()


def stale_helper_pid(helper: Helper) -> int | None:
    """The pid of this helper as an earlier run of this checkout started it, if that process still lives."""
    try:
        pid = int(pid_file(helper).read_text().strip())
    except (OSError, ValueError):
        return None
    # the same program with the same arguments (its state file lies in this checkout's var/): not a reused pid
    line = _command_line(pid)
    return pid if line and " ".join(helper.argv[1:]) in line else None


def replace_stale_helpers(timeout: float = 10) -> None:
    """Stop the helpers an earlier, killed `make run` of this checkout left listening on their ports."""
    for helper in HELPERS:
        pid = stale_helper_pid(helper)
        if pid is None or not port_in_use(helper.port):
            continue
        say(f"stopping the {helper.name} an earlier run left behind (pid {pid}) to start it afresh")
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        deadline = time.monotonic() + timeout
        while port_in_use(helper.port) and time.monotonic() < deadline:
            time.sleep(0.1)
        if port_in_use(helper.port):
            os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
        pid_file(helper).unlink(missing_ok=True)


def busy_ports() -> list[str]:
    """The ports this demo needs that something else already listens on, as sentences."""
    busy = []
    if port_in_use(PORT):
        busy.append(f"something is already listening on {ADDRESS}; stop it first (an earlier `make run`?)")
    for helper in HELPERS:
        if port_in_use(helper.port):
            busy.append(f"something is already listening on {HOST}:{helper.port}, the port of the {helper.name}; "
                        f"stop it first (an earlier `make run`?) or choose another port with "
                        f"{helper.port_variable}=…")
    return busy


def wait_for_helper(helper: Helper, proc: subprocess.Popen, timeout: float = 15) -> bool:
    """True once the helper accepts connections on its port; False if it exits or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        if port_in_use(helper.port):
            return True
        time.sleep(0.1)
    return False


def _stop(proc: subprocess.Popen, name: str, sig: int = signal.SIGTERM, timeout: float = 10) -> None:
    """Signal a child's whole process group (Django's autoreloader runs the server in a grandchild)."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, sig)
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        say(f"{name} did not stop, killing it")
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


def start_helper(helper: Helper) -> subprocess.Popen:
    """Start ``helper`` in its own process group, tied to this process (tools/lifeline.py), and note its pid."""
    proc = subprocess.Popen(helper.argv, cwd=ROOT, start_new_session=True,  # nosec B603 # fixed argv of our own programs
                            env={**os.environ, SUPERVISED: "1"})
    remember(helper, proc.pid)
    return proc


def supervise() -> int:
    """Start the helpers and the web server, each in its own process group; stop them all on the way out."""

    def terminate(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    children: list[tuple[str, subprocess.Popen]] = []
    try:
        for helper in HELPERS:
            say(f"starting the {helper.name} on {HOST}:{helper.port}")
            proc = start_helper(helper)
            children.append((helper.name, proc))
            if not wait_for_helper(helper, proc):
                say(f"the {helper.name} did not start on {HOST}:{helper.port} (see above); stopping")
                return 1
        # PRICHAL_NORELOAD=1 (the DAST scan): a scan must not be cut short by an edit of the source tree
        reload = ["--noreload"] if os.environ.get("PRICHAL_NORELOAD") == "1" else []
        server = subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "runserver", ADDRESS, *reload],  # nosec B603 # fixed argv of our own programs
                                  cwd=ROOT, start_new_session=True, env={**os.environ, SUPERVISED: "1"})
        children.append(("web server", server))
        try:
            return server.wait()
        except KeyboardInterrupt:
            # The terminal's Ctrl-C reaches only this process group; pass it on so Django shuts down cleanly.
            _stop(server, "web server", signal.SIGINT)
            return 0
    finally:
        for name, proc in reversed(children):
            _stop(proc, name)
        for helper in HELPERS:
            pid_file(helper).unlink(missing_ok=True)


def run_server(argv: list[str]) -> None:
    """``devserver.py runserver ADDRESS``: pretix's runserver (with autoreload) plus the development overrides."""
    # the server (and the autoreloader's child of it) ends with the supervisor, even one killed outright
    die_with_parent()
    apply_dev_overrides()
    from django.core.management import execute_from_command_line

    execute_from_command_line([sys.argv[0], *argv])


def main() -> int:
    prepare_environment()
    if len(sys.argv) > 1 and sys.argv[1] == "runserver":
        run_server(sys.argv[1:])
        return 0
    replace_stale_helpers()
    busy = busy_ports()
    if busy:
        for sentence in busy:
            say(sentence)
        return 1
    started = time.monotonic()
    import django

    django.setup()
    migrate_if_needed()
    rebuild_if_needed()
    result = load_demo_data()
    with_sms_callback(result["sms_callback_url"])
    from django.db import connections

    connections.close_all()
    say(f"ready in {time.monotonic() - started:.1f} s, starting the web server on {ADDRESS}")
    print_banner(result)
    return supervise()


if __name__ == "__main__":
    sys.exit(main())
