"""
SMS.ru's codes and texts (from https://sms.ru/api: send, status, cost, callback) and the checks the emulator
applies to numbers and sender names.
"""
import re

OK = 100
NOT_FOUND = -1

STATUS_TEXT = {
    -1: "Сообщение не найдено",
    100: "Сообщение находится в нашей очереди",
    101: "Сообщение передается оператору",
    102: "Сообщение отправлено (в пути)",
    103: "Сообщение доставлено",
    104: "Не может быть доставлено: время жизни истекло",
    105: "Не может быть доставлено: удалено оператором",
    106: "Не может быть доставлено: сбой в телефоне",
    107: "Не может быть доставлено: неизвестная причина",
    108: "Не может быть доставлено: отклонено",
    110: "Сообщение прочитано (для Viber, временно не работает)",
    150: "Не может быть доставлено: не найден маршрут на данный номер",
}
FINAL_STATUSES = frozenset({103, 104, 105, 106, 107, 108, 110, 150})
FAILURE_STATUSES = frozenset({104, 105, 106, 107, 108, 150})
HOLD_STATUSES = frozenset({100, 101, 102})  # an outcome that leaves a message there (for polling tests)

ERROR_TEXT = {
    200: "Неправильный api_id",
    201: "Не хватает средств на лицевом счету",
    202: "Неправильно указан номер телефона получателя, либо на него нет маршрута",
    203: "Нет текста сообщения",
    204: "Имя отправителя не согласовано с администрацией",
    205: "Сообщение слишком длинное (превышает 8 СМС)",
    206: "Будет превышен или уже превышен дневной лимит на отправку сообщений",
    207: "На этот номер (или один из номеров) нельзя отправлять сообщения, либо указано более 100 номеров "
         "в списке получателей",
    208: "Параметр time указан неправильно",
    209: "Вы добавили этот номер (или один из номеров) в стоп-лист",
    210: "Используется GET, где необходимо использовать POST",
    211: "Метод не найден",
    212: "Текст сообщения необходимо передать в кодировке UTF-8 (вы передали в другой кодировке)",
    220: "Сервис временно недоступен, попробуйте чуть позже",
    230: "Превышен общий лимит количества сообщений на этот номер в день",
    231: "Превышен лимит одинаковых сообщений на этот номер в минуту",
    232: "Превышен лимит одинаковых сообщений на этот номер в день",
    233: "Превышен лимит отправки повторных сообщений с кодом на этот номер за короткий промежуток времени",
    300: "Неправильный token (возможно истек срок действия, либо ваш IP изменился)",
    301: "Неправильный api_id, либо логин/пароль",
    302: "Пользователь авторизован, но аккаунт не подтвержден",
    500: "Ошибка на сервере. Повторите запрос.",
    901: "Callback: URL неверный (не начинается на http://)",
    902: "Callback: Обработчик не найден (возможно был удален ранее)",
}
RATE_LIMIT_CODES = frozenset({230, 231, 232, 233})

# Status labels for the inbox page, Russian / English.
STATUS_LABEL = {
    100: "В очереди / Queued", 101: "Передаётся оператору / Passing to the operator",
    102: "Отправлено / Sent", 103: "Доставлено / Delivered", 104: "Время жизни истекло / Expired",
    105: "Удалено оператором / Deleted by the operator", 106: "Сбой в телефоне / Phone failure",
    107: "Неизвестная причина / Unknown reason", 108: "Отклонено / Rejected", 110: "Прочитано / Read",
    150: "Нет маршрута / No route",
}

_SEPARATORS = re.compile(r"[\s()\-.]")


def parse_number(raw: str) -> tuple[str | None, int | None]:
    """
    (digits of the international number, None) or (None, error code), as SMS.ru reads a recipient: digits
    with or without "+" and separators; 8XXXXXXXXXX and XXXXXXXXXX (ten digits) are Russian numbers
    (client libraries send them so). Russian numbers outside the mobile range 79… cannot receive SMS: 207,
    as SMS.ru answers its own example landline 74993221627. Kazakhstan (76…, 77…) shares +7.
    """
    number = _SEPARATORS.sub("", raw or "")
    if number.startswith("+"):
        number = number[1:]
    if not number.isascii() or not number.isdigit():
        return None, 202
    if len(number) == 11 and number.startswith("8"):
        number = "7" + number[1:]
    elif len(number) == 10 and number[0] in "3489":
        number = "7" + number
    if number.startswith("7"):
        if len(number) != 11:
            return None, 202
        if number[1] in "348":
            return None, 207
        return number, None
    if not 10 <= len(number) <= 15 or number.startswith("0"):
        return None, 202
    return number, None


def is_russian_mobile(number: str) -> bool:
    return len(number) == 11 and number.startswith("79")


def format_number(number: str) -> str:
    """+7 916 123-45-67 for Russian numbers, +<digits> for the others."""
    if len(number) == 11 and number.startswith("7"):
        return f"+7 {number[1:4]} {number[4:7]}-{number[7:9]}-{number[9:]}"
    return "+" + number
