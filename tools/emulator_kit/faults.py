"""
The fault registry the emulators extend: faults are added through the control API (``POST /_emulator/faults``),
``--fault`` or an environment variable; each hits the next ``count`` matching requests or events, then is gone.

Kinds every emulator has (each adds its own, see its ``faults.py``):

* request faults, narrowed by ``method`` and ``path`` (a prefix of the API path): ``slow`` (sleep ``delay``
  seconds, then answer normally; combines with the others), ``drop`` (close the connection without an answer;
  ``after: true``: after processing), ``timeout`` (keep the connection silent for ``delay`` seconds, then close
  it); the emulator's terminal kinds answer in place of the API (see ``EmulatorHandler.run_faulted``);
* delivery faults of its notifications (:mod:`.dispatch`): ``lose_<noun>`` (never sent), ``duplicate_<noun>``
  (sent twice), ``delay_<noun>`` (sent ``delay`` seconds late, so later ones overtake it).

A subclass of :class:`Faults` names its kinds (``kinds``, ``aliases``), its :class:`Fault` dataclass (extra
fields and narrowing) and reads its extra fields (:meth:`Faults.fields`, :meth:`Faults.check`).
"""
import itertools
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import ClassVar

REQUEST_KINDS = frozenset({"slow", "drop", "timeout"})
DEFAULT_DELAY = {"slow": 2.0, "timeout": 5.0}  # any other kind: 1 s


def delivery_kinds(noun: str) -> frozenset[str]:
    """The delivery faults of notifications called ``noun`` (``webhook``, ``callback``)."""
    return frozenset({f"lose_{noun}", f"duplicate_{noun}", f"delay_{noun}"})


def delivery_aliases(noun: str) -> dict[str, str]:
    return {"lose": f"lose_{noun}", "duplicate": f"duplicate_{noun}", "delay": f"delay_{noun}"}


def flag(value) -> bool:
    """``after`` and the like: true, "true", "1", "yes" (JSON or ``--fault``) are true."""
    return str(value).lower() in ("1", "true", "yes")


class FaultError(ValueError):
    pass


@dataclass
class Fault:
    request_kinds: ClassVar[frozenset[str]] = REQUEST_KINDS
    id: int
    kind: str
    remaining: int = 1
    delay: float = 0.0
    after: bool = False
    method: str | None = None
    path: str | None = None

    def matches_request(self, method: str, path: str) -> bool:
        return (self.kind in self.request_kinds
                and (self.method is None or self.method.upper() == method)
                and (self.path is None or path.startswith(self.path)))

    def matches(self, *context) -> bool:
        """Whether :meth:`Faults.take` may take this fault for ``context`` (an emulator's own narrowing)."""
        return True


class Faults:
    fault_class: ClassVar[type[Fault]] = Fault
    kinds: ClassVar[frozenset[str]] = REQUEST_KINDS
    aliases: ClassVar[dict[str, str]] = {}

    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._ids = itertools.count(1)

    def fields(self, kind: str, spec: dict) -> dict:
        """The emulator's own fields of a fault from ``spec`` (FaultError, ValueError or TypeError if invalid)."""
        return {}

    def check(self, fault: Fault) -> None:
        """Raises FaultError if the fault as built can't be (an emulator's own checks)."""

    def add(self, spec: dict) -> Fault:
        kind = self.aliases.get(str(spec.get("kind")), spec.get("kind"))
        if kind not in self.kinds:
            raise FaultError(f"unknown fault kind {spec.get('kind')!r}; known: {', '.join(sorted(self.kinds))}")
        try:
            fields = self.fields(kind, spec)
            fault = self.fault_class(
                id=next(self._ids), kind=kind, remaining=int(spec.get("count", 1)),
                delay=float(spec.get("delay", DEFAULT_DELAY.get(kind, 1.0))), after=flag(spec.get("after", False)),
                method=spec.get("method"), path=spec.get("path"), **fields,
            )
        except FaultError:
            raise
        except (TypeError, ValueError) as error:
            raise FaultError(f"invalid fault: {error}")
        if fault.remaining < 1:
            raise FaultError("count must be at least 1")
        self.check(fault)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def describe(self) -> list[dict]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def _consume(self, fault: Fault) -> Fault:
        fault.remaining -= 1
        if fault.remaining <= 0:
            self._faults.remove(fault)
        return fault

    def first(self, wanted: Callable[[Fault], bool]) -> Fault | None:
        """Takes (counts down) the first fault that is ``wanted``."""
        with self._lock:
            for fault in self._faults:
                if wanted(fault):
                    return self._consume(fault)
        return None

    def for_request(self, method: str, path: str, *context) -> list[Fault]:
        """The faults that hit this request: any number of ``slow`` ones and at most one terminal one."""
        hit = []
        with self._lock:
            terminal_taken = False
            for fault in list(self._faults):
                if not fault.matches_request(method, path, *context):
                    continue
                if fault.kind != "slow":
                    if terminal_taken:
                        continue
                    terminal_taken = True
                hit.append(self._consume(fault))
        return hit

    def take(self, kind: str, *context) -> Fault | None:
        """A fault of ``kind`` that applies to ``context`` (see :meth:`Fault.matches`), if any."""
        return self.first(lambda fault: fault.kind == kind and fault.matches(*context))
