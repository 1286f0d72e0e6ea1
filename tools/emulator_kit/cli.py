"""
Command-line pieces of the emulators: the options every one has (``--host``, ``--port``, ``--<noun>-retries``,
``--state-file``, ``--fault``, ``--quiet``), values that environment variables add to, and serving in the
foreground until Ctrl-C or SIGTERM.
"""
import argparse
import os
import signal

from tools.lifeline import die_with_parent

from .server import stop_server


def make_parser(prog: str, description: str, *, port: int, noun: str, state_help: str, fault_examples: str,
                env_prefix: str) -> argparse.ArgumentParser:
    """
    A parser with the options every emulator has; the emulator adds its own. ``noun``: what it delivers
    (``--<noun>-retries``); ``env_prefix``: its environment variables' (``<env_prefix>_FAULTS`` adds faults).
    """
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument(f"--{noun}-retries", default="0.5,1,2,5",
                        help=f"seconds between {noun} retries (default %(default)s)")
    parser.add_argument("--state-file", help=state_help)
    parser.add_argument("--fault", action="append", default=[], metavar="KIND[,key=value...]",
                        help=f"inject a fault from the start, e.g. {fault_examples}; repeatable "
                             f"(also {env_prefix}_FAULTS, separated by ';')")
    parser.add_argument("--quiet", action="store_true", help="don't log requests")
    parser.set_defaults(faults_env=f"{env_prefix}_FAULTS")
    return parser


def with_env(values: list[str], name: str, sep: str | None = None) -> list[str]:
    """``values`` and then the environment variable ``name`` (split at ``sep``), leaving out empty ones."""
    value = os.environ.get(name, "")
    return values + [v for v in ([value] if sep is None else value.split(sep)) if v.strip()]


def parse_delays(value: str) -> tuple[float, ...]:
    """``0.5,1,2,5`` → seconds between retries."""
    return tuple(float(x) for x in value.split(",") if x.strip())


def parse_fault(spec: str) -> dict:
    """``kind,key=value,...`` → the control API's fault object (``after=true`` → True)."""
    kind, *pairs = [part.strip() for part in spec.split(",") if part.strip()]
    fault: dict = {"kind": kind}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise ValueError(f"expected key=value, got {pair!r}")
        fault[key] = {"true": True, "false": False}.get(value.lower(), value)
    return fault


def serve(server, thread, args: argparse.Namespace, banner: str) -> None:
    """
    Adds the faults of ``--fault`` and ``<env_prefix>_FAULTS``, prints the banner and serves until Ctrl-C or
    SIGTERM, then stops the server.
    """
    for spec in with_env(args.fault, args.faults_env, ";"):
        try:
            server.emulator.faults.add(parse_fault(spec))
        except ValueError as error:
            stop_server(server)
            raise SystemExit(f"invalid --fault {spec!r}: {error}")
    print(banner, flush=True)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    # under `make run`: stop with the supervisor even when it is killed outright (tools/lifeline.py)
    die_with_parent()
    try:
        thread.join()
    except KeyboardInterrupt:
        pass
    finally:
        stop_server(server)
