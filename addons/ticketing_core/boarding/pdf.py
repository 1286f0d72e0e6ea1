"""
The manifest as the PDF a captain signs: A4 landscape, the sailing's head and figures, one row per passenger,
"page N of M" on every page and the captain's signature line at the end. The font is the one the suite offers
through pretix's ``register_fonts`` (LXGW WenKai: Cyrillic, Latin and Chinese, TrueType outlines reportlab embeds).
"""
from io import BytesIO

from django.contrib.staticfiles import finders
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ..documents.fonts import FILES
from .categories import LABELS
from .documents import BIRTH_DATE, CITIZENSHIP, DOC_NUMBER, DOC_TYPE
from .manifest import Manifest

REGULAR, BOLD = "PrichalManifest", "PrichalManifest-Bold"


def _fonts() -> tuple[str, str]:
    """The suite's PDF font; Helvetica (Latin only) where the Debian package is missing."""
    if REGULAR in pdfmetrics.getRegisteredFontNames():
        return REGULAR, BOLD
    regular, bold = finders.find(FILES["regular"]), finders.find(FILES["bold"])
    if not (regular and bold):
        return "Helvetica", "Helvetica-Bold"
    pdfmetrics.registerFont(TTFont(REGULAR, regular))
    pdfmetrics.registerFont(TTFont(BOLD, bold))
    return REGULAR, BOLD


class _NumberedCanvas(rl_canvas.Canvas):
    """Draws "page N of M" once the number of pages is known (reportlab's two-pass canvas recipe)."""

    font = "Helvetica"
    label = "%(page)s / %(pages)s"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages = []

    def showPage(self):  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(self.font, 8)
            self.drawRightString(self._pagesize[0] - 12 * mm, 8 * mm,
                                 self.label % {"page": self._pageNumber, "pages": total})
            super().showPage()
        super().save()


def render(m: Manifest) -> bytes:
    regular, bold = _fonts()
    s = m.sailing
    base = ParagraphStyle("base", fontName=regular, fontSize=8.5, leading=10.5)
    head = ParagraphStyle("head", parent=base, fontName=bold, fontSize=15, leading=19)
    buf = BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                            topMargin=12 * mm, bottomMargin=14 * mm, title=_("Passenger manifest"),
                            author=str(s.event.organizer.name))
    local = s.start.astimezone(m.tz)

    def p(text, style=base):
        return Paragraph(str(text).replace("&", "&amp;").replace("<", "&lt;"), style)

    story = [p(_("Ship's passenger manifest"), head), Spacer(1, 2 * mm)]
    facts = [
        (_("Vessel"), f"{s.vessel.name} ({s.vessel.registration_number})"),
        (_("Route"), str(s.event.name)),
        (_("Departure"), f"{date_format(local, 'DATETIME_FORMAT')}, {s.departure_pier.name}"),
        (_("Arrival pier"), str(s.arrival_pier.name)),
        (_("Boarding closes"), date_format(m.closes_at.astimezone(m.tz), "TIME_FORMAT")),
        (_("Captain"), "______________________________"),
    ]
    figures = [
        (_("Capacity (certificate)"), m.certificate), (_("Sold"), m.sold), (_("Paid"), m.paid),
        (_("Boarded"), m.boarded), (_("Children"), m.children), (_("Wheelchair places"), m.wheelchair),
        (_("No-shows"), m.noshows if m.closed else "—"),
    ]
    left = Table([[p(k, ParagraphStyle("k", parent=base, fontName=bold)), p(v)] for k, v in facts], hAlign="LEFT",
                 colWidths=[38 * mm, 100 * mm])
    right = Table([[p(k, ParagraphStyle("k2", parent=base, fontName=bold)), p(v)] for k, v in figures], hAlign="LEFT",
                  colWidths=[45 * mm, 25 * mm])
    for t in (left, right):
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    head_table = Table([[left, right]], colWidths=[145 * mm, 100 * mm], hAlign="LEFT")
    head_table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    story += [head_table, Spacer(1, 4 * mm)]

    header = ["№", _("Passenger"), _("Category"), _("Seat"), _("Phone"), _("Boarded")]
    widths = [10, 62, 45, 40, 38, 28]
    if m.with_documents:
        header += [_("Document"), _("Date of birth"), _("Citizenship")]
        widths = [9, 50, 34, 30, 30, 22, 52, 24, 22]
    rows = [[p(h, ParagraphStyle("h", parent=base, fontName=bold)) for h in header]]
    for r in m.rows:
        boarded = date_format(r.boarded_at.astimezone(m.tz), "H:i") if r.boarded_at else (
            _("no-show") if r.noshow else "")
        line = [r.number, r.name, f"{LABELS[r.category]}: {r.product}", r.seat, r.phone, boarded]
        if m.with_documents:
            d = r.documents
            line += [" ".join(x for x in (d.get(DOC_TYPE, ""), d.get(DOC_NUMBER, "")) if x), d.get(BIRTH_DATE, ""),
                     d.get(CITIZENSHIP, "")]
        rows.append([p(c) for c in line])
    if not m.rows:
        rows.append([p(_("No passengers booked."))] + [""] * (len(header) - 1))
    table = Table(rows, colWidths=[w * mm for w in widths], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story += [table, Spacer(1, 10 * mm)]
    story.append(p(_("Passengers on board: %(boarded)s of %(sold)s. Captain: ______________________  "
                     "Signature: ______________  Date and time: ______________")
                   % {"boarded": m.boarded, "sold": m.sold}, ParagraphStyle("sig", parent=base, fontSize=10,
                                                                         leading=14)))

    label = _("Page %(page)s of %(pages)s")

    class Canvas(_NumberedCanvas):
        pass

    Canvas.font, Canvas.label = regular, label
    doc.build(story, canvasmaker=Canvas)
    return buf.getvalue()
