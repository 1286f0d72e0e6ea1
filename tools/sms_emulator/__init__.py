"""
A local emulator of SMS.ru's HTTP API (https://sms.ru/api) for development and tests.

    from tools.sms_emulator import start_server, stop_server
    server, thread, base_url = start_server(port=0)   # clients use base_url instead of https://sms.ru
    ...
    stop_server(server)

Command line: ``python -m tools.sms_emulator --port 8011``; see README.md in this directory.
"""
from .server import Emulator, EmulatorHTTPServer, start_server, stop_server
from .store import DEFAULT_API_ID

__all__ = ["DEFAULT_API_ID", "Emulator", "EmulatorHTTPServer", "start_server", "stop_server"]
