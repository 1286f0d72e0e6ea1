"""
The demo operator's customer accounts and personal data policy (run by ``ticketing_core.demo.load_demo``
through ``demo.LOADERS``).

Idempotent like the rest of the demo: a setting is written only when the organizer does not store it yet, so
what staff changed in the back office stays.
"""
from pretix.base.models import Organizer

from .privacy.policy import SETTING, current_version


def _t(ru: str, en: str, zh: str) -> dict:
    return {"ru": ru, "en": en, "zh-hans": zh}


POLICY = _t(
    "Оператор — ООО «Нева Круиз», Санкт-Петербург, Дворцовая наб., 2. Мы обрабатываем имя, адрес электронной "
    "почты, номер телефона и сведения о заказах, чтобы продавать билеты, пускать пассажиров на борт, возвращать "
    "деньги и сообщать об изменениях рейсов (152-ФЗ «О персональных данных»).\n\n"
    "Данные хранятся на серверах оператора в России и не передаются за рубеж. Платёжные данные карты "
    "обрабатывает ЮKassa, мы их не видим. Бухгалтерские документы по заказам хранятся столько, сколько требует "
    "закон (до 5 лет).\n\n"
    "Вы можете в личном кабинете скачать свои данные и удалить аккаунт, а также отозвать согласие письмом "
    "на privacy@nevacruise.example.",
    "The operator is Neva Cruise LLC, 2 Palace Embankment, St Petersburg. We process your name, e-mail address, "
    "phone number and order details to sell tickets, let passengers board, refund money and tell you about "
    "changes to sailings (Russian Federal Law 152-FZ on personal data).\n\n"
    "The data is stored on the operator's servers in Russia and is not transferred abroad. Card details are "
    "processed by YooKassa; we never see them. Accounting records of orders are kept as long as the law "
    "requires (up to 5 years).\n\n"
    "In your account you can download your data and delete the account; you can also withdraw your consent by "
    "writing to privacy@nevacruise.example.",
    "运营方为圣彼得堡宫殿滨河路2号“涅瓦游船”有限责任公司。我们处理您的姓名、电子邮箱、电话号码和订单信息，"
    "用于售票、登船、退款以及通知航班变更（依据俄罗斯联邦第152-FZ号《个人数据法》）。\n\n"
    "数据存储在运营方位于俄罗斯的服务器上，不会传输到境外。银行卡信息由 YooKassa 处理，我们无法看到。"
    "订单的会计记录按法律要求保存（最长5年）。\n\n"
    "您可以在个人账户中下载您的数据并删除账户，也可以发送邮件至 privacy@nevacruise.example 撤回同意。",
)

# organizer settings of the demo shop: accounts with e-mail and password, tickets (PDF and QR) on the order page
SETTINGS = {
    "customer_accounts": True,
    "customer_accounts_native": True,
    "customer_accounts_link_by_email": True,
    "ticket_download": True,
    "ticketoutput_pdf__enabled": True,
}


def load_accounts_demo(organizer: Organizer, tally=None) -> None:
    s = organizer.settings
    stored = set(s._objects.filter(key__in=[*SETTINGS, SETTING]).values_list("key", flat=True))
    for key, value in SETTINGS.items():
        if key not in stored:
            s.set(key, value)
    if SETTING not in stored:
        s.set(SETTING, POLICY)
        if tally is not None:
            tally.add("privacy policy")
    current_version(organizer)
