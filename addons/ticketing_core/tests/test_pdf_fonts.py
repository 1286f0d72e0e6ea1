"""PDF tickets and invoices draw the rouble sign and Chinese: the text read back from the PDFs has them."""
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from pretix.base.models import Item
from pretix.base.services.invoices import generate_invoice, invoice_pdf_task
from pretix.plugins.ticketoutputpdf.models import TicketLayout
from pretix.plugins.ticketoutputpdf.ticketoutput import PdfTicketOutput

from ticketing_core.documents import fonts
from ticketing_core.testing import factories
from ticketing_core.testing.pdf import pdf_png, pdf_text

NAME = {"ru": "Взрослый «成人船票»", "en": "Adult «成人船票»", "zh-hans": "成人船票"}


def _embedded_fonts(data: bytes) -> set[str]:
    found = set()
    for page in PdfReader(BytesIO(data)).pages:
        for font in (page.get("/Resources", {}).get("/Font") or {}).values():
            found.add(str(font.get_object().get("/BaseFont")))
    return found


@pytest.fixture
def chinese_order(organizer, series, sailing):
    organizer.settings.ticket_download = True
    series.enable_plugin("pretix.plugins.ticketoutputpdf")
    series.save()
    series.settings.invoice_address_from_name = "ООО «Причал»"
    Item.objects.filter(event=series, default_price=Decimal("1500.00")).update(name=NAME)
    item = series.items.get(default_price=Decimal("1500.00"))
    order = factories.make_order(series, sailing.subevent, [item], locale="ru")
    order.positions.update(attendee_name_parts={"full_name": "王小明"}, attendee_name_cached="王小明")
    return order


def test_the_font_is_installed_and_has_rouble_cyrillic_and_chinese():
    from django.contrib.staticfiles import finders
    from reportlab.pdfbase.ttfonts import TTFont

    assert fonts.available(), "install the Debian package fonts-lxgw-wenkai (make test does)"
    for path in fonts.FILES.values():
        glyphs = TTFont("check", finders.find(path)).face.charToGlyph
        assert all(ord(c) in glyphs for c in "₽ЖжёЁ№航票成人"), path


def test_ticket_pdf_shows_rouble_sign_and_chinese(chinese_order):
    _name, _type, data = PdfTicketOutput(chinese_order.event).generate_order(chinese_order)
    text = pdf_text(data).replace("\xa0", " ").replace("\u202f", " ")
    assert "1 500,00 ₽" in text and "Взрослый «成人船票»" in text and "王小明" in text
    assert any("LXGW" in f for f in _embedded_fonts(data))
    pdf_png(data, "pdf-ticket")


def test_ticket_pdf_of_a_chinese_order_is_in_chinese(chinese_order):
    chinese_order.locale = "zh-hans"
    chinese_order.save()
    data = PdfTicketOutput(chinese_order.event).generate_order(chinese_order)[2]
    assert "晚间游船" in pdf_text(data) and "成人船票" in pdf_text(data)
    pdf_png(data, "pdf-ticket-zh")


def test_invoice_pdf_shows_rouble_sign_and_chinese(chinese_order):
    invoice = generate_invoice(chinese_order, trigger_pdf=False)
    invoice_pdf_task(invoice.pk)
    invoice.refresh_from_db()
    data = invoice.file.read()
    text = pdf_text(data).replace("\xa0", " ").replace("\u202f", " ")
    assert "1 500,00 ₽" in text and "成人船票" in text and "Причал" in text
    assert any("LXGW" in f for f in _embedded_fonts(data))
    pdf_png(data, "pdf-invoice")


def test_a_layout_staff_create_starts_in_the_font(series):
    layout = TicketLayout.objects.create(event=series, name="Новый")
    assert '"fontfamily": "Open Sans"' not in layout.layout and fonts.FONT in layout.layout
