"""
Child processes of ``make run`` (tools/devserver.py) end when their supervisor ends, however it ends.

The supervisor stops its children on Ctrl-C and SIGTERM, but a SIGKILL (or a crash, or a closed terminal
whose signal never reaches it) gives it no chance: the emulators kept listening on their ports and the next
``make run`` refused to start. So each child ties itself to its parent: on Linux the kernel sends it SIGTERM
when the parent dies (``prctl(PR_SET_PDEATHSIG)``); everywhere a daemon thread also notices that the parent
has changed (the orphan was adopted by init or a subreaper) and sends the same SIGTERM to itself.
"""
import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time

# Set by the supervisor for its children; a child started by hand (no variable) lives on its own.
SUPERVISED = "PRICHAL_SUPERVISED"
PR_SET_PDEATHSIG = 1


def _ask_the_kernel(sig: int) -> bool:
    """Linux: deliver ``sig`` to this process when its parent dies. False where that is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, sig, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent: int, sig: int, interval: float) -> None:
    while os.getppid() == parent:
        time.sleep(interval)
    os.kill(os.getpid(), sig)


def die_with_parent(sig: int = signal.SIGTERM, interval: float = 0.5, force: bool = False) -> bool:
    """
    End this process with ``sig`` once its parent is gone (when supervised, or with ``force``). True if bound.
    Call it early, before serving: if the parent is already gone, the signal comes at once.
    """
    if not force and os.environ.get(SUPERVISED) != "1":
        return False
    parent = os.getppid()
    _ask_the_kernel(sig)
    threading.Thread(target=_watch, args=(parent, sig, interval), name="lifeline", daemon=True).start()
    return True
