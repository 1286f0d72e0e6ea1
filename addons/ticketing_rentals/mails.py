"""
The order e-mails of a charter event name the charter's time: pretix's default texts speak only of the event,
whose pretix date is not the charter's. A new offer's event gets texts with ticketing_core's ``{departure}``
placeholder (staff may edit them in pretix's e-mail settings like any other text; an edited text is kept).
"""
from i18nfield.strings import LazyI18nString

from pretix.base.models import Event, Event_SettingsStore

PLACED = {
    "ru": "Здравствуйте!\n\nМы получили ваш заказ {code} на сумму {total_with_currency}.\n"
          "Аренда «{event}»: {departure}.\n\nПожалуйста, оплатите заказ до {expire_date}.\n\n{payment_info}\n\n"
          "Статус заказа и его данные: {url}\n\nС уважением,\nкоманда «{event}»",
    "en": "Hello,\n\nwe have received your order {code} with a total of {total_with_currency}.\n"
          "Charter \"{event}\": {departure}.\n\nPlease complete your payment before {expire_date}.\n\n"
          "{payment_info}\n\n"
          "Your order's status and details: {url}\n\nBest regards,\nthe \"{event}\" team",
    "zh-hans": "您好！\n\n我们已收到您的订单 {code}，总额 {total_with_currency}。\n"
               "租船“{event}”：{departure}。\n\n请在 {expire_date} 之前完成付款。\n\n{payment_info}\n\n"
               "订单状态与详情：{url}\n\n此致\n“{event}”团队",
}
PAID = {
    "ru": "Здравствуйте!\n\nМы получили оплату заказа {code}. Спасибо!\n"
          "Аренда «{event}»: {departure}.\n\n{payment_info}\n\nСтатус заказа и его данные: {url}\n\n"
          "С уважением,\nкоманда «{event}»",
    "en": "Hello,\n\nwe have received your payment for order {code}. Thank you!\n"
          "Charter \"{event}\": {departure}.\n\n{payment_info}\n\nYour order's status and details: {url}\n\n"
          "Best regards,\nthe \"{event}\" team",
    "zh-hans": "您好！\n\n我们已收到订单 {code} 的付款，谢谢！\n租船“{event}”：{departure}。\n\n{payment_info}\n\n"
               "订单状态与详情：{url}\n\n此致\n“{event}”团队",
}
TEXTS = {"mail_text_order_placed": PLACED, "mail_text_order_paid": PAID}


def apply_charter_mail_texts(event: Event) -> None:
    """Set the charter texts where the event still uses pretix's defaults (never overwrite staff's text)."""
    for key, text in TEXTS.items():
        if not Event_SettingsStore.objects.filter(object=event, key=key).exists():
            event.settings.set(key, LazyI18nString(text))
