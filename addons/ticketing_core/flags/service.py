"""Reading and switching flags; the only place that writes one, so every change is logged."""
from django.db import transaction

from . import store
from .registry import FLAGS

ACTION = "ticketing_core.flag.changed"


class UnknownFlag(KeyError):
    """A flag key that ``registry.FLAGS`` does not declare: a typo must fail loudly, never read as off."""


def enabled(key: str) -> bool:
    """Whether the switch ``key`` is on. Cheap: served from the process's copy (``store.TTL``)."""
    if key not in FLAGS:
        raise UnknownFlag(key)
    return store.snapshot()[key]


def switch(key: str, value: bool, user, reason: str = "") -> bool:
    """
    Set the flag ``key`` to ``value`` as ``user`` (an administrator); returns whether it changed. The change is
    a pretix log entry on the user who made it (the global settings are no model pretix can log on), with the
    flag, the new value and the reason, shown on the flags page and in the user's history.
    """
    if key not in FLAGS:
        raise UnknownFlag(key)
    value = bool(value)
    with transaction.atomic():
        if store.load()[key] == value:
            return False
        store.save(key, value)
        user.log_action(ACTION, user=user, data={"flag": key, "enabled": value, "reason": reason[:500]})
        # pretix's settings cache is refreshed when the outermost transaction commits; so is our copy
        transaction.on_commit(store.forget)
    store.forget()
    return True
