"""Copy pretix's collected static files from the image into the ``static`` volume that nginx serves.

``python -m pretix rebuild`` (deploy/Dockerfile) collects and compresses the static files into pretix's
``STATIC_ROOT``, ``<site-packages>/pretix/static.dist`` — inside the image, where nginx cannot see them. The
``migrate`` one-shot runs this script before every start of web, so the volume always holds the files of
the image that web is about to run.

* Unchanged files are left alone; changed and new ones are written to a temporary name and renamed into
  place, so nginx never serves a half-written file.
* The files of the previous sync are kept: pages rendered by the still running old web container keep
  their (hashed) CSS and JS while the new one starts. Files older than that are deleted, so the volume does
  not grow with every release. The list of the last sync is stored as ``.prichal-static-files`` in the
  volume (deploy/nginx.conf does not serve it).
* Files get mode 0644 and directories 0755: nginx reads them as a different user.

Standard library only; pretix is located without importing it (its settings need a configuration).

Usage: ``python sync_static.py TARGET [SOURCE]`` (SOURCE defaults to the installed pretix's static.dist)
"""
import filecmp
import importlib.util
import os
import shutil
import sys
import tempfile
from pathlib import Path

FILE_LIST = ".prichal-static-files"
# django.contrib.staticfiles' ManifestStaticFilesStorage writes it last: without it `pretix rebuild` did not run.
MANIFEST = "staticfiles.json"


class SyncError(Exception):
    """The static files cannot be synchronised."""


def pretix_static_root() -> Path:
    """pretix's STATIC_ROOT: ``os.path.join(os.path.dirname(pretix/__init__.py), 'static.dist')``."""
    spec = importlib.util.find_spec("pretix")
    if spec is None or not spec.submodule_search_locations:
        raise SyncError("pretix is not installed")
    return Path(spec.submodule_search_locations[0]) / "static.dist"


def _files(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def _copy(source: Path, target: Path) -> None:
    target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            shutil.copyfileobj(src, out)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def sync(source: Path, target: Path) -> tuple[int, int]:
    """Make ``target`` hold the files of ``source`` (plus those of the previous sync).

    Returns (files written, files deleted).
    """
    if not (source / MANIFEST).is_file():
        raise SyncError(f"{source / MANIFEST} does not exist: `python -m pretix rebuild` has not run")
    if not target.is_dir() or not os.access(target, os.W_OK):
        raise SyncError(f"{target} is not a writable directory (is the static volume mounted there?)")

    current = _files(source)
    list_file = target / FILE_LIST
    previous = set(list_file.read_text(encoding="utf-8").splitlines()) if list_file.is_file() else set()

    written = 0
    # The manifest last: it names the hashed files, which must be in place before it.
    for name in sorted(current - {MANIFEST}) + [MANIFEST]:
        src, dst = source / name, target / name
        if dst.is_file() and dst.stat().st_size == src.stat().st_size and filecmp.cmp(src, dst, shallow=False):
            continue
        _copy(src, dst)
        written += 1

    fd, tmp = tempfile.mkstemp(dir=target, prefix=f"{FILE_LIST}.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("".join(f"{name}\n" for name in sorted(current)))
    os.chmod(tmp, 0o644)
    os.replace(tmp, list_file)

    deleted = 0
    for name in sorted(_files(target) - current - previous - {FILE_LIST}):
        (target / name).unlink()
        deleted += 1
    for directory in sorted((p for p in target.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()
    return written, deleted


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) not in (1, 2):
        print("usage: sync_static.py TARGET [SOURCE]", file=sys.stderr)
        return 2
    target = Path(argv[0])
    try:
        source = Path(argv[1]) if len(argv) == 2 else pretix_static_root()
        written, deleted = sync(source, target)
    except (SyncError, OSError) as e:
        print(f"sync_static: {e}", file=sys.stderr)
        return 1
    print(f"sync_static: {source} -> {target}: {written} file(s) written, {deleted} old file(s) deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
