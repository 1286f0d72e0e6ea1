"""
Command line: ``python -m tools.yookassa_emulator --port 8010 [--state-file var/yookassa.json]
[--webhook-url URL] [--shop 123456:secret ...]`` (also works as ``python tools/yookassa_emulator``).

Environment: YOOKASSA_EMULATOR_SHOPS="123456:secret,654321:other" and YOOKASSA_EMULATOR_WEBHOOK_URL add to
the options. Without any shop the demo shop 100500:test_prichal_secret is served.
"""
import argparse
import os
import signal
import sys
from pathlib import Path

if not __package__:  # run as a script: python tools/yookassa_emulator
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    __package__ = "tools.yookassa_emulator"  # noqa: A001

from tools.yookassa_emulator.server import DEFAULT_SHOPS, start_server, stop_server  # noqa: E402


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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tools.yookassa_emulator",
                                     description="Local emulator of the YooKassa API v3")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument("--shop", action="append", default=[], metavar="SHOP_ID:SECRET",
                        help="a shop and its secret key; repeatable (default 100500:test_prichal_secret)")
    parser.add_argument("--webhook-url", action="append", default=[], metavar="[SHOP_ID=]URL",
                        help="where notifications go, for every shop or for one; repeatable")
    parser.add_argument("--state-file", help="JSON file that keeps payments, refunds and receipts across restarts")
    parser.add_argument("--public-url", help="base URL of confirmation pages (default http://HOST:PORT)")
    parser.add_argument("--require-receipt", action="store_true",
                        help="refuse payments without a 54-FZ receipt, as a shop with fiscalization does")
    parser.add_argument("--ffd-1-2", dest="measure_required", action="store_true",
                        help="FFD 1.2: receipt items must carry measure")
    parser.add_argument("--webhook-retries", default="0.5,1,2,5",
                        help="seconds between webhook retries (default 0.5,1,2,5)")
    parser.add_argument("--fault", action="append", default=[], metavar="KIND[,key=value...]",
                        help="inject a fault from the start, e.g. 'slow,delay=3,count=100' or "
                             "'error_500,path=/payments' or 'lose_webhook,count=5'; repeatable "
                             "(also YOOKASSA_EMULATOR_FAULTS, separated by ';')")
    parser.add_argument("--quiet", action="store_true", help="don't log requests")
    args = parser.parse_args(argv)

    shops = parse_shops(args.shop + [os.environ.get("YOOKASSA_EMULATOR_SHOPS", "")]) or dict(DEFAULT_SHOPS)
    webhook_values = args.webhook_url + ([os.environ["YOOKASSA_EMULATOR_WEBHOOK_URL"]]
                                         if os.environ.get("YOOKASSA_EMULATOR_WEBHOOK_URL") else [])
    retries = tuple(float(x) for x in args.webhook_retries.split(",") if x.strip())
    server, thread, base_url = start_server(
        args.port, args.host, shops=shops, webhook_url=parse_webhooks(webhook_values, shops),
        state_file=args.state_file, public_url=args.public_url, quiet=args.quiet,
        receipt_required=args.require_receipt, measure_required=args.measure_required,
        webhook_retry_delays=retries)
    fault_specs = args.fault + [f for f in os.environ.get("YOOKASSA_EMULATOR_FAULTS", "").split(";") if f.strip()]
    for spec in fault_specs:
        try:
            server.emulator.faults.add(parse_fault(spec))
        except ValueError as error:
            stop_server(server)
            raise SystemExit(f"invalid --fault {spec!r}: {error}")
    print(f"YooKassa emulator: api_url={base_url}/v3 shops={','.join(shops)} "
          f"checkout={base_url}/checkout/<payment_id> control={base_url}/_emulator/state", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    try:
        thread.join()
    except KeyboardInterrupt:
        pass
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
