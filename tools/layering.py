"""
The layering of the addons, read from their source with ``ast`` (nothing is imported or run):

* ``ticketing_core`` is the bottom layer and imports no other addon (its ``testing/`` and tests included);
  the addons above it import only what ``ADDON_DEPENDENCIES`` allows, and those allowances form no circle.
* Inside ``ticketing_core`` the slices build on each other in one direction (``CORE_SLICES``): ``fleet`` knows
  neither ``policy`` nor ``notifications``; ``policy`` does not know ``notifications``. They talk upwards only
  through ``ticketing_core.hooks``.
* Inside an addon, its packages (directories) import each other without circles, except for the circles listed
  in ``KNOWN_PACKAGE_CYCLES`` (older code; the list may only shrink).
* Every CSV an addon writes goes through ``ticketing_core.exports`` (formulas neutralised, Russian separators).

``tools/test_layering.py`` runs these checks in ``make test``; ``python tools/layering.py`` prints the findings.
"""
import ast
import sys
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADDONS_DIR = ROOT / "addons"

# addon -> the addons it may import (everything else is above it or beside it)
ADDON_DEPENDENCIES: dict[str, set[str]] = {
    "ticketing_core": set(),
    "ticketing_rentals": {"ticketing_core"},
    "ticketing_yoomoney": {"ticketing_core"},
    # the storefront lists charters (their pier) and its tests pay through the YooKassa emulator
    "ticketing_website": {"ticketing_core", "ticketing_rentals", "ticketing_yoomoney"},
    # seat prices show the storefront's service fee (an optional import)
    "ticketing_seating": {"ticketing_core", "ticketing_website"},
    # the console shows privacy consents; its tests share the YooKassa emulator's fixtures
    "ticketing_helpdesk": {"ticketing_core", "ticketing_website", "ticketing_yoomoney"},
    # B2B fields at the storefront's checkout, YooKassa commission and receipts in the registers
    "ticketing_accounting": {"ticketing_core", "ticketing_website", "ticketing_yoomoney"},
}

# ticketing_core's slices -> the slices they may import (shared modules such as errors, hooks, permissions: any)
CORE_SLICES: dict[str, set[str]] = {
    "fleet": set(),
    "policy": {"fleet"},
    "notifications": {"fleet", "policy"},
    # check-in lists per sailing, the boarding page, the manifest, no-shows, travel documents
    "boarding": {"fleet"},
    # the numbers read the fleet (sailings, vessels, piers) and the policy's boarding facts; nobody imports kpi
    "kpi": {"fleet", "policy"},
}

# (addon, package, package): circles between an addon's packages that predate this check
KNOWN_PACKAGE_CYCLES: set[frozenset] = {
    frozenset({"ticketing_helpdesk.audit", "ticketing_helpdesk.roles"}),
    frozenset({"ticketing_helpdesk.cases", "ticketing_helpdesk.sla"}),
    frozenset({"ticketing_website.accounts", "ticketing_website.privacy"}),
    frozenset({"ticketing_website.catalogue", "ticketing_website.seo"}),
}

CSV_HOME = "ticketing_core/exports.py"


def module_name(path: Path, base: Path = ADDONS_DIR) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, is_package: bool = False) -> list[tuple[str, int]]:
    """Every module ``source`` imports (absolute names, relative imports resolved), with its line."""
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            found.append((name, node.lineno))
            found += [(f"{name}.{alias.name}", node.lineno) for alias in node.names]
    return found


def python_files(addon: str, include_migrations: bool = False) -> Iterable[Path]:
    for path in sorted((ADDONS_DIR / addon).rglob("*.py")):
        if include_migrations or "migrations" not in path.parts:
            yield path


