"""
A reader of the bank statement a Russian bank exports for 1C: the **1CClientBankExchange** text format
(version 1.03; 1C's public description "Формат обмена данными между системой 1С:Предприятие и системой
Клиент банка", v8.1c.ru/edi/edi_stnd/100/101.htm).

The file is a list of ``Key=Value`` lines: a header (``1CClientBankExchange`` on the first line, then
``ВерсияФормата``, ``Кодировка``, ``ДатаНачала``, ``РасчСчет``…), one ``СекцияРасчСчет``…``КонецРасчСчет``
block of balances per account, one ``СекцияДокумент=<kind>``…``КонецДокумента`` block per payment document,
and ``КонецФайла``. The text is windows-1251 (``Кодировка=Windows``), rarely cp866 (``DOS``); some banks write
UTF-8 and say so (``Кодировка=UTF-8``), which is accepted too.

Nothing here touches the database: the reader either returns every document or raises :class:`StatementError`
with the number of the offending line, so a malformed file changes nothing.
"""
import datetime as dt
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

MAGIC = "1CClientBankExchange"
SECTION_ACCOUNT, END_ACCOUNT = "СекцияРасчСчет", "КонецРасчСчет"
SECTION_DOCUMENT, END_DOCUMENT = "СекцияДокумент", "КонецДокумента"
END_FILE = "КонецФайла"
MAX_LINES = 200_000
MAX_DOCUMENTS = 20_000
AMOUNT = re.compile(r"^\d{1,13}([.,]\d{1,2})?$")


class StatementError(ValueError):
    """The file is not a usable 1CClientBankExchange statement; ``line`` is 1-based (0: the file as a whole)."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message)
        self.message, self.line = message, line

    def __str__(self) -> str:
        if self.line:
            return _("Line {line}: {message}").format(line=self.line, message=self.message)
        return self.message


@dataclass
class PaymentDocument:
    """One ``СекцияДокумент`` block; ``fields`` keeps every key as the bank wrote it."""

    kind: str
    line: int
    fields: dict = field(default_factory=dict)
    number: str = ""
    date: dt.date | None = None
    amount: Decimal = Decimal("0.00")
    received: dt.date | None = None
    written_off: dt.date | None = None

    @property
    def payer_inn(self) -> str:
        return self.fields.get("ПлательщикИНН", "").strip()

    @property
    def payer_name(self) -> str:
        """``Плательщик1`` is the name alone; ``Плательщик`` may start with "ИНН … " before it."""
        name = self.fields.get("Плательщик1") or self.fields.get("Плательщик", "")
        return re.sub(r"^ИНН\s*\d+\s*", "", name).strip()

    @property
    def payer_account(self) -> str:
        return (self.fields.get("ПлательщикСчет") or self.fields.get("ПлательщикРасчСчет", "")).strip()

    @property
    def recipient_account(self) -> str:
        return (self.fields.get("ПолучательСчет") or self.fields.get("ПолучательРасчСчет", "")).strip()

    @property
    def purpose(self) -> str:
        return self.fields.get("НазначениеПлатежа", "").strip()


@dataclass
class Statement:
    version: str
    encoding: str
    accounts: set = field(default_factory=set)
    date_from: date | None = None
    date_to: date | None = None
    documents: list = field(default_factory=list)

    def incoming(self) -> list[PaymentDocument]:
        """Documents paid *to* one of the statement's own accounts (money received)."""
        return [d for d in self.documents if d.recipient_account in self.accounts
                and d.recipient_account != d.payer_account]


