"""
The messages Prichal sends, with their default texts in Russian, English and Chinese.

Texts are stored per event in pretix's settings store (``ticketing_notify_<kind>_<part>``) as
multilingual strings, so staff edit them like pretix's own e-mail texts; these are the defaults.
SMS texts are written to fit one or two segments with typical values (70 Cyrillic characters a
segment, 67 when split), which the editor's counter shows.
"""
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

EMAIL, SMS = "email", "sms"
CHANNELS = ((EMAIL, _("E-mail")), (SMS, _("SMS")))


@dataclass(frozen=True)
class Kind:
    key: str
    label: object
    channels: tuple[str, ...]
    # Transactional e-mails go out whatever the customer chose; SMS always needs their opt-in.
    transactional: bool
    placeholders: tuple[str, ...]
    subject: dict = field(default_factory=dict)
    body: dict = field(default_factory=dict)
    sms: dict = field(default_factory=dict)
    attach_tickets: bool = False
    # pretix sends this e-mail itself (its "order paid" mail, the event cancellation mail), with the text
    # editable in pretix's e-mail settings; ours is used only when staff send it again.
    pretix_email: bool = False
    # Placeholders filled with what a customer typed: the e-mail is then sent as literal text (never Markdown or
    # HTML), so those words cannot become links or images in a message from the operator (notifications/literal.py).
    customer_text: tuple[str, ...] = ()
    # Channels switched off unless staff switch them on for an event (a message another one already carries).
    off_by_default: tuple[str, ...] = ()


COMMON = ("code", "event", "organizer", "url")
SAILING = ("date", "pier", "boarding")

KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind(
        "order_confirmed", _("Order confirmation"), (EMAIL, SMS), True, COMMON + SAILING + ("total",),
        subject={"ru": "Ваши билеты: заказ {code}", "en": "Your tickets: order {code}",
                 "zh-hans": "您的船票：订单 {code}"},
        body={
            "ru": "Здравствуйте!\n\nВаш заказ {code} на «{event}» подтверждён. Билеты во вложении и по ссылке:\n"
                  "{url}\n\nОтправление: {date}, {pier}.\n{boarding}\n\nДо встречи на борту!\n{organizer}",
            "en": "Hello,\n\nyour order {code} for \"{event}\" is confirmed. Your tickets are attached and here:\n"
                  "{url}\n\nDeparture: {date}, {pier}.\n{boarding}\n\nSee you on board!\n{organizer}",
            "zh-hans": "您好！\n\n您的订单 {code}（{event}）已确认。船票见附件，也可通过以下链接查看：\n{url}\n\n"
                       "出发：{date}，{pier}。\n{boarding}\n\n船上见！\n{organizer}",
        },
        sms={"ru": "Заказ {code} оплачен. Билеты: {url}", "en": "Order {code} confirmed. Tickets: {url}",
             "zh-hans": "订单{code}已确认。船票：{url}"},
        attach_tickets=True, pretix_email=True,
    ),
    Kind(
        "payment_receipt", _("Payment receipt"), (EMAIL,), True, COMMON + ("amount", "method", "receipt"),
        subject={"ru": "Оплата заказа {code} получена", "en": "Payment for order {code} received",
                 "zh-hans": "已收到订单 {code} 的付款"},
        body={
            "ru": "Здравствуйте!\n\nМы получили оплату {amount} за заказ {code} ({method}).\n{receipt}\n\n"
                  "Заказ: {url}\n\n{organizer}",
            "en": "Hello,\n\nwe have received your payment of {amount} for order {code} ({method}).\n{receipt}\n\n"
                  "Your order: {url}\n\n{organizer}",
            "zh-hans": "您好！\n\n我们已收到订单 {code} 的付款 {amount}（{method}）。\n{receipt}\n\n"
                       "订单：{url}\n\n{organizer}",
        },
        # One purchase, one confirmation: pretix's own "payment received" e-mail (with the tickets) already
        # confirms the payment, and YooKassa sends the 54-FZ receipt itself; staff may switch this one on.
        off_by_default=(EMAIL,),
    ),
    Kind(
        "refund_confirmed", _("Refund confirmation"), (EMAIL, SMS), True, COMMON + ("amount",),
        subject={"ru": "Возврат по заказу {code}", "en": "Refund for order {code}", "zh-hans": "订单 {code} 退款"},
        body={
            "ru": "Здравствуйте!\n\nМы вернули {amount} по заказу {code} тем же способом, которым вы платили. "
                  "Банку может понадобиться несколько дней, чтобы зачислить деньги.\n\nЗаказ: {url}\n\n{organizer}",
            "en": "Hello,\n\nwe have refunded {amount} for order {code} to the method you paid with. Your bank may "
                  "take a few days to credit it.\n\nYour order: {url}\n\n{organizer}",
            "zh-hans": "您好！\n\n我们已将订单 {code} 的 {amount} 退回到您的原付款方式。银行入账可能需要几天时间。\n\n"
                       "订单：{url}\n\n{organizer}",
        },
        sms={"ru": "Возврат {amount} по заказу {code} отправлен.", "en": "Refund of {amount} for order {code} sent.",
             "zh-hans": "订单{code}已退款{amount}。"},
    ),
    Kind(
        "reminder", _("Reminder before departure"), (EMAIL, SMS), False, COMMON + SAILING + ("hours",),
        subject={"ru": "Скоро отправление: {event}, {date}", "en": "Departing soon: {event}, {date}",
                 "zh-hans": "即将出发：{event}，{date}"},
        body={
            "ru": "Здравствуйте!\n\nНапоминаем: «{event}» отправляется {date} от причала {pier}.\n{boarding}\n\n"
                  "Ваши билеты: {url}\n\n{organizer}",
            "en": "Hello,\n\na reminder: \"{event}\" departs {date} from {pier}.\n{boarding}\n\n"
                  "Your tickets: {url}\n\n{organizer}",
            "zh-hans": "您好！\n\n提醒您：“{event}”将于 {date} 从 {pier} 出发。\n{boarding}\n\n"
                       "您的船票：{url}\n\n{organizer}",
        },
        sms={"ru": "{date} отправление от {pier}. Билеты: {url}", "en": "Departure {date}, {pier}. Tickets: {url}",
             "zh-hans": "{date}从{pier}出发。船票：{url}"},
    ),
    Kind(
        "sailing_canceled", _("Sailing cancelled by the operator"), (EMAIL, SMS), True,
        COMMON + SAILING + ("reason", "amount"),
        subject={"ru": "Рейс отменён: {event}, {date}", "en": "Sailing cancelled: {event}, {date}",
                 "zh-hans": "航次已取消：{event}，{date}"},
        body={
            "ru": "Здравствуйте!\n\nК сожалению, рейс «{event}» {date} отменён: {reason}.\nМы вернём {amount} "
                  "полностью тем же способом, которым вы платили.\n\nЗаказ: {url}\n\nПриносим извинения.\n{organizer}",
            "en": "Hello,\n\nunfortunately the sailing \"{event}\" on {date} has been cancelled: {reason}.\nWe refund "
                  "{amount} in full to the method you paid with.\n\nYour order: {url}\n\nWe apologise.\n{organizer}",
            "zh-hans": "您好！\n\n很抱歉，{date} 的“{event}”航次已取消：{reason}。\n"
                       "我们将把 {amount} 全额退回到您的原付款方式。\n\n订单：{url}\n\n深表歉意。\n{organizer}",
        },
        sms={"ru": "Рейс {date} отменён: {reason}. Возврат полный. {url}",
             "en": "Sailing {date} cancelled: {reason}. Full refund. {url}",
             "zh-hans": "{date}航次取消：{reason}。全额退款。{url}"},
        pretix_email=True,
    ),
    Kind(
        "rental_canceled", _("Rental cancelled by the operator"), (EMAIL, SMS), True, COMMON + ("date", "reason",
                                                                                              "amount"),
        subject={"ru": "Аренда отменена: заказ {code}", "en": "Charter cancelled: order {code}",
                 "zh-hans": "包船已取消：订单 {code}"},
        body={
            "ru": "Здравствуйте!\n\nК сожалению, аренда по заказу {code} на {date} отменена: {reason}.\nМы вернём "
                  "{amount} полностью.\n\nЗаказ: {url}\n\n{organizer}",
            "en": "Hello,\n\nunfortunately your charter (order {code}) on {date} has been cancelled: {reason}.\n"
                  "We refund {amount} in full.\n\nYour order: {url}\n\n{organizer}",
            "zh-hans": "您好！\n\n很抱歉，您在 {date} 的包船（订单 {code}）已取消：{reason}。\n"
                       "我们将全额退还 {amount}。\n\n订单：{url}\n\n{organizer}",
        },
        sms={"ru": "Аренда {date} отменена, возврат полный. {url}", "en": "Charter {date} cancelled, "
            "full refund. {url}",
             "zh-hans": "{date}包船取消，全额退款。{url}"},
    ),
    Kind(
        "case_reply", _("Reply to a support case"), (EMAIL, SMS), True, ("case", "subject", "reply", "url",
                                                                         "organizer"),
        subject={"ru": "Обращение {case}: {subject}", "en": "Your request {case}: {subject}",
                 "zh-hans": "您的咨询 {case}：{subject}"},
        body={
            "ru": "Здравствуйте!\n\n{reply}\n\nОбращение и переписка: {url}\n\n{organizer}",
            "en": "Hello,\n\n{reply}\n\nYour request and our conversation: {url}\n\n{organizer}",
            "zh-hans": "您好！\n\n{reply}\n\n咨询及对话记录：{url}\n\n{organizer}",
        },
        sms={"ru": "Ответ на обращение {case}: {url}", "en": "Reply to your request {case}: {url}",
             "zh-hans": "您的咨询{case}已回复：{url}"},
        customer_text=("subject",),
    ),
)}

PLACEHOLDER_HELP = {
    "code": _("Order code"),
    "event": _("Event name"),
    "organizer": _("Operator's name"),
    "url": _("Link to the order and its tickets"),
    "date": _("Departure (local time at the pier)"),
    "pier": _("Departure pier"),
    "boarding": _("Boarding instructions of the pier"),
    "total": _("Order total"),
    "amount": _("Amount paid or refunded"),
    "method": _("Payment method"),
    "receipt": _("Fiscal receipt data (54-FZ), when available"),
    "hours": _("Hours until departure"),
    "reason": _("Reason given by the operator"),
    "case": _("Case number"),
    "subject": _("Case subject"),
    "reply": _("Text of the reply"),
}


def is_enabled(settings, kind: Kind, channel: str) -> bool:
    """The event's switch for ``kind`` on ``channel`` (the kind's default when staff never set it)."""
    return bool(settings.get(setting_key(kind.key, f"enabled_{channel}"), as_type=bool,
                             default=channel not in kind.off_by_default))


def setting_key(kind: str, part: str) -> str:
    """``part`` is "subject", "body" or "sms"; also the switch "enabled_<channel>"."""
    return f"ticketing_notify_{kind}_{part}"
