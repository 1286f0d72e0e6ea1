"""deploy/release.sh with fake `docker`, `yc` and `curl` on PATH (tools/release_fakes/): the happy path, the
automatic rollback when the new release fails its smoke test, and a failed migration that rolls nothing."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FAKES = ROOT / "tools" / "release_fakes"
OLD, NEW = "cr.yandex/crp0/prichal:v1", "cr.yandex/crp0/prichal:v2"
WEB, WORKER = "prichal-staging-web", "prichal-staging-worker"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None or shutil.which("python3") is None,
                                reason="bash and python3 run the release script")


def release(tmp_path: Path, **env) -> tuple[subprocess.CompletedProcess, list[str]]:
    for group in (WEB, WORKER):
        (tmp_path / group).write_text(OLD + "\n")
    (tmp_path / "env").write_text("PRETIX_DB_PASSWORD=x\n")
    environ = {
        "PATH": f"{FAKES}:{os.environ['PATH']}", "FAKE_STATE": str(tmp_path), "FAKE_WEB_GROUP": WEB,
        "PRICHAL_ENV": "staging", "PRICHAL_REGISTRY": "cr.yandex/crp0", "PRICHAL_SITE_URL": "https://staging.example.ru",
        "PRICHAL_SMOKE_ORGANIZER": "neva", "PRICHAL_SMOKE_EMAIL": "smoke@example.ru",
        "PRICHAL_SMOKE_PASSWORD": "pw", "PRICHAL_MIGRATE_ENV_FILE": str(tmp_path / "env"),
        "PRICHAL_SMOKE_RETRIES": "2", "PRICHAL_SMOKE_DELAY": "0", **env,
    }
    result = subprocess.run(["bash", str(ROOT / "deploy" / "release.sh"), "v2"], env=environ, capture_output=True,
                            text=True, timeout=60)
    calls = (tmp_path / "calls.log").read_text().splitlines() if (tmp_path / "calls.log").exists() else []
    return result, calls


def image_of(tmp_path: Path, group: str) -> str:
    return (tmp_path / group).read_text().strip()


def test_release_builds_pushes_migrates_rolls_and_smoke_tests(tmp_path):
    result, calls = release(tmp_path)
    assert result.returncode == 0, result.stderr
    steps = [c.split()[1] for c in calls if c.startswith("docker")]
    assert steps == ["build", "push", "run"] and f"docker run --rm --env-file {tmp_path / 'env'} {NEW} migrate" in calls
    assert image_of(tmp_path, WEB) == image_of(tmp_path, WORKER) == NEW
    assert any("/healthcheck/" in c for c in calls) and any(c.endswith("/neva/") for c in calls)
    assert any("%{redirect_url}" in c and "csrfmiddlewaretoken=tok123" in c for c in calls)
    # migrations run before any group is rolled
    assert calls.index(next(c for c in calls if " migrate" in c)) < calls.index(
        next(c for c in calls if "add-metadata" in c))


def test_failed_smoke_test_rolls_both_groups_back_to_the_previous_image(tmp_path):
    result, calls = release(tmp_path, FAKE_BROKEN_IMAGE=NEW)
    assert result.returncode == 1
    assert f"rolling back to {OLD}" in result.stderr and f"rolled back to {OLD}" in result.stderr
    assert image_of(tmp_path, WEB) == image_of(tmp_path, WORKER) == OLD
    rolled = [c for c in calls if "add-metadata" in c]
    assert [c.rsplit("=", 1)[1] for c in rolled] == [NEW, NEW, OLD, OLD]


def test_failed_migration_stops_before_any_group_is_touched(tmp_path):
    result, calls = release(tmp_path, FAKE_FAIL_MIGRATE="1")
    assert result.returncode != 0
    assert not any("add-metadata" in c for c in calls)
    assert image_of(tmp_path, WEB) == OLD
