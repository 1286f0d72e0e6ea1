"""
Feature flags: global kill switches an administrator turns on and off at runtime, read in code through one
helper::

    from ticketing_core import flags
    if flags.enabled("yookassa_checkout"): ...

The flags are declared in ``registry.py``, stored in pretix's global settings (``store.py`` says why not
django-waffle) and switched on *Administration → Feature flags* (``views.py``), every change logged with
pretix's log (``ticketing_core.flag.changed``). Per-event rollout is pretix's plugin activation, not a flag.
"""
from .registry import FLAGS, Flag
from .service import UnknownFlag, enabled, switch

__all__ = ["FLAGS", "Flag", "UnknownFlag", "enabled", "switch"]
