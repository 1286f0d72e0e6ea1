"""
The inbox: every SMS the emulator "sent", per phone number, so that a person walking through the demo can read
what a customer would have received. Self-contained HTML (no external assets), Russian with English.
"""
from datetime import UTC, datetime, timedelta, timezone
from html import escape
from urllib.parse import quote

from .codes import FAILURE_STATUSES, STATUS_LABEL, format_number

MSK = timezone(timedelta(hours=3), "МСК")

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#eef1f4;margin:0;color:#1a1a1a}
main{max-width:760px;margin:32px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}.muted{color:#6b6f76;font-size:13px}
.phone{background:#fff;border-radius:14px;padding:16px 20px;margin:16px 0;box-shadow:0 2px 12px rgba(0,0,0,.06)}
.phone h2{font-size:17px;margin:0 0 10px}.phone h2 a{color:inherit;text-decoration:none}
.sms{border-top:1px solid #eceef1;padding:10px 0}
.bubble{background:#e9f2ff;border-radius:12px 12px 12px 2px;padding:10px 12px;white-space:pre-wrap;
word-wrap:break-word;font-size:15px;max-width:560px}
.meta{font-size:12px;color:#6b6f76;margin-top:4px}
.badge{display:inline-block;border-radius:6px;padding:1px 7px;font-size:12px;background:#eceef1}
.ok{background:#dff5e3;color:#17602a}.bad{background:#fde2e1;color:#8a1c17}.test{background:#fff4d6;color:#7a5a00}
code{font-size:12px}a{color:#3b5bdb}
"""


def _page(title: str, body: str, refresh: int | None = None) -> str:
    meta = f'<meta http-equiv="refresh" content="{refresh}">' if refresh else ""
    return (f'<!doctype html><html lang="ru"><head><meta charset="utf-8">{meta}'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body><main>{body}</main></body></html>")


def _time(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).astimezone(MSK).strftime("%d.%m %H:%M:%S МСК")


def _badge(message: dict) -> str:
    if message["test"]:
        return '<span class="badge test">Тест, не отправлено / Test, not sent</span>'
    status = message["status"]
    css = "ok" if status in (103, 110) else "bad" if status in FAILURE_STATUSES else ""
    label = STATUS_LABEL.get(status, str(status))
    return f'<span class="badge {css}">{escape(label)} · {status}</span>'


def inbox_page(messages: list[dict], phone_filter: str | None = None) -> str:
    by_phone: dict[str, list[dict]] = {}
    for message in sorted(messages, key=lambda m: m["created_at"], reverse=True):
        by_phone.setdefault(message["phone"], []).append(message)
    blocks = []
    for number, items in by_phone.items():
        rows = "".join(
            f'<div class="sms"><div class="bubble">{escape(m["text"])}</div>'
            f'<div class="meta">{escape(_time(m["created_at"]))} · от / from <b>{escape(m["sender"] or "—")}</b> · '
            f'{_badge(m)} · {m["segments"]} SMS ({escape(m["encoding"])}, {m["units"]}) · {escape(m["cost"])} ₽ · '
            f'<code>{escape(m["sms_id"])}</code></div></div>'
            for m in items)
        blocks.append(f'<section class="phone"><h2><a href="/_emulator/inbox?phone={quote(number)}">'
                      f"{escape(format_number(number))}</a> "
                      f'<span class="muted">{len(items)} SMS</span></h2>{rows}</section>')
    heading = ("<h1>Входящие SMS / SMS inbox</h1>"
               '<p class="muted">Эмулятор SMS.ru: сообщения никуда не уходят, их можно прочитать здесь. '
               "Страница обновляется сама. / SMS.ru emulator: nothing leaves this machine; read the messages "
               "here. The page refreshes itself.")
    if phone_filter:
        heading += ' · <a href="/_emulator/inbox">все номера / all numbers</a>'
    heading += "</p>"
    empty = '<p class="phone">Сообщений нет / No messages yet</p>'
    return _page("SMS inbox", heading + ("".join(blocks) or empty), refresh=5)


def index_page(snapshot: dict, base_url: str) -> str:
    accounts = ", ".join(f"{escape(k)}: {escape(v['balance'])} ₽" for k, v in snapshot["accounts"].items())
    senders = ", ".join(escape(s) for s in snapshot["settings"]["senders"])
    return _page("SMS.ru emulator", (
        f"<h1>Эмулятор SMS.ru / SMS.ru emulator</h1><p>API: <code>{escape(base_url)}/sms/send</code><br>"
        f"Счета / accounts: {accounts}<br>Отправители / senders: {senders}<br>"
        f'<a href="/_emulator/inbox">Входящие SMS / inbox</a> · '
        f'<a href="/_emulator/state">Control API state</a></p>'))
