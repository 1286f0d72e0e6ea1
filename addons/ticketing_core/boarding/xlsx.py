"""The manifest as a spreadsheet (openpyxl, typed cells: times are times, counts are numbers) and as CSV."""
from io import BytesIO

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from ..exports import csv_response as _csv
from .categories import LABELS
from .documents import BIRTH_DATE, CITIZENSHIP, DOC_NUMBER, DOC_TYPE
from .manifest import Manifest


def render(m: Manifest) -> bytes:
    s = m.sailing
    wb = Workbook()
    ws = wb.active
    ws.title = _("Manifest")[:31]
    bold = Font(bold=True)
    local = s.start.astimezone(m.tz).replace(tzinfo=None)
    for k, v in ((_("Vessel"), f"{s.vessel.name} ({s.vessel.registration_number})"), (_("Route"), str(s.event.name)),
                 (_("Departure"), local), (_("Departure pier"), str(s.departure_pier.name)),
                 (_("Captain"), ""), (_("Capacity (certificate)"), m.certificate), (_("Sold"), m.sold),
                 (_("Paid"), m.paid), (_("Boarded"), m.boarded), (_("Children"), m.children),
                 (_("Wheelchair places"), m.wheelchair), (_("No-shows"), m.noshows if m.closed else None)):
        ws.append([k, v])
        ws.cell(ws.max_row, 1).font = bold
        if k == _("Departure"):
            ws.cell(ws.max_row, 2).number_format = "DD.MM.YYYY HH:MM"
    ws.append([])
    header = ["№", _("Passenger"), _("Category"), _("Product"), _("Seat"), _("Phone"), _("Ticket"), _("Boarded"),
              _("No-show")]
    if m.with_documents:
        header += [_("Document"), _("Document series and number"), _("Date of birth"), _("Citizenship")]
    ws.append(header)
    for c in ws[ws.max_row]:
        c.font = bold
    for r in m.rows:
        line = [r.number, r.name, str(LABELS[r.category]), r.product, r.seat, r.phone, r.ticket,
                r.boarded_at.astimezone(m.tz).replace(tzinfo=None) if r.boarded_at else None,
                _("yes") if r.noshow else ""]
        if m.with_documents:
            line += [r.documents.get(k, "") for k in (DOC_TYPE, DOC_NUMBER, BIRTH_DATE, CITIZENSHIP)]
        ws.append(line)
        if r.boarded_at:
            ws.cell(ws.max_row, 8).number_format = "HH:MM"
    for col, width in zip("ABCDEFGHIJKLM", (6, 30, 14, 24, 22, 18, 14, 10, 10, 18, 22, 14, 12), strict=False):
        ws.column_dimensions[col].width = width
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_response(m: Manifest):
    """The CSV of the old manifest (Russian Excel: ``;`` and BOM, through the suite's exports)."""
    s = m.sailing
    header = [_("Sailing"), _("Departure"), _("Passenger"), _("Ticket"), _("Order"), _("Seat"), _("Boarded")]
    departure = date_format(s.start.astimezone(m.tz), "SHORT_DATETIME_FORMAT")
    rows = ([str(s.date_obj.name), departure, r.name, r.product, r.ticket, r.seat,
             _("yes") if r.boarded_at else _("no")] for r in m.rows)
    return _csv(rows, header, f"manifest-{s.event.slug}-{s.pk}.csv")
