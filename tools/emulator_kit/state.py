"""The emulators' state file: JSON, rewritten whole after every change and replaced atomically."""
import json
import os
from pathlib import Path


def read_state(path: Path | None) -> dict | None:
    """The saved state, or None when there is no state file (yet)."""
    if not path or not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8") or "{}")


def write_state(path: Path, data: dict) -> None:
    """Writes ``data`` beside ``path`` and renames it into place, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


class StateFile:
    """
    A store that keeps itself in ``state_file`` (None: in memory only), read and written under its ``lock``:
    :meth:`dump_state` says what to write, :meth:`restore_state` takes it back after a restart.
    """

    state_file: Path | None

    def dump_state(self) -> dict:
        raise NotImplementedError

    def restore_state(self, data: dict) -> None:
        raise NotImplementedError

    def load(self) -> None:
        data = read_state(self.state_file)
        if data is not None:
            with self.lock:
                self.restore_state(data)

    def save(self) -> None:
        if self.state_file:
            with self.lock:
                write_state(self.state_file, self.dump_state())
