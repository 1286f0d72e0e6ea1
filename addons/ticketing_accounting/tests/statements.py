"""Bank statements for the tests, written the way a bank writes them (1CClientBankExchange, cp1251, CRLF)."""
from datetime import date
from decimal import Decimal

OUR_ACCOUNT = "40702810900000012345"
SCHOOL_INN = "7701234560"


def document(number: str, amount: Decimal | str, purpose: str, day: date = date(2026, 12, 5),
             inn: str = SCHOOL_INN, payer: str = "ГБОУ ШКОЛА № 123", incoming: bool = True) -> list[str]:
    payer_account, recipient = ("40601810200003000001", OUR_ACCOUNT) if incoming else (
        OUR_ACCOUNT, "30232810000000000001")
    return [
        "СекцияДокумент=Платежное поручение", f"Номер={number}", f"Дата={day:%d.%m.%Y}", f"Сумма={amount}",
        f"ПлательщикСчет={payer_account}", f"Плательщик=ИНН {inn} {payer}", f"ПлательщикИНН={inn}",
        f"Плательщик1={payer}", f"ПолучательСчет={recipient}", f"ДатаПоступило={day:%d.%m.%Y}",
        "Получатель1=ООО \"НЕВА КРУИЗ\"", f"НазначениеПлатежа={purpose}", "КонецДокумента",
    ]


def statement(*documents: list[str], encoding: str = "cp1251", header_encoding: str = "Windows") -> bytes:
    lines = ["1CClientBankExchange", "ВерсияФормата=1.03", f"Кодировка={header_encoding}",
             "Отправитель=Бухгалтерия предприятия", "ДатаНачала=01.12.2026", "ДатаКонца=07.12.2026",
             f"РасчСчет={OUR_ACCOUNT}", "СекцияРасчСчет", "ДатаНачала=01.12.2026", f"РасчСчет={OUR_ACCOUNT}",
             "НачальныйОстаток=0.00", "КонецРасчСчет"]
    for doc in documents:
        lines += doc
    lines.append("КонецФайла")
    return ("\r\n".join(lines) + "\r\n").encode(encoding)
