"""The 1CClientBankExchange reader: the bank's real layout, encodings, and a wrong line named by its number."""
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation

from ..bankimport.parser import StatementError, parse
from .statements import OUR_ACCOUNT, document, statement

SAMPLE = Path(__file__).resolve().parents[1] / "bankimport" / "samples" / "statement_demo.txt"


def test_the_demo_sample_is_cp1251_and_has_two_incoming_payments_and_one_outgoing():
    raw = SAMPLE.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    s = parse(raw)
    assert (s.version, s.encoding, s.accounts) == ("1.03", "cp1251", {OUR_ACCOUNT})
    assert len(s.documents) == 3
    incoming = s.incoming()
    assert [(d.number, d.amount, d.payer_inn) for d in incoming] == [
        ("412", Decimal("18000.00"), "7701234560"), ("77", Decimal("5400.00"), "7802123458")]
    assert incoming[0].payer_name == "ГБОУ ШКОЛА № 123"
    assert "SHKL7" in incoming[0].purpose
    assert incoming[0].received.isoformat() == "2026-12-05"


def test_utf8_is_read_when_the_header_says_so():
    raw = statement(document("5", "1500,50", "Заказ ABCDE"), encoding="utf-8", header_encoding="UTF-8")
    doc = parse(raw).incoming()[0]
    assert doc.amount == Decimal("1500.50") and doc.purpose == "Заказ ABCDE"


def test_outgoing_documents_are_not_incoming():
    s = parse(statement(document("1", "100.00", "x", incoming=False), document("2", "200.00", "y")))
    assert [d.number for d in s.incoming()] == ["2"]


def _replace(raw: bytes, old: str, new: str) -> bytes:
    return raw.decode("cp1251").replace(old, new, 1).encode("cp1251")


GOOD = statement(document("7", "900.00", "Заказ ABCDE"))


def _line_of(raw: bytes, start: str) -> int:
    """The 1-based number of the first line of ``raw`` starting with ``start`` (the last line for "")."""
    lines = raw.decode("cp1251").splitlines()
    if not start:
        return len(lines)
    return next(n for n, text in enumerate(lines, start=1) if text.startswith(start))


@pytest.mark.parametrize("raw, wrong, words", [
    (b"Date;Amount;Reference\r\n05.12.2026;100;ABCDE\r\n", "Date;", "1CClientBankExchange"),
    (b"%PDF-1.4\n", "%PDF", "1CClientBankExchange"),
    (_replace(GOOD, "Сумма=900.00", "Сумма=девятьсот"), "Сумма=", "Сумма"),
    (_replace(GOOD, "Сумма=900.00", "Сумма=-900.00"), "Сумма=", "Сумма"),
    (_replace(GOOD, "Сумма=900.00", "Сумма=0.00"), "Сумма=", "Сумма"),
    (_replace(GOOD, "Дата=05.12.2026", "Дата=2026-12-05"), "Дата=", "Дата"),
    (_replace(GOOD, "ПлательщикИНН=7701234560", "ПлательщикИНН=77012"), "ПлательщикИНН=", "ИНН"),
    (_replace(GOOD, "Номер=7\r\n", ""), "КонецДокумента", "Номер"),
    (_replace(GOOD, "КонецФайла", ""), "", "КонецФайла"),
    (_replace(GOOD, "КонецДокумента", "просто текст"), "просто", "Key=Value"),
    (_replace(GOOD, "ВерсияФормата=1.03", "ВерсияФормата=2.00"), "ВерсияФормата", "2.00"),
    (_replace(GOOD, "КонецДокумента", "КонецДокумента\r\nСекцияДокумент=Платежное поручение"), "КонецФайла",
     "not closed"),
])
def test_a_wrong_file_is_refused_naming_its_line(raw, wrong, words):
    line = _line_of(raw, wrong)
    with translation.override("en"):
        with pytest.raises(StatementError) as e:
            parse(raw)
        text = str(e.value)
    assert e.value.line == line, text
    assert words in text
    assert text.startswith(f"Line {line}:")
    with translation.override("ru"):
        with pytest.raises(StatementError) as e:
            parse(raw)
        text = str(e.value)
    assert text.startswith(f"Строка {line}:")  # the person reads it in her language


def test_an_empty_file_is_not_a_statement():
    with pytest.raises(StatementError) as e:
        parse(b"")
    assert "1CClientBankExchange" in str(e.value)


def test_text_that_is_not_in_the_named_encoding_is_refused_with_its_line():
    raw = statement(document("7", "900.00", "Заказ ABCDE"), encoding="utf-8", header_encoding="UTF-8")
    raw = raw.replace("Заказ ABCDE".encode(), "Заказ ABCDE".encode("cp1251"))
    with pytest.raises(StatementError) as e:
        parse(raw)
    lines = raw.decode("utf-8", "replace").splitlines()
    assert e.value.line == next(n for n, t in enumerate(lines, start=1) if t.startswith("НазначениеПлатежа"))
