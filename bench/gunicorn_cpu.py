"""
gunicorn server hooks for ``bench/checkout.py``: the CPU time each request cost its worker, one line per request.

The bench's ``/proc`` figure is the CPU of a whole round; this names the steps it went to over HTTP (cold shared
pages on a fresh date included, which the warm in-process figures do not show). A sync worker handles one request
at a time, so the worker's process CPU between ``pre_request`` and ``post_request`` is that request's. The file
is ``PRICHAL_BENCH_CPU_LOG`` from the environment; each line (``method path?query status ms``) is appended with
one ``write`` (O_APPEND), so the workers' lines never mix.
"""
import os
import time

_LOG = os.environ.get("PRICHAL_BENCH_CPU_LOG", "")
_started = [0.0]


def pre_request(worker, req):
    _started[0] = time.process_time()


def post_request(worker, req, environ, resp):
    if not _LOG:
        return
    ms = (time.process_time() - _started[0]) * 1000
    status = str(getattr(resp, "status", "") or "").split(" ", 1)[0]
    line = f"{req.method} {req.path}?{req.query or ''} {status} {ms:.2f}\n"
    fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8", "replace"))
    finally:
        os.close(fd)
