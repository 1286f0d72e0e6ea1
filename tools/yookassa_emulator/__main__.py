"""
Command line: ``python -m tools.yookassa_emulator --port 8010 [--state-file var/yookassa.json]
[--webhook-url URL] [--shop 123456:secret ...]`` (also works as ``python tools/yookassa_emulator``).

Environment: YOOKASSA_EMULATOR_SHOPS="123456:secret,654321:other", YOOKASSA_EMULATOR_WEBHOOK_URL and
YOOKASSA_EMULATOR_FAULTS ("a;b") add to the options. Without any shop the demo shop 100500:test_prichal_secret
is served. The options both emulators have are ``tools/emulator_kit/cli.py``.
"""
import sys
from pathlib import Path

if not __package__:  # run as a script: python tools/yookassa_emulator
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "tools.yookassa_emulator"  # noqa: A001

from tools.emulator_kit import cli  # noqa: E402
from tools.emulator_kit.cli import parse_fault  # noqa: E402
from tools.yookassa_emulator.server import DEFAULT_SHOPS, start_server  # noqa: E402


def parse_shops(values: list[str]) -> dict[str, str]:
    shops = {}
    for value in values:
        for item in value.replace(",", " ").split():
            shop_id, sep, secret = item.partition(":")
            if not sep or not shop_id or not secret:
                raise SystemExit(f"invalid shop {item!r}: expected SHOP_ID:SECRET_KEY")
            shops[shop_id] = secret
    return shops


def parse_webhooks(values: list[str], shops: dict[str, str]) -> dict[str, str]:
    """``URL`` (every shop) or ``SHOP_ID=URL`` (one shop)."""
    urls = {}
    for value in values:
        shop_id, sep, url = value.partition("=")
        if sep and shop_id.isdigit() and url.startswith(("http://", "https://")):
            urls[shop_id] = url
        else:
            urls.update({shop: value for shop in shops})
    return urls


def main(argv: list[str] | None = None) -> None:
    parser = cli.make_parser(
        "python -m tools.yookassa_emulator", "Local emulator of the YooKassa API v3", port=8010, noun="webhook",
        state_help="JSON file that keeps payments, refunds and receipts across restarts",
        fault_examples="'slow,delay=3,count=100' or 'error_500,path=/payments' or 'lose_webhook,count=5'",
        env_prefix="YOOKASSA_EMULATOR")
    parser.add_argument("--shop", action="append", default=[], metavar="SHOP_ID:SECRET",
                        help="a shop and its secret key; repeatable (default 100500:test_prichal_secret)")
    parser.add_argument("--webhook-url", action="append", default=[], metavar="[SHOP_ID=]URL",
                        help="where notifications go, for every shop or for one; repeatable")
    parser.add_argument("--public-url", help="base URL of confirmation pages (default http://HOST:PORT)")
    parser.add_argument("--require-receipt", action="store_true",
                        help="refuse payments without a 54-FZ receipt, as a shop with fiscalization does")
    parser.add_argument("--ffd-1-2", dest="measure_required", action="store_true",
                        help="FFD 1.2: receipt items must carry measure")
    args = parser.parse_args(argv)

    shops = parse_shops(cli.with_env(args.shop, "YOOKASSA_EMULATOR_SHOPS")) or dict(DEFAULT_SHOPS)
    webhook_urls = parse_webhooks(cli.with_env(args.webhook_url, "YOOKASSA_EMULATOR_WEBHOOK_URL"), shops)
    server, thread, base_url = start_server(
        args.port, args.host, shops=shops, webhook_url=webhook_urls, state_file=args.state_file,
        public_url=args.public_url, quiet=args.quiet, receipt_required=args.require_receipt,
        measure_required=args.measure_required, webhook_retry_delays=cli.parse_delays(args.webhook_retries))
    cli.serve(server, thread, args, f"YooKassa emulator: api_url={base_url}/v3 shops={','.join(shops)} "
                                    f"checkout={base_url}/checkout/<payment_id> control={base_url}/_emulator/state")


__all__ = ["main", "parse_fault", "parse_shops", "parse_webhooks"]

if __name__ == "__main__":
    main()
