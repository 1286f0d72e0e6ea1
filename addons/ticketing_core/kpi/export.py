"""The dashboard as an XLSX workbook (openpyxl, pretix's own dependency): typed cells, one sheet per table."""
from io import BytesIO
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from . import funnel
from .dashboard import Dashboard, channel_labels, step_labels
from .figures import CHANNELS, PACE_DAYS

MONEY = '#,##0.00 "₽"'
PERCENT = '0.0"%"'


def _safe(value):
    """Text that a spreadsheet would read as a formula starts with an apostrophe (as ticketing_core.exports)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _sheet(wb, title: str, header: list[str], rows, formats: dict[int, str] | None = None):
    ws = wb.create_sheet(title[:31])
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([_safe(v) for v in row])
    for col, fmt in (formats or {}).items():
        for (cell,) in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell.number_format = fmt
    ws.freeze_panes = "A2"
    return ws


def workbook(board: Dashboard, tz: ZoneInfo) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    labels = channel_labels()
    _sheet(wb, _("Sailings"), [
        _("Departure"), _("Event"), _("Vessel"), _("Departure pier"), _("Cancelled"), _("Capacity"), _("Sold"),
        _("Paid"), _("Load factor %"), _("Revenue gross"), _("Refunds"), _("Refunds (count)"), _("Revenue net"),
        _("Revenue per seat"), _("No-shows"), *[labels[c] for c in CHANNELS]], (
        [r.start.astimezone(tz).replace(tzinfo=None), r.event_name, r.vessel, r.pier, r.canceled, r.capacity,
         r.sold, r.paid, r.load_factor, r.gross, r.refunds, r.refund_count, r.net, r.revenue_per_seat, r.no_shows,
         *[r.channels[c] for c in CHANNELS]] for r in board.rows),
        {1: "DD.MM.YYYY HH:MM", 9: PERCENT, 10: MONEY, 11: MONEY, 13: MONEY, 14: MONEY})
    steps = step_labels()
    _sheet(wb, _("Conversion funnel"), [_("Day"), *[steps[s] for s in funnel.STEPS], _("Abandoned carts"),
                                        _("Conversion %")],
           ([r["day"], *[r[s] for s in funnel.STEPS], r["abandoned"], r["conversion"]] for r in board.funnel_rows),
           {1: "DD.MM.YYYY", 8: PERCENT})
    header = [_("Route"), _("Year"), _("Week"), _("Sailings")]
    header += [_("Sold by day −{days}").format(days=d) for d in PACE_DAYS]
    header += [_("Previous season, day −{days}").format(days=d) for d in PACE_DAYS]
    _sheet(wb, _("Booking pace"), header, (
        [p.route, p.year, p.week, p.sailings, *[p.by_day[d] for d in PACE_DAYS],
         *[(p.previous or {}).get(d) for d in PACE_DAYS]] for p in board.pace))
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
