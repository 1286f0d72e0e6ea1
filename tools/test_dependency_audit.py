"""The pinned requirements are checked against the stored advisory snapshot on every `make test`."""
import datetime
import json

import pytest

from tools.security import advisories


@pytest.fixture(scope="module")
def snapshot():
    return json.loads(advisories.SNAPSHOT.read_text())


def test_every_pin_of_requirements_is_free_of_known_advisories(snapshot):
    pins = advisories.read_pins()
    assert set(pins) <= set(snapshot["packages_checked"]), "refresh tools/security/advisories.json"
    assert advisories.audit(pins, snapshot) == []


def test_a_pin_inside_an_advisory_range_is_reported(snapshot):
    findings = advisories.audit({"django": "4.2.0"}, snapshot)
    assert findings and all(f.package == "django" for f in findings)
    assert any(f.fixed_in for f in findings)


def test_a_pin_listed_only_by_version_is_reported():
    snap = {"packages": {"demo": [{"id": "X-1", "versions": ["1.0"], "ranges": []}]}}
    assert [f.advisory for f in advisories.audit({"demo": "1.0"}, snap)] == ["X-1"]
    assert advisories.audit({"demo": "1.1"}, snap) == []


def test_fixed_bound_is_exclusive_and_last_affected_inclusive():
    snap = {"packages": {"demo": [
        {"id": "A", "ranges": [[{"introduced": "0"}, {"fixed": "2.0"}]]},
        {"id": "B", "ranges": [[{"introduced": "3.0"}, {"last_affected": "3.1"}]]},
    ]}}
    assert [f.advisory for f in advisories.audit({"demo": "1.9"}, snap)] == ["A"]
    assert advisories.audit({"demo": "2.0"}, snap) == []
    assert [f.advisory for f in advisories.audit({"demo": "3.1"}, snap)] == ["B"]
    assert advisories.audit({"demo": "3.2"}, snap) == []


def test_affected_pin_fails_the_command(tmp_path, snapshot):
    req = tmp_path / "requirements.txt"
    req.write_text("Django==4.2.0\n")
    assert advisories.main(["--requirements", str(req)]) == 1


def test_unpinned_requirement_is_refused(tmp_path):
    req = tmp_path / "requirements.txt"
    req.write_text("django>=4\n")
    with pytest.raises(ValueError, match="not pinned"):
        advisories.read_pins(req)


def test_old_snapshot_warns_loudly_but_does_not_fail(tmp_path, capsys, snapshot):
    old = dict(snapshot, database_date="2000-01-01")
    path = tmp_path / "advisories.json"
    path.write_text(json.dumps(old))
    assert advisories.main(["--snapshot", str(path)]) == 0
    assert "WARNING: the advisory snapshot is" in capsys.readouterr().err
    assert advisories.snapshot_age_days(old, datetime.date(2000, 2, 16)) == 46
