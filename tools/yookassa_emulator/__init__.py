"""
A local emulator of the YooKassa API v3 (the merchant API behind ЮMoney / ЮKassa) for development and tests.

    from tools.yookassa_emulator import start_server, stop_server
    server, thread, base_url = start_server(port=0)   # the SDK's api_url is base_url + "/v3"
    ...
    stop_server(server)

Command line: ``python -m tools.yookassa_emulator --port 8010``; see README.md in this directory.
"""
from .server import DEFAULT_SHOPS, Emulator, EmulatorHTTPServer, start_server, stop_server

__all__ = ["DEFAULT_SHOPS", "Emulator", "EmulatorHTTPServer", "start_server", "stop_server"]
