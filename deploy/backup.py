"""
Nightly logical backup of Prichal and its restore: PostgreSQL with ``pg_dump -Fc`` plus pretix's data directory
(media, invoices, ticketing_helpdesk's case attachments — which live *outside* MEDIA_ROOT), checksummed, copied to
the backup bucket with an S3-compatible client, and the last success published as a Prometheus metric.

The managed database's own backups and point-in-time recovery (infra/, docs/runbooks/database-pitr.md) are the
first line; this dump is the second: it survives a deleted cluster or folder, restores one order
(docs/runbooks/order-restore.md) and is what the restore drill in ``make test`` proves
(``tools/test_restore_drill.py``).

Usage (in the Prichal image, or anywhere with pg_dump/pg_restore 15)::

    python3 deploy/backup.py backup  [--dest DIR] [--keep-days N]
    python3 deploy/backup.py restore --from DIR|s3://bucket/prefix/NAME --database NEW_DB --data-dir NEW_DIR
    python3 deploy/backup.py list    [--dest DIR]

Configuration (environment, the same names as deploy/pretix.cfg.template):

* ``PRETIX_DB_NAME``/``_USER``/``_PASSWORD``/``_HOST``/``_PORT``/``_SSLMODE``/``_SSLROOTCERT``: the database
  (backup: the source; restore: the server the new database is created on). ``PRICHAL_BACKUP_DB_USER`` and
  ``PRICHAL_BACKUP_DB_PASSWORD`` override user and password (a user in *session* pooling mode: pg_dump cannot
  run through a transaction-pooling connection).
* ``PRICHAL_DATA_DIR`` (default ``/data``): pretix's data directory; logs, cache and profiles are left out.
* ``PRICHAL_BACKUP_DIR`` (default ``/backups``) and ``PRICHAL_BACKUP_KEEP_DAYS`` (default 14): local copies.
* ``PRICHAL_BACKUP_S3_BUCKET`` (e.g. ``prichal-prod-backups``), ``PRICHAL_BACKUP_S3_ENDPOINT`` (default
  ``https://storage.yandexcloud.net``): when the bucket is set, the backup is uploaded with ``aws s3 cp``
  (credentials: ``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY`` of the backup service account's static key,
  read from Lockbox at start). Retention in the bucket is its lifecycle rule (infra/modules/storage).
* ``PRICHAL_BACKUP_TEXTFILE_DIR``: write ``prichal_backup.prom`` there for node-exporter's textfile collector;
  ``PRICHAL_BACKUP_PUSHGATEWAY_URL``: push the same metrics to a Prometheus Pushgateway (job ``prichal_backup``).
  ``prichal_backup_last_success_timestamp_seconds`` is what the alert rules watch (monitoring/).

Standard library only: it runs in the image before anything else, like render_config.py.
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess  # nosec B404  # pg_dump, pg_restore and aws are run with argument lists, never a shell
import sys
import tarfile
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

DUMP, DATA, MANIFEST = "db.dump", "data.tar.gz", "manifest.json"
# pretix's data directory: what is not data (rebuilt or rotated) stays out of the backup
SKIP_TOP = {"logs", "cache", "profiles", ".lock"}
METRIC = "prichal_backup_last_success_timestamp_seconds"
DEFAULT_ENDPOINT = "https://storage.yandexcloud.net"


class BackupError(Exception):
    """A step failed; the message says which and why (the job exits 1, the metric is not advanced)."""


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name) or default


def pg_environ(database: str | None = None) -> dict:
    """libpq's variables from the deployment's PRETIX_DB_* (so the password never appears in a process list)."""
    env = dict(os.environ)
    env.update({
        "PGHOST": _env("PRETIX_DB_HOST", "127.0.0.1"), "PGPORT": _env("PRETIX_DB_PORT", "5432"),
        "PGUSER": _env("PRICHAL_BACKUP_DB_USER") or _env("PRETIX_DB_USER", "pretix"),
        "PGDATABASE": database or _env("PRETIX_DB_NAME", "pretix"),
        "PGSSLMODE": _env("PRETIX_DB_SSLMODE", "prefer"),
    })
    password = _env("PRICHAL_BACKUP_DB_PASSWORD") or _env("PRETIX_DB_PASSWORD")
    if password:
        env["PGPASSWORD"] = password
    if _env("PRETIX_DB_SSLROOTCERT"):
        env["PGSSLROOTCERT"] = _env("PRETIX_DB_SSLROOTCERT")
    return env


def run(argv: list[str], env: dict | None = None) -> None:
    if shutil.which(argv[0]) is None:
        raise BackupError(f"{argv[0]} is not installed (postgresql-client is in the image; aws: the AWS CLI)")
    result = subprocess.run(argv, env=env, capture_output=True, text=True)  # noqa: S603  # nosec B603  # fixed list
    if result.returncode != 0:
        raise BackupError(f"{' '.join(argv[:2])} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _archive_data(data_dir: Path, target: Path) -> int:
    """The data directory as a tar.gz (relative paths, no logs/cache); returns the number of files."""
    count = 0
    with tarfile.open(target, "w:gz", compresslevel=6) as tar:
        if data_dir.is_dir():
            for entry in sorted(data_dir.iterdir()):
                if entry.name in SKIP_TOP:
                    continue
                tar.add(entry, arcname=entry.name)
                count += sum(1 for p in entry.rglob("*") if p.is_file()) if entry.is_dir() else 1
    return count


def backup(dest: Path, data_dir: Path, keep_days: int, now: datetime | None = None) -> Path:
    """Dump, archive, checksum, upload, prune, publish the metric; returns the backup's directory."""
    started = time.monotonic()
    now = now or datetime.now(UTC)
    name = "prichal-" + now.strftime("%Y%m%dT%H%M%SZ")
    dest.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=dest))
    try:
        env = pg_environ()
        run(["pg_dump", "--format=custom", "--compress=6", "--no-owner", "--no-privileges",
             "--file", str(work / DUMP)], env=env)
        files = _archive_data(data_dir, work / DATA)
        manifest = {
            "name": name, "created_at": now.isoformat(), "database": env["PGDATABASE"], "data_files": files,
            "files": {f: {"sha256": sha256(work / f), "size": (work / f).stat().st_size} for f in (DUMP, DATA)},
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        final = dest / name
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    bucket = _env("PRICHAL_BACKUP_S3_BUCKET")
    if bucket:
        run(["aws", "--endpoint-url", _env("PRICHAL_BACKUP_S3_ENDPOINT", DEFAULT_ENDPOINT), "s3", "cp",
             "--recursive", "--only-show-errors", str(final), f"s3://{bucket}/{name}/"])
    prune(dest, keep_days, now)
    size = sum(v["size"] for v in manifest["files"].values())
    publish_metrics(now.timestamp(), size, time.monotonic() - started)
    return final


def prune(dest: Path, keep_days: int, now: datetime) -> list[str]:
    """Local copies older than ``keep_days`` go (the bucket keeps its own, by lifecycle rule)."""
    removed = []
    limit = now - timedelta(days=keep_days)
    for entry in dest.glob("prichal-*"):
        try:
            created = datetime.strptime(entry.name, "prichal-%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        except ValueError:
            continue
        if created < limit:
            shutil.rmtree(entry)
            removed.append(entry.name)
    return removed


def metrics_text(timestamp: float, size: int, seconds: float) -> str:
    return (
        f"# HELP {METRIC} When the last Prichal logical backup (pg_dump + data directory) succeeded.\n"
        f"# TYPE {METRIC} gauge\n{METRIC} {timestamp:.0f}\n"
        "# HELP prichal_backup_last_size_bytes Size of the last successful backup.\n"
        f"# TYPE prichal_backup_last_size_bytes gauge\nprichal_backup_last_size_bytes {size}\n"
        "# HELP prichal_backup_last_duration_seconds How long the last successful backup took.\n"
        f"# TYPE prichal_backup_last_duration_seconds gauge\nprichal_backup_last_duration_seconds {seconds:.3f}\n"
    )


def publish_metrics(timestamp: float, size: int, seconds: float) -> None:
    text = metrics_text(timestamp, size, seconds)
    textfile_dir = _env("PRICHAL_BACKUP_TEXTFILE_DIR")
    if textfile_dir:
        # written atomically: node-exporter must never read half a file
        fd, tmp = tempfile.mkstemp(dir=textfile_dir, prefix=".prichal_backup.")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # nosec B103  # read by node-exporter; contains no secret
        os.replace(tmp, os.path.join(textfile_dir, "prichal_backup.prom"))
    gateway = _env("PRICHAL_BACKUP_PUSHGATEWAY_URL")
    if gateway:
        if not gateway.startswith(("http://", "https://")):
            raise BackupError("PRICHAL_BACKUP_PUSHGATEWAY_URL must be an http(s) address")
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
            gateway.rstrip("/") + "/metrics/job/prichal_backup", data=text.encode(), method="PUT",
            headers={"Content-Type": "text/plain; version=0.0.4"})
        with urllib.request.urlopen(request, timeout=30):  # noqa: S310  # nosec B310  # scheme checked above
            pass


def _fetch(source: str, work: Path) -> Path:
    """A local backup directory, or one downloaded from the bucket (``s3://bucket/prichal-…``)."""
    if not source.startswith("s3://"):
        return Path(source)
    run(["aws", "--endpoint-url", _env("PRICHAL_BACKUP_S3_ENDPOINT", DEFAULT_ENDPOINT), "s3", "cp", "--recursive",
         "--only-show-errors", source.rstrip("/") + "/", str(work)])
    return work


def verify(folder: Path) -> dict:
    """The manifest, after checking that every file is there with its checksum (a torn copy is refused)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise BackupError(f"{folder} is no Prichal backup: {e}")
    for name, meta in manifest["files"].items():
        if not (folder / name).is_file() or sha256(folder / name) != meta["sha256"]:
            raise BackupError(f"{folder / name} is missing or its checksum differs from the manifest")
    return manifest


def _database_exists(database: str) -> bool:
    env = pg_environ("postgres")
    result = subprocess.run(  # noqa: S603  # nosec B603 B607  # fixed argument list; psql from postgresql-client
        ["psql", "-At", "-v", f"db={database}"], input="SELECT 1 FROM pg_database WHERE datname = :'db';\n",  # noqa: S607
        env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"cannot reach PostgreSQL: {result.stderr.strip()}")
    return result.stdout.strip() == "1"


def restore(source: str, database: str, data_dir: Path, jobs: int = 2) -> dict:
    """
    Into a *new* database and an empty data directory, never over the live ones: an operator compares, then
    switches pretix over (docs/runbooks/database-pitr.md). Returns timings; run ``pretix migrate`` afterwards.
    """
    started = time.monotonic()
    if not database.replace("_", "").isalnum():
        raise BackupError("the database name may contain letters, digits and underscores only")
    if data_dir.exists() and any(data_dir.iterdir()):
        raise BackupError(f"{data_dir} is not empty: restore into a new directory")
    with tempfile.TemporaryDirectory(prefix="prichal-restore-") as tmp:
        folder = _fetch(source, Path(tmp))
        manifest = verify(folder)
        if _database_exists(database):
            raise BackupError(f"the database {database} exists: restore into a new one")
        run(["createdb", "--template=template0", "--encoding=UTF8", database], env=pg_environ("postgres"))
        run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", f"--jobs={jobs}",
             "--dbname", database, str(folder / DUMP)], env=pg_environ(database))
        data_dir.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / DATA, "r:gz") as tar:
            tar.extractall(data_dir, filter="data")  # nosec B202  # the "data" filter refuses paths outside
    return {"backup": manifest["name"], "database": database, "data_dir": str(data_dir),
            "seconds": round(time.monotonic() - started, 2)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="backup.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup", help="dump the database and the data directory")
    b.add_argument("--dest", default=_env("PRICHAL_BACKUP_DIR", "/backups"))
    b.add_argument("--keep-days", type=int, default=int(_env("PRICHAL_BACKUP_KEEP_DAYS", "14")))
    r = sub.add_parser("restore", help="restore a backup into a new database and data directory")
    r.add_argument("--from", dest="source", required=True, help="backup directory or s3://bucket/prichal-…")
    r.add_argument("--database", required=True, help="the new database (must not exist)")
    r.add_argument("--data-dir", required=True, help="the new data directory (absent or empty)")
    ls = sub.add_parser("list", help="the local backups, newest first")
    ls.add_argument("--dest", default=_env("PRICHAL_BACKUP_DIR", "/backups"))
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            final = backup(Path(args.dest), Path(_env("PRICHAL_DATA_DIR", "/data")), args.keep_days)
            print(f"backup: {final}")
        elif args.command == "restore":
            result = restore(args.source, args.database, Path(args.data_dir))
            print(f"restore: {result['backup']} into database {result['database']} and {result['data_dir']} "
                  f"in {result['seconds']} s; next: PRETIX_DB_NAME={result['database']} python -m pretix migrate")
        else:
            for entry in sorted(Path(args.dest).glob("prichal-*"), reverse=True):
                print(entry)
    except BackupError as e:
        print(f"backup.py {args.command}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