def decode(raw: bytes) -> tuple[str, str]:
    """The statement's text and the encoding used: UTF-8 when the file says so, cp866 for DOS, else cp1251."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw, encoding = raw[3:], "utf-8"
    elif any(re.search(rb"^\s*" + "Кодировка".encode(enc) + rb"\s*=\s*utf-?8", raw[:4096], re.I | re.M)
             for enc in ("utf-8", "cp1251")):
        encoding = "utf-8"
    elif re.search(rb"^\s*" + "Кодировка".encode("cp866") + rb"\s*=\s*DOS", raw[:4096], re.I | re.M):
        encoding = "cp866"
    else:
        encoding = "cp1251"
    try:
        return raw.decode(encoding), encoding
    except UnicodeDecodeError as e:
        line = raw[:e.start].count(b"\n") + 1
        raise StatementError(_("The text is not in the encoding the file names ({encoding}).").format(
            encoding=encoding), line) from None


def parse_date(value: str, line: int, key: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return datetime.strptime(value, "%d.%m.%Y").date()
    except ValueError:
        raise StatementError(_("{field} must be a date like 31.12.2026, not \"{value}\".").format(
            field=key, value=value[:40]), line) from None


def parse_amount(value: str, line: int) -> Decimal:
    value = value.strip().replace(" ", "")
    if not AMOUNT.match(value):
        raise StatementError(_("Сумма must be an amount in roubles like 1500.00, not \"{value}\".").format(
            value=value[:40]), line)
    try:
        amount = Decimal(value.replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise StatementError(_("Сумма is not a number."), line) from None
    if amount <= 0:
        raise StatementError(_("Сумма must be more than zero."), line)
    return amount


def _finish(doc: PaymentDocument, lines: dict, end_line: int) -> PaymentDocument:
    for key in ("Номер", "Дата", "Сумма"):
        if not doc.fields.get(key, "").strip():
            raise StatementError(_("The document that starts on line {start} has no {field}.").format(
                start=doc.line, field=key), end_line)
    doc.number = doc.fields["Номер"].strip()[:40]
    doc.date = parse_date(doc.fields["Дата"], lines["Дата"], "Дата")
    doc.amount = parse_amount(doc.fields["Сумма"], lines["Сумма"])
    for key, attr in (("ДатаПоступило", "received"), ("ДатаСписано", "written_off")):
        if key in doc.fields:
            setattr(doc, attr, parse_date(doc.fields[key], lines[key], key))
    inn = doc.payer_inn
    if inn and inn != "0" and not (inn.isdigit() and len(inn) in (10, 12)):
        raise StatementError(_("ПлательщикИНН must be 10 or 12 digits, not \"{value}\".").format(value=inn[:40]),
                             lines["ПлательщикИНН"])
    return doc


def parse(raw: bytes) -> Statement:
    """Read a whole statement; raises :class:`StatementError` naming the first wrong line."""
    text, encoding = decode(raw)
    lines = text.splitlines()
    if len(lines) > MAX_LINES:
        raise StatementError(_("The file has more than {n} lines.").format(n=MAX_LINES))
    if not lines or lines[0].strip() != MAGIC:
        raise StatementError(_("This is not a 1CClientBankExchange statement: the first line must be "
                               "\"1CClientBankExchange\". Export the statement from the bank for 1C."), 1)
    statement = Statement(version="", encoding=encoding)
    doc: PaymentDocument | None = None
    doc_lines: dict = {}
    in_account = False
    ended = False
    for number, line in enumerate(lines[1:], start=2):
        line = line.strip()
        if not line:
            continue
        if ended:
            raise StatementError(_("There is text after КонецФайла."), number)
        key, sep, value = line.partition("=")
        key = key.strip()
        if key == END_FILE:
            if doc is not None or in_account:
                raise StatementError(_("The file ends inside a section that was not closed."), number)
            ended = True
        elif key == SECTION_DOCUMENT:
            if doc is not None or in_account:
                raise StatementError(_("A document starts before the previous section was closed."), number)
            if len(statement.documents) >= MAX_DOCUMENTS:
                raise StatementError(_("The file has more than {n} documents.").format(n=MAX_DOCUMENTS), number)
            doc, doc_lines = PaymentDocument(kind=value.strip(), line=number), {}
        elif key == END_DOCUMENT:
            if doc is None:
                raise StatementError(_("КонецДокумента without a СекцияДокумент before it."), number)
            statement.documents.append(_finish(doc, doc_lines, number))
            doc = None
        elif key == SECTION_ACCOUNT:
            if doc is not None or in_account:
                raise StatementError(_("An account section starts before the previous section was closed."),
                                     number)
            in_account = True
        elif key == END_ACCOUNT:
            if not in_account:
                raise StatementError(_("КонецРасчСчет without a СекцияРасчСчет before it."), number)
            in_account = False
        elif not sep or not key:
            raise StatementError(_("Expected a line like Key=Value, found \"{text}\".").format(text=line[:60]),
                                 number)
        elif doc is not None:
            doc.fields[key] = value
            doc_lines[key] = number
        else:
            _header(statement, key, value, number, in_account)
    if doc is not None or in_account:
        raise StatementError(_("The file ends inside a section that was not closed."), len(lines))
    if not ended:
        raise StatementError(_("The file has no КонецФайла line: it is incomplete."), len(lines))
    if not statement.version:
        raise StatementError(_("The header has no ВерсияФормата."), 1)
    return statement


def _header(statement: Statement, key: str, value: str, number: int, in_account: bool) -> None:
    value = value.strip()
    if key == "ВерсияФормата":
        if not re.match(r"^1\.0\d$", value):
            raise StatementError(_("Format version {version} is not supported (1.01–1.03 are).").format(
                version=value[:20]), number)
        statement.version = value
    elif key == "РасчСчет":
        if not (value.isdigit() and len(value) == 20):
            raise StatementError(_("РасчСчет must be an account of 20 digits, not \"{value}\".").format(
                value=value[:40]), number)
        statement.accounts.add(value)
    elif key in ("ДатаНачала", "ДатаКонца") and not in_account:
        day = parse_date(value, number, key)
        if key == "ДатаНачала":
            statement.date_from = day
        else:
            statement.date_to = day
