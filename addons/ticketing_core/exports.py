"""
Spreadsheet exports every addon shares: a CSV download that a spreadsheet program opens correctly for the person
who asked, and never runs one of its cells as a formula.

* **Formulas neutralised** (CSV injection): a text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
  carriage return gets a leading apostrophe, so customer-typed text such as ``=HYPERLINK(…)`` stays text.
* **Russian users** (the active language is Russian) get what Excel and LibreOffice expect under a Russian
  locale: ``;`` between cells and a decimal comma in numbers (``1500,50``); everyone else ``,`` and ``1500.50``.
* **UTF-8 with a BOM**, so Cyrillic text is read as UTF-8 by spreadsheet programs.
"""
import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import get_language

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell value that no spreadsheet evaluates: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def uses_decimal_comma(language: str | None = None) -> bool:
    """Whether the person reads numbers with a decimal comma and cells split by ``;`` (Russian)."""
    return (language or get_language() or "").lower().startswith("ru")


def _cell(value, comma: bool):
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | float) and comma:
        return str(value).replace(".", ",")
    return safe_cell(value)


def csv_text(rows: Iterable[Sequence], header: Sequence, language: str | None = None) -> str:
    """The CSV text of ``header`` and ``rows`` for the active (or the given) language, formulas neutralised."""
    comma = uses_decimal_comma(language)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if comma else ",")
    writer.writerow([_cell(c, comma) for c in header])
    for row in rows:
        writer.writerow([_cell(c, comma) for c in row])
    return buf.getvalue()


def csv_response(rows: Iterable[Sequence], header: Sequence, filename: str) -> HttpResponse:
    """A CSV download (``attachment``) of ``header`` and ``rows``; see the module's notes."""
    response = HttpResponse(csv_text(rows, header).encode("utf-8-sig"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
