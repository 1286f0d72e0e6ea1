"""
Dependency audit against a dated snapshot of the PyPA advisory database.

pip-audit's online lookups cannot reach an advisory service from the project's build machines: it then
reports every package as "not found" and exits clean, which proves nothing. So the advisories that concern
exactly our pinned packages are kept in the repository (``advisories.json``), refreshed from a checkout of
https://github.com/pypa/advisory-database with ``--refresh``, and every pin of ``requirements.txt`` is checked
against them offline in ``make test``. Pipelines with internet should also run
``pip-audit --strict -r requirements.txt``.

A snapshot older than ``STALE_AFTER_DAYS`` prints a loud warning but does not fail: the calendar alone must not
stop unrelated work from landing; an affected pin always fails.
"""
from __future__ import annotations

import argparse
import datetime
import json
import subprocess  # nosec B404 # reads the advisory database with git
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = Path(__file__).with_name("advisories.json")
REQUIREMENTS = ROOT / "requirements.txt"
STALE_AFTER_DAYS = 45


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    advisory: str
    aliases: tuple[str, ...]
    summary: str
    fixed_in: str


def read_pins(path: Path = REQUIREMENTS) -> dict[str, str]:
    """Exact pins of a requirements file; anything not pinned with == is an error, since it cannot be audited."""
    pins: dict[str, str] = {}
    for number, raw in enumerate(path.read_text().splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        name, sep, version = line.partition("==")
        if not sep:
            raise ValueError(f"{path.name}:{number}: {line!r} is not pinned with ==")
        pins[canonicalize_name(name.split("[", 1)[0].strip())] = version.split(";", 1)[0].strip()
    return pins


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _in_ranges(version: Version, ranges: Iterable[list[dict[str, str]]]) -> tuple[bool, str]:
    """OSV ECOSYSTEM ranges: ordered events; a version is affected between an 'introduced' and the next
    'fixed' (exclusive) or 'last_affected' (inclusive). Returns (affected, first fixed version after it)."""
    for events in ranges:
        start: Version | None = None
        for event in events:
            (kind, value), = event.items()
            if kind == "introduced":
                start = Version("0") if value == "0" else _version(value)
            elif start is not None and kind in ("fixed", "last_affected"):
                bound = _version(value)
                if bound is None:
                    start = None
                    continue
                if start <= version and (version < bound if kind == "fixed" else version <= bound):
                    return True, value if kind == "fixed" else ""
                start = None
        if start is not None and start <= version:
            return True, ""
    return False, ""


def audit(pins: dict[str, str], snapshot: dict) -> list[Finding]:
    findings = []
    for name, version_text in sorted(pins.items()):
        version = _version(version_text)
        for adv in snapshot["packages"].get(name, []):
            listed = version_text in adv.get("versions", [])
            in_range, fixed = _in_ranges(version, adv.get("ranges", [])) if version else (False, "")
            if listed or in_range:
                findings.append(Finding(name, version_text, adv["id"], tuple(adv.get("aliases", [])),
                                        adv.get("summary", ""), fixed))
    return findings


def snapshot_age_days(snapshot: dict, today: datetime.date | None = None) -> int:
    taken = datetime.date.fromisoformat(snapshot["database_date"])
    return ((today or datetime.date.today()) - taken).days


def refresh(database: Path, pins: dict[str, str]) -> dict:
    """Collect the advisories of our pinned packages from a pypa/advisory-database checkout (a git work tree
    or a bare repository; read with git so that a mirror without a work tree serves as well)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(database), *args], check=True, capture_output=True,  # nosec B603 B607 # fixed git argv, no shell
                              text=True).stdout

    commit, date = git("log", "-1", "--format=%H %cI", "HEAD").split()
    folders = {canonicalize_name(f.rsplit("/", 1)[-1]): f for f in git("ls-tree", "--name-only", "HEAD",
                                                                       "vulns/").split()}
    packages: dict[str, list[dict]] = {}
    for name in sorted(pins):
        if name not in folders:
            continue
        for path in git("ls-tree", "-r", "--name-only", "HEAD", folders[name] + "/").split():
            doc = yaml.safe_load(git("show", f"HEAD:{path}"))
            if doc.get("withdrawn"):
                continue
            for affected in doc.get("affected", []):
                if canonicalize_name(affected["package"]["name"]) != name:
                    continue
                packages.setdefault(name, []).append({
                    "id": doc["id"],
                    "aliases": sorted(doc.get("aliases", [])),
                    "summary": (doc.get("summary") or doc.get("details", ""))[:200],
                    "ranges": [r["events"] for r in affected.get("ranges", []) if r["type"] == "ECOSYSTEM"],
                    "versions": affected.get("versions", []),
                })
    return {
        "source": "https://github.com/pypa/advisory-database",
        "database_commit": commit,
        "database_date": date[:10],
        "refreshed": datetime.date.today().isoformat(),
        "packages_checked": sorted(pins),
        "packages": packages,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--refresh", metavar="ADVISORY_DB", type=Path,
                        help="rebuild advisories.json from a pypa/advisory-database checkout")
    parser.add_argument("--requirements", type=Path, default=REQUIREMENTS)
    parser.add_argument("--snapshot", type=Path, default=SNAPSHOT)
    args = parser.parse_args(argv)
    pins = read_pins(args.requirements)
    if args.refresh:
        args.snapshot.write_text(json.dumps(refresh(args.refresh, pins), indent=1, sort_keys=True) + "\n")
    snapshot = json.loads(args.snapshot.read_text())
    unknown = sorted(set(pins) - set(snapshot["packages_checked"]))
    age = snapshot_age_days(snapshot)
    if age > STALE_AFTER_DAYS:
        print("!" * 78, file=sys.stderr)
        print(f"!! WARNING: the advisory snapshot is {age} days old (database of {snapshot['database_date']}).\n"
              f"!! Refresh it: python tools/security/advisories.py --refresh <pypa/advisory-database checkout>\n"
              f"!! and, with internet: pip-audit --strict -r requirements.txt", file=sys.stderr)
        print("!" * 78, file=sys.stderr)
    if unknown:
        print(f"WARNING: pins not in the snapshot (refresh it): {', '.join(unknown)}", file=sys.stderr)
    findings = audit(pins, snapshot)
    for f in findings:
        fixed = f"; fixed in {f.fixed_in}" if f.fixed_in else ""
        print(f"{f.package}=={f.version}: {f.advisory} ({', '.join(f.aliases)}){fixed}: {f.summary}")
    print(f"dependency audit: {len(pins)} pins, {sum(map(len, snapshot['packages'].values()))} advisories "
          f"of database {snapshot['database_date']}, {len(findings)} affected")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
