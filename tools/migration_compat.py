"""
Expand/contract for migrations (docs/runbooks/release-rollback.md): while a release rolls out, and after a rollback,
the *previous* release runs on the migrated database. So a migration that is new since the last release may only
expand (add tables, nullable or defaulted columns, indexes, constraints the old code satisfies); it may not drop or
rename a table or column the previous code still uses.

A contracting migration (RemoveField, DeleteModel, RenameField, RenameModel, AlterModelTable, or RunSQL with DROP /
RENAME) is accepted only when it says which release stopped using what it removes, in a comment::

    # contract: v2026.12.1 no longer reads Sailing.old_note

and that release is already published (a tag the baseline descends from): then the previous code does not use it.

Usage: ``python tools/migration_compat.py`` (exit 1 listing every offending migration); the test is
``tools/test_migration_compat.py``.
"""
import ast
import re
import subprocess  # nosec B404  # git with fixed arguments
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE_FILE = ROOT / "deploy" / "release-baseline"
CONTRACTING = {"RemoveField", "DeleteModel", "RenameField", "RenameModel", "AlterModelTable", "RemoveIndex"}
DESTRUCTIVE_SQL = re.compile(r"\b(DROP\s+(TABLE|COLUMN)|RENAME\s+(TO|COLUMN))\b", re.I)
MARKER = re.compile(r"^#\s*contract:\s*(\S+)", re.M)


def git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)  # noqa: S603, S607  # nosec


def baseline() -> str:
    """The newest release tag (v*) reachable from HEAD, else the recorded baseline commit."""
    tag = git("describe", "--tags", "--abbrev=0", "--match", "v*")
    if tag.returncode == 0 and tag.stdout.strip():
        return tag.stdout.strip()
    lines = [line.strip() for line in BASELINE_FILE.read_text().splitlines()]
    return next(line for line in lines if line and not line.startswith("#"))


def new_migrations(base: str) -> list[Path]:
    out = git("diff", "--name-only", "--diff-filter=AM", base, "--", "addons/*/migrations/*.py")
    if out.returncode != 0:
        raise RuntimeError(f"git diff against {base} failed: {out.stderr.strip()}")
    untracked = git("ls-files", "--others", "--exclude-standard", "--", "addons/*/migrations/*.py").stdout.split()
    names = set(out.stdout.split()) | set(untracked)
    return sorted(ROOT / n for n in names if not n.endswith("__init__.py") and (ROOT / n).exists())


def contracting_operations(source: str) -> list[str]:
    """Every operation of a migration's source that removes or renames something the old code may use."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        if name in CONTRACTING:
            found.append(name)
        elif name == "RunSQL":
            for arg in [*node.args, *(k.value for k in node.keywords if k.arg == "sql")][:1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and DESTRUCTIVE_SQL.search(arg.value):
                    found.append("RunSQL: " + DESTRUCTIVE_SQL.search(arg.value).group(0))
    return found


def released(tag: str, base: str) -> bool:
    """Is ``tag`` a published release the baseline descends from?"""
    return git("merge-base", "--is-ancestor", tag, base).returncode == 0


def problems(base: str | None = None) -> list[str]:
    base = base or baseline()
    out = []
    for path in new_migrations(base):
        source = path.read_text(encoding="utf-8")
        ops = contracting_operations(source)
        if not ops:
            continue
        marker = MARKER.search(source)
        if marker and released(marker.group(1), base):
            continue
        why = (f"its '# contract: {marker.group(1)}' names no published release" if marker else
               "no '# contract: <release>' comment names the release that stopped using it")
        out.append(f"{path.relative_to(ROOT)}: {', '.join(ops)} since {base[:12]}; {why}")
    return out


if __name__ == "__main__":
    found = problems()
    for line in found:
        print(line, file=sys.stderr)
    sys.exit(1 if found else 0)