def addon_violations(addon: str, allowed: dict[str, set[str]] = ADDON_DEPENDENCIES,
                     sources: dict[str, str] | None = None) -> list[str]:
    """Imports of another addon that ``allowed`` does not permit, as ``file:line: message``."""
    others = set(allowed) - {addon}
    out = []
    files = sources if sources is not None else {
        module_name(p): p.read_text(encoding="utf-8") for p in python_files(addon, include_migrations=True)}
    for module, source in files.items():
        is_package = module.count(".") == 0 or (ADDONS_DIR / module.replace(".", "/") / "__init__.py").is_file()
        for name, line in imports_of(source, module, is_package):
            top = name.split(".")[0]
            if top in others and top not in allowed[addon]:
                out.append(f"{module}:{line}: {addon} imports {name} ({top} is not below {addon})")
    return sorted(set(out))


def dependency_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every elementary circle of ``graph`` found by depth-first search (each reported once)."""
    cycles, seen = [], set()

    def visit(node, path):
        for nxt in sorted(graph.get(node, ())):
            if nxt in path:
                cycle = path[path.index(nxt):]
                key = frozenset(cycle)
                if key not in seen:
                    seen.add(key)
                    cycles.append(cycle + [nxt])
            elif len(path) < len(graph) + 1:
                visit(nxt, path + [nxt])

    for start in sorted(graph):
        visit(start, [start])
    return cycles


def package_graph(addon: str, sources: dict[str, str] | None = None, depth: int = 2) -> dict[str, set[str]]:
    """Which of the addon's packages (``addon.pkg``) import which, tests and migrations left out."""
    files = sources if sources is not None else {
        module_name(p): p.read_text(encoding="utf-8") for p in python_files(addon)
        if "tests" not in p.parts}
    packages = {name for name in (".".join(m.split(".")[:depth]) for m in files)
                if (ADDONS_DIR / name.replace(".", "/")).is_dir() or sources is not None}
    graph: dict[str, set[str]] = defaultdict(set)
    for module, source in files.items():
        own = ".".join(module.split(".")[:depth])
        is_package = (ADDONS_DIR / module.replace(".", "/") / "__init__.py").is_file()
        for name, _line in imports_of(source, module, is_package):
            target = ".".join(name.split(".")[:depth])
            if target != own and "." in target and target in packages and own in packages:
                graph[own].add(target)
    return graph


def core_slice_violations(sources: dict[str, str] | None = None) -> list[str]:
    """Imports from a lower slice of ticketing_core into a higher one (e.g. fleet importing notifications)."""
    graph = package_graph("ticketing_core", sources)
    out = []
    for slice_, allowed in CORE_SLICES.items():
        for target in graph.get(f"ticketing_core.{slice_}", ()):
            name = target.split(".", 1)[1]
            if name in CORE_SLICES and name not in allowed:
                out.append(f"ticketing_core.{slice_} imports ticketing_core.{name}, a slice above it")
    return sorted(out)


def csv_writers_outside_exports() -> list[str]:
    """Modules that write CSV themselves instead of through ``ticketing_core.exports``."""
    out = []
    for addon in ADDON_DEPENDENCIES:
        for path in python_files(addon):
            rel = path.relative_to(ADDONS_DIR).as_posix()
            if "tests" in path.parts or rel == CSV_HOME:
                continue
            for name, line in imports_of(path.read_text(encoding="utf-8"), module_name(path)):
                if name == "csv" or name.startswith("csv."):
                    out.append(f"{rel}:{line}: writes CSV itself; use ticketing_core.exports.csv_response")
    return out


def findings() -> list[str]:
    out = []
    for addon in ADDON_DEPENDENCIES:
        out += addon_violations(addon)
        out += [f"{addon}: packages import each other in a circle: {' -> '.join(c)}"
                for c in dependency_cycles(package_graph(addon)) if frozenset(c) not in KNOWN_PACKAGE_CYCLES]
    out += [f"the allowed addon dependencies form a circle: {' -> '.join(c)}"
            for c in dependency_cycles(ADDON_DEPENDENCIES)]
    out += core_slice_violations()
    out += csv_writers_outside_exports()
    return out


if __name__ == "__main__":
    problems = findings()
    print("\n".join(problems) or "layering: no findings")
    sys.exit(1 if problems else 0)
