"""
A register as a download: XLSX with typed cells (dates as dates, money as numbers with two decimals) and CSV
through ``ticketing_core.exports`` (UTF-8 with BOM, ``;`` and a decimal comma for Russian users). Row 1 holds the
column titles and the data starts on row 2, as 1C's "Загрузка данных из табличного документа" expects; the XLSX
keeps the totals on a second sheet so the data sheet loads without them.
"""
import io
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ticketing_core.exports import csv_response

from .registers import COUNT, DATE, DATETIME, MONEY, Register

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {DATE: "DD.MM.YYYY", DATETIME: "DD.MM.YYYY HH:MM", MONEY: "0.00", COUNT: "0"}


def _text(value, kind: str):
    if value is None:
        return ""
    if kind == DATE and isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if kind == DATETIME and isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if kind == MONEY and isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    return value


def csv_export(register: Register, rows: list[dict], filename: str) -> HttpResponse:
    header = [str(c.label) for c in register.columns]
    return csv_response(([_text(r[c.key], c.type) for c in register.columns] for r in rows), header, filename)


def workbook(register: Register, rows: list[dict], totals: dict, period: str) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = str(register.title)[:31]
    bold = Font(bold=True)
    for col, c in enumerate(register.columns, start=1):
        cell = ws.cell(row=1, column=col, value=str(c.label))
        cell.font = bold
        ws.column_dimensions[get_column_letter(col)].width = {DATETIME: 17, DATE: 12, MONEY: 13}.get(c.type, 22)
    for r, row in enumerate(rows, start=2):
        for col, c in enumerate(register.columns, start=1):
            value = row[c.key]
            if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
                value = "'" + value  # text from people never becomes a formula
            if c.type == MONEY and value is not None:
                value = Decimal(value).quantize(Decimal("0.01"))
            cell = ws.cell(row=r, column=col, value=value)
            if c.type in FORMATS and value is not None:
                cell.number_format = FORMATS[c.type]
    ws.freeze_panes = "A2"
    summary = wb.create_sheet("Итого")
    summary.cell(row=1, column=1, value=str(register.title)).font = bold
    summary.cell(row=2, column=1, value=period)
    line = 4
    for c in register.columns:
        if c.key in totals:
            summary.cell(row=line, column=1, value=str(c.label))
            cell = summary.cell(row=line, column=2, value=totals[c.key])
            cell.number_format = FORMATS[c.type]
            line += 1
    summary.column_dimensions["A"].width = 32
    summary.column_dimensions["B"].width = 16
    return wb


def xlsx_export(register: Register, rows: list[dict], totals: dict, period: str, filename: str) -> HttpResponse:
    buf = io.BytesIO()
    workbook(register, rows, totals, period).save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
