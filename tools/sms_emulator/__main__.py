"""
Command line: ``python -m tools.sms_emulator --port 8011 [--state-file var/sms.json] [--callback-url URL]
[--api-id ID[:BALANCE] ...] [--sender NAME ...] [--fault KIND,key=value ...]`` (also works as
``python tools/sms_emulator``).

Environment: SMS_EMULATOR_API_IDS="a,b:500", SMS_EMULATOR_CALLBACK_URL and SMS_EMULATOR_FAULTS ("a;b") add to
the options. Without any api_id the demo account prichal-demo-api-id (1000 ₽) is served. The options both
emulators have are ``tools/emulator_kit/cli.py``.
"""
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path

if not __package__:  # run as a script: python tools/sms_emulator
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "tools.sms_emulator"  # noqa: A001

from tools.emulator_kit import cli  # noqa: E402
from tools.emulator_kit.cli import parse_fault  # noqa: E402
from tools.sms_emulator.server import start_server  # noqa: E402
from tools.sms_emulator.store import DEFAULT_API_ID, DEFAULT_PRICE, DEFAULT_SENDERS, DEFAULT_STEP_SECONDS  # noqa: E402


def parse_api_ids(values: list[str], balance: Decimal) -> dict[str, Decimal]:
    """``ID`` or ``ID:BALANCE``, comma- or space-separated, repeatable."""
    api_ids = {}
    for value in values:
        for item in value.replace(",", " ").split():
            api_id, sep, amount = item.partition(":")
            if not api_id:
                raise SystemExit(f"invalid api_id {item!r}: expected ID or ID:BALANCE")
            try:
                api_ids[api_id] = Decimal(amount) if sep else balance
            except InvalidOperation:
                raise SystemExit(f"invalid balance in {item!r}")
    return api_ids


def main(argv: list[str] | None = None) -> None:
    parser = cli.make_parser(
        "python -m tools.sms_emulator", "Local emulator of the SMS.ru HTTP API", port=8011, noun="callback",
        state_help="JSON file that keeps messages and balances across restarts",
        fault_examples="'error,status_code=220,count=3' or 'slow,delay=3,count=100' or 'fail_delivery,status=104'",
        env_prefix="SMS_EMULATOR")
    parser.add_argument("--api-id", action="append", default=[], metavar="ID[:BALANCE]",
                        help=f"an account's api_id (and balance); repeatable (default {DEFAULT_API_ID})")
    parser.add_argument("--balance", default="1000.00", help="balance of accounts given without one (roubles)")
    parser.add_argument("--sender", action="append", default=[], metavar="NAME",
                        help=f"an approved sender name; repeatable (default {', '.join(DEFAULT_SENDERS)})")
    parser.add_argument("--price", default=str(DEFAULT_PRICE), help="roubles per SMS part (default %(default)s)")
    parser.add_argument("--step-seconds", type=float, default=DEFAULT_STEP_SECONDS,
                        help="seconds between statuses: 100 → 102 → 103 (default %(default)s)")
    parser.add_argument("--callback-url", action="append", default=[], metavar="URL",
                        help="a handler URL for delivery reports; repeatable")
    args = parser.parse_args(argv)

    try:
        balance = Decimal(args.balance)
    except InvalidOperation:
        raise SystemExit(f"invalid --balance {args.balance!r}")
    api_ids = parse_api_ids(cli.with_env(args.api_id, "SMS_EMULATOR_API_IDS"), balance) or {DEFAULT_API_ID: balance}
    callback_urls = cli.with_env(args.callback_url, "SMS_EMULATOR_CALLBACK_URL")
    server, thread, base_url = start_server(
        args.port, args.host, api_ids=api_ids, callback_url=callback_urls, state_file=args.state_file,
        quiet=args.quiet, senders=args.sender or DEFAULT_SENDERS, price=Decimal(args.price),
        step_seconds=args.step_seconds, callback_retry_delays=cli.parse_delays(args.callback_retries))
    cli.serve(server, thread, args, f"SMS.ru emulator: api={base_url} api_id={','.join(api_ids)} "
                                    f"inbox={base_url}/_emulator/inbox control={base_url}/_emulator/state")


__all__ = ["main", "parse_api_ids", "parse_fault"]

if __name__ == "__main__":
    main()
