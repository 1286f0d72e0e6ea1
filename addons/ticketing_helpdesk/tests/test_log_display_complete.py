"""
Every log entry our addons write has a readable, translated text in the back office's logs and on the audit
page, never the raw action code (``ticketing_helpdesk.manifest.exported`` was shown as such: its text was
registered in a module nothing imported at start-up).

The action types are read from the source: every string literal that is the action of a ``log_action``,
``audit`` or ``send_mail(log_entry_type=…)`` call (both branches of ``a if c else b``), plus the types our code
composes from a prefix (listed in :data:`COMPOSED`, checked against the source too). The texts are asked for
in a fresh process started like the server, so a registration that only a test module imports does not count.
"""
import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ADDONS = ROOT / "addons"
ACTION_RE = re.compile(r"^(ticketing_[a-z_]+|pretix)\.[a-z0-9_.]+[a-z0-9_]$")
LOGGING_CALLS = {"log_action", "audit"}

# Types our code builds at run time from a prefix and a word (fleet views and API, case services, notification
# delivery): prefix → the words, and a piece of source that shows the composition still exists.
COMPOSED = {
    "ticketing_core.pier": ("added", "changed", "deleted", "archived", "restored"),
    "ticketing_core.vessel": ("added", "changed", "deleted", "archived", "restored"),
    "ticketing_helpdesk.case": ("created", "status_changed", "replied", "noted", "customer_replied", "changed"),
    "ticketing_core.notification": ("sent", "delivered", "failed", "unknown"),
}
COMPOSED_SOURCES = ('f"{self.log_prefix}.', 'f"ticketing_helpdesk.case.{action}"',
                    'f"ticketing_core.notification.{status}"')


def _literals(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and ACTION_RE.match(node.value):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def logged_action_types() -> dict[str, str]:
    """action type → the file that logs it, for every literal action type in our addons' shipped code."""
    found: dict[str, str] = {}
    for path in sorted(ADDONS.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or "/testing/" in rel:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            candidates = []
            if name in LOGGING_CALLS:
                candidates = node.args[:2] + [k.value for k in node.keywords if k.arg in ("action", "action_type")]
            elif name == "send_mail":
                candidates = node.args[3:4] + [k.value for k in node.keywords if k.arg == "log_entry_type"]
            for candidate in candidates:
                for action in _literals(candidate):
                    found.setdefault(action, rel)
    return found


SCRIPT = r"""
import collections, json, sys
import django
django.setup()
from django.utils import translation
from pretix.base.logentrytype_registry import log_entry_types
from pretix.base.models import LogEntry

class Anything(collections.defaultdict):
    def __init__(self):
        super().__init__(lambda: "1")

out = {}
for action in json.load(sys.stdin):
    with translation.override("ru"):
        log_type, _meta = log_entry_types.get(action_type=action)
        try:
            text = log_type.display(LogEntry(action_type=action, data="{}"), Anything()) if log_type else \
                LogEntry(action_type=action, data="{}").display()
        except Exception as e:  # a text that cannot be shown is as bad as none
            text = f"error: {e!r}"
        out[action] = str(text or "")
print(json.dumps(out, ensure_ascii=False))
"""


def displayed_texts(actions: list[str]) -> dict[str, str]:
    proc = subprocess.run([sys.executable, "-c", SCRIPT], input=json.dumps(actions), capture_output=True,
                          text=True, cwd=ROOT, timeout=300,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "ticketing_core.testing.settings"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_source_scan_finds_the_known_kinds_of_log_calls():
    found = logged_action_types()
    # one of each way we log: audit(), obj.log_action(), both branches of a conditional, send_mail's type
    for action in ("ticketing_helpdesk.audit.exported", "ticketing_seating.seat.blocked",
                   "ticketing_core.sailing.added", "ticketing_core.sailing.changed",
                   "ticketing_yoomoney.late_payment.mail", "ticketing_website.privacy.consent"):
        assert action in found, action
    source = "\n".join(p.read_text(encoding="utf-8") for p in ADDONS.rglob("*.py") if "/tests/" not in p.as_posix())
    for piece in COMPOSED_SOURCES:
        assert piece in source, f"{piece!r} is no longer in the source: update COMPOSED"


def test_every_logged_action_has_a_russian_text():
    actions = set(logged_action_types())
    actions |= {f"{prefix}.{word}" for prefix, words in COMPOSED.items() for word in words}
    texts = displayed_texts(sorted(actions))
    cyrillic = re.compile(r"[А-Яа-яЁё]")
    bad = {a: t for a, t in texts.items()
           if not t or a in t or not cyrillic.search(t) or t.startswith("error")}
    assert not bad, "log entries shown as raw codes or without a Russian text:\n" + "\n".join(
        f"  {a}: {t!r}" for a, t in sorted(bad.items()))
