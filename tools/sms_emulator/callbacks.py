"""
Delivery-report callbacks, as SMS.ru sends them to the handler URLs of an account: a form-encoded ``POST``
with ``data[0]=sms_status\\n<sms_id>\\n<status_code>\\n<unix time>`` from a background thread, for every
status change after the message was queued. SMS.ru documents one rule for the handler: answer ``100`` to
every request; anything else (or no answer) is a failure and the report is sent again later. The real
service keeps trying for a long time; the emulator retries a few times quickly (``retry_delays``).
Deliveries are logged for the control API. The queue, retries, log and delivery faults are
``tools/emulator_kit/dispatch.py``.
"""
import time
from urllib.parse import urlencode

from tools.emulator_kit.dispatch import Dispatcher


def callback_body(entries: list[str]) -> bytes:
    """``data[0]=…&data[1]=…``: the shape PHP's ``$_POST["data"]`` and SMS.ru's examples read."""
    return urlencode([(f"data[{index}]", entry) for index, entry in enumerate(entries)]).encode("utf-8")


def status_entry(sms_id: str, status: int, at: float) -> str:
    return f"sms_status\n{sms_id}\n{status}\n{int(at)}"


class CallbackDispatcher(Dispatcher):
    noun = "callback"
    name = "sms-callback"
    content_type = "application/x-www-form-urlencoded"
    user_agent = "SMS.RU-Emulator/1.0"
    keep_answer = True
    log_size = 2000
    # self.urls: the handler URLs, shared with the store

    def enqueue(self, message: dict, status: int, at: float) -> None:
        """One status change of ``message``: a report to every handler URL (none: logged as ``no_url``)."""
        base = {"sms_id": message["sms_id"], "phone": message["phone"], "status": status, "state": "queued",
                "attempts": [], "queued_at": time.time(), "entries": [status_entry(message["sms_id"], status, at)]}
        for url in list(self.urls) or [None]:
            self.queue(dict(base, id=self.next_id(), url=url, attempts=[]), message["phone"], status)

    def body(self, entry: dict) -> bytes:
        return callback_body(entry["entries"])

    def accepted(self, status: int, answer: str) -> bool:
        # SMS.ru: "на любой запрос этот скрипт должен отвечать цифрой 100"
        return status == 200 and answer == "100"
