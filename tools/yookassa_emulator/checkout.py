"""The payer's confirmation page (what confirmation_url points at): self-contained HTML, Russian with English."""
from decimal import Decimal
from html import escape

from .store import CANCELLATION_PARTIES

DECLINE_REASONS = [
    ("card_expired", "Истёк срок действия карты / Card expired"),
    ("insufficient_funds", "Недостаточно средств / Insufficient funds"),
    ("general_decline", "Отказ банка / Declined by the bank"),
    ("3d_secure_failed", "Не пройден 3-D Secure / 3-D Secure failed"),
    ("fraud_suspected", "Подозрение на мошенничество / Fraud suspected"),
    ("expired_on_confirmation", "Покупатель не оплатил вовремя / Not paid in time"),
]
METHODS = [
    ("bank_card", "Банковская карта / Bank card (5555 55** **** 4477)"),
    ("sbp", "СБП / Faster Payments System"),
    ("yoo_money", "ЮMoney / YooMoney wallet"),
]
STATUS_TEXT = {
    "pending": "Ожидает оплаты / Waiting for payment",
    "waiting_for_capture": "Оплачен, ожидает подтверждения магазином / Paid, waiting for capture by the shop",
    "succeeded": "Оплачен / Paid",
    "canceled": "Отменён / Canceled",
}

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f2f3f5;margin:0;color:#1a1a1a}
main{max-width:480px;margin:48px auto;background:#fff;border-radius:16px;padding:32px;
box-shadow:0 4px 24px rgba(0,0,0,.08)}
.badge{display:inline-block;background:#fff4d6;color:#7a5a00;border-radius:6px;padding:2px 8px;font-size:13px}
h1{font-size:22px;margin:16px 0 4px}.amount{font-size:34px;font-weight:700;margin:8px 0 16px}
.muted{color:#6b6f76;font-size:14px}label{display:block;margin:16px 0 6px;font-size:14px}
select{width:100%;padding:10px;border-radius:8px;border:1px solid #c9ccd1;font-size:15px}
.buttons{display:flex;gap:12px;margin-top:24px}
button{flex:1;padding:14px;border:0;border-radius:10px;font-size:16px;cursor:pointer}
.pay{background:#7b61ff;color:#fff}.decline{background:#eceef1;color:#1a1a1a}
code{font-size:12px;word-break:break-all}a{color:#5b3fe0}
"""


def rub(value: str) -> str:
    amount = Decimal(value)
    whole, _, cents = f"{amount:,.2f}".partition(".")
    return whole.replace(",", "\u202f") + "," + cents + "\u00a0₽"


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="ru"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{escape(title)}</title>'
            f"<style>{STYLE}</style></head><body><main>{body}</main></body></html>")


def checkout_page(payment: dict) -> str:
    obj = payment["object"]
    status = obj["status"]
    amount = rub(obj["amount"]["value"])
    description = escape(obj.get("description") or "")
    header = (f'<span class="badge">Тестовый платёж · эмулятор ЮKassa / test payment · YooKassa emulator</span>'
              f'<h1>Магазин {escape(payment["shop_id"])} / Shop {escape(payment["shop_id"])}</h1>'
              f'<p class="muted">{description}</p><div class="amount">{amount}</div>')
    if status != "pending":
        return_url = (obj.get("confirmation") or {}).get("return_url") or payment.get("return_url")
        back = (f'<p><a href="{escape(return_url)}">Вернуться в магазин / Back to the shop</a></p>'
                if return_url else "")
        return _page("ЮKassa", header + f"<p><b>{escape(STATUS_TEXT.get(status, status))}</b></p>{back}"
                     f'<p class="muted">Платёж / payment <code>{escape(obj["id"])}</code></p>')
    chosen = (obj.get("payment_method") or {}).get("type") or "bank_card"
    methods = "".join(f'<option value="{v}"{" selected" if v == chosen else ""}>{escape(t)}</option>'
                      for v, t in METHODS)
    if chosen not in dict(METHODS):
        methods = f'<option value="{escape(chosen)}" selected>{escape(chosen)}</option>' + methods
    reasons = "".join(f'<option value="{v}">{escape(t)} — {CANCELLATION_PARTIES.get(v, "")}</option>'
                      for v, t in DECLINE_REASONS)
    form = (f'<form method="post" action="/checkout/{escape(obj["id"])}">'
            f'<label for="method">Способ оплаты / Payment method</label>'
            f'<select id="method" name="method">{methods}</select>'
            f'<label for="reason">Причина отказа (для «Отказаться») / Decline reason (for "Decline")</label>'
            f'<select id="reason" name="reason">{reasons}</select>'
            f'<div class="buttons"><button class="pay" name="action" value="pay" type="submit">'
            f'Оплатить · Pay</button><button class="decline" name="action" value="decline" type="submit">'
            f"Отказаться · Decline</button></div></form>"
            f'<p class="muted">Платёж / payment <code>{escape(obj["id"])}</code></p>')
    return _page(f"Оплата {amount}", header + form)


def result_page(payment: dict) -> str:
    return checkout_page(payment)


def not_found_page(payment_id: str) -> str:
    return _page("ЮKassa", f"<h1>Платёж не найден / Payment not found</h1><p><code>{escape(payment_id)}</code></p>")


def index_page(snapshot: dict, base_url: str) -> str:
    rows = "".join(
        f'<li><a href="{escape(base_url)}/checkout/{escape(p["id"])}"><code>{escape(p["id"])}</code></a> '
        f'{escape(p["status"])} · {rub(p["amount"]["value"])} · {escape(p.get("description") or "")}</li>'
        for p in reversed(snapshot["payments"][-50:]))
    shops = ", ".join(escape(s) for s in snapshot["shops"])
    return _page("YooKassa emulator", (
        f"<h1>Эмулятор ЮKassa / YooKassa emulator</h1><p>API: <code>{escape(base_url)}/v3</code><br>"
        f"Магазины / shops: {shops}<br>Control API: <code>{escape(base_url)}/_emulator/state</code></p>"
        f"<ul>{rows or '<li>Платежей нет / no payments yet</li>'}</ul>"))
