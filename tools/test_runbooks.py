"""
The runbooks (docs/runbooks/): the ones the alert rules link to exist, each in Russian and English with the five
steps, and every command they name exists: make targets, `python -m pretix <command>` management commands, and
the repository's scripts (deploy/, tools/, infra/). Outside tools (yc, psql, curl) are the operator's.
"""
import re
from pathlib import Path

import pytest
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parent.parent
RUNBOOKS = ROOT / "docs" / "runbooks"
REQUIRED = ("yookassa-webhooks", "receipts-54fz", "checkout-slow", "sailing-cancelled-weather", "release-rollback",
            "database-pitr", "order-restore", "redis-lost", "secret-rotation", "oversold-sailing")
STEPS = {"## Русский": ("Симптом", "Проверить", "Действовать", "Убедиться", "Откатить"),
         "## English": ("Symptom", "Confirm", "Act", "Verify", "Roll back")}
MAKE = re.compile(r"(?<![\w-])make ([a-z][\w-]*)")
PRETIX = re.compile(r"python3? -m pretix ([a-z_]+)")
SCRIPT = re.compile(r"(?<![\w/.-])((?:deploy|tools|infra|bench)/[\w./-]*\w)")


def commands_of(text: str) -> str:
    """Code blocks and inline code: where a runbook names commands."""
    return "\n".join(re.findall(r"```\w*\n(.*?)```", text, re.S) + re.findall(r"`([^`\n]+)`", text))


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return set(re.findall(r"^([a-z][\w-]*)\s*:", text, re.M))


def all_runbooks() -> list[Path]:
    return sorted(RUNBOOKS.glob("*.md"))


def test_the_runbooks_the_alerts_link_to_exist():
    assert {p.stem for p in all_runbooks()} >= set(REQUIRED)


@pytest.mark.parametrize("name", REQUIRED)
def test_each_runbook_has_both_languages_and_the_five_steps(name):
    text = (RUNBOOKS / f"{name}.md").read_text(encoding="utf-8")
    for heading, steps in STEPS.items():
        assert heading in text, f"{name}: no section {heading}"
        section = text.split(heading, 1)[1].split("\n## ", 1)[0]
        positions = [section.find(f"**{step}") for step in steps]
        assert -1 not in positions and positions == sorted(positions), f"{name} {heading}: steps {steps} in order"


def test_every_command_a_runbook_names_exists():
    targets, pretix_commands = make_targets(), set(get_commands())
    missing = []
    for path in all_runbooks():
        code = commands_of(path.read_text(encoding="utf-8"))
        missing += [f"{path.name}: make {t}" for t in MAKE.findall(code) if t not in targets]
        missing += [f"{path.name}: python -m pretix {c}" for c in PRETIX.findall(code) if c not in pretix_commands]
        missing += [f"{path.name}: {s}" for s in SCRIPT.findall(code)
                    if not (ROOT / s).exists() and not (ROOT / s.split("/")[0] / s.split("/", 1)[1]).exists()]
    assert missing == []


def test_the_command_check_catches_a_wrong_command():
    code = commands_of("```sh\nmake no-such-target\npython -m pretix no_such_command\ndeploy/nothing.sh\n```")
    assert MAKE.findall(code) == ["no-such-target"] and PRETIX.findall(code) == ["no_such_command"]
    assert SCRIPT.findall(code) == ["deploy/nothing.sh"] and "no-such-target" not in make_targets()
