"""
What the local emulators of outside services (``tools/yookassa_emulator``, ``tools/sms_emulator``) share, so each
of them holds only its own API's semantics. Standard library only (``testing`` also needs pytest and requests).

* :mod:`.server`: the threading HTTP server that owns an emulator, the request handler base (bodies, JSON/HTML
  answers, request log, request faults, the loopback-only control API under ``/_emulator/``), start/stop helpers;
* :mod:`.faults`: the fault registry (add, take, clear, describe; ``count``, ``method``/``path`` narrowing) and
  the kinds every emulator knows (``slow``, ``drop``, ``timeout``, lose/duplicate/delay of notifications);
* :mod:`.dispatch`: background delivery of notifications with retries, a delivery log and the delivery faults;
* :mod:`.state`: the JSON state file, written atomically;
* :mod:`.cli`: the command-line pieces (``--host``, ``--port``, ``--state-file``, ``--fault``, ``--quiet``,
  environment variables, serving until Ctrl-C or SIGTERM);
* :mod:`.testing`: helpers for the emulators' test suites (control-API client, notification receiver, CLI runs).
"""
