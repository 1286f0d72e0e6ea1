"""Expand/contract: migrations since the last release drop or rename nothing the previous release still uses
(tools/migration_compat.py)."""
import shutil

import pytest

from tools import migration_compat as compat

pytestmark = pytest.mark.skipif(shutil.which("git") is None or not (compat.ROOT / ".git").exists(),
                                reason="needs the git history")

EXPAND = '''
from django.db import migrations, models
class Migration(migrations.Migration):
    operations = [migrations.AddField("sailing", "note", models.TextField(default="")),
                  migrations.RunSQL("CREATE INDEX x ON t (a)", reverse_sql="DROP INDEX x")]
'''
CONTRACT = '''
from django.db import migrations
class Migration(migrations.Migration):
    operations = [migrations.RemoveField("sailing", "old_note"), migrations.RenameModel("Pier", "Quay"),
                  migrations.RunSQL(sql="ALTER TABLE t DROP COLUMN a")]
'''


def test_expanding_operations_pass_and_contracting_ones_are_found():
    assert compat.contracting_operations(EXPAND) == []
    assert compat.contracting_operations(CONTRACT) == ["RemoveField", "RenameModel", "RunSQL: DROP COLUMN"]


def test_a_contract_needs_a_published_release_that_stopped_using_it(tmp_path, monkeypatch):
    migration = compat.ROOT / "addons" / "ticketing_core" / "migrations" / "9999_drill_contract.py"
    monkeypatch.setattr(compat, "new_migrations", lambda base: [migration])
    monkeypatch.setattr(compat.Path, "read_text", lambda self, encoding=None: CONTRACT)
    assert len(compat.problems("HEAD")) == 1
    monkeypatch.setattr(compat.Path, "read_text",
                        lambda self, encoding=None: "# contract: no-such-release-tag\n" + CONTRACT)
    assert "names no published release" in compat.problems("HEAD")[0]
    monkeypatch.setattr(compat, "released", lambda tag, base: True)
    assert compat.problems("HEAD") == []


def test_migrations_since_the_last_release_are_backward_compatible():
    base = compat.baseline()
    assert compat.git("cat-file", "-e", base + "^{commit}").returncode == 0, f"baseline {base} is not a commit"
    assert compat.problems(base) == []
