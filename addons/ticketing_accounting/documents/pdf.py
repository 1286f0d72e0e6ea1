"""
The PDFs: a Счёт на оплату in the classic layout (the bank block on top, as in 1C), an Акт оказанных услуг and a
УПД. reportlab, as pretix's own invoices; the font is core's LXGW WenKai (Cyrillic and ₽), registered once.
"""
from decimal import Decimal
from io import BytesIO

from django.contrib.staticfiles import finders
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import HRFlowable

from ticketing_core.documents.fonts import FILES

from .content import money

FONT, FONT_BOLD = "PrichalDoc", "PrichalDocBold"


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, finders.find(FILES["regular"])))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, finders.find(FILES["bold"])))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)


def _styles() -> dict:
    base = ParagraphStyle("base", fontName=FONT, fontSize=9, leading=11)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9),
        "bold": ParagraphStyle("bold", parent=base, fontName=FONT_BOLD),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=14, leading=18, spaceAfter=2),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "right": ParagraphStyle("right", parent=base, alignment=2),
        "rightbold": ParagraphStyle("rightbold", parent=base, alignment=2, fontName=FONT_BOLD),
    }


def _esc(text) -> str:
    return (str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


GRID = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                   ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 9),
                   ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3)])


def _bank_block(d: dict, st: dict, width: float) -> Table:
    """The payment order's head as every Russian Счёт prints it: bank, БИК, accounts, ИНН/КПП, recipient."""
    s = d["supplier"]
    p = lambda t, style="base": Paragraph(_esc(t), st[style])  # noqa: E731
    rows = [
        [p(s["bank_name"]), "", p("БИК"), p(s["bik"])],
        [p("Банк получателя", "small"), "", p("Сч. №"), p(s["corr_account"])],
        [p(f"ИНН {s['inn']}"), p(f"КПП {s['kpp']}" if s["kpp"] else "КПП —"), p("Сч. №"), p(s["account"])],
        [p(s["name"]), "", "", ""],
        [p("Получатель", "small"), "", "", ""],
    ]
    cw = [width * 0.3, width * 0.28, width * 0.1, width * 0.32]
    t = Table(rows, colWidths=cw)
    t.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BOX", (0, 0), (-1, -1), 0.7, colors.black),
        ("SPAN", (0, 0), (1, 0)), ("SPAN", (0, 1), (1, 1)), ("SPAN", (0, 3), (1, 3)), ("SPAN", (0, 4), (1, 4)),
        ("LINEBELOW", (0, 1), (1, 1), 0.5, colors.black), ("LINEBELOW", (0, 2), (1, 2), 0.5, colors.black),
        ("LINEAFTER", (0, 2), (0, 2), 0.5, colors.black),
        ("LINEBEFORE", (2, 0), (2, -1), 0.5, colors.black), ("LINEBEFORE", (3, 0), (3, -1), 0.5, colors.black),
        ("LINEBELOW", (2, 0), (3, 0), 0.5, colors.black), ("LINEBELOW", (2, 1), (3, 1), 0.5, colors.black),
        ("SPAN", (2, 2), (2, 4)), ("SPAN", (3, 2), (3, 4)),
        ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return t


def _party_table(d: dict, st: dict, width: float, supplier_label: str, buyer_label: str) -> Table:
    p = lambda t, style="base": Paragraph(_esc(t), st[style])  # noqa: E731
    rows = [[p(supplier_label), p(d["supplier"]["line"], "bold")],
            [p(buyer_label), p(d["buyer"]["line"], "bold")],
            [p("Основание:"), p(f"Заказ № {d['order_code']}", "bold")]]
    t = Table(rows, colWidths=[width * 0.2, width * 0.8])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return t


def _lines_table(d: dict, st: dict, width: float, head: str) -> Table:
    p = lambda t, style="base": Paragraph(_esc(t), st[style])  # noqa: E731
    rows = [[p("№", "center"), p(head, "center"), p("Кол-во", "center"), p("Ед.", "center"),
             p("Цена", "center"), p("Сумма", "center")]]
    for i, line in enumerate(d["lines"], 1):
        rows.append([p(str(i), "center"), p(line["name"]), p(str(line["quantity"]), "right"), p(line["unit"]),
                     p(money(line["price"]), "right"), p(money(line["total"]), "right")])
    cw = [width * 0.05, width * 0.53, width * 0.08, width * 0.06, width * 0.13, width * 0.15]
    t = Table(rows, colWidths=cw, repeatRows=1)
    t.setStyle(GRID)
    t.setStyle(TableStyle([("LINEABOVE", (0, 0), (-1, 0), 1.2, colors.black),
                           ("LINEBELOW", (0, -1), (-1, -1), 1.2, colors.black)]))
    return t


def _totals(d: dict, st: dict, width: float, total_label: str) -> Table:
    p = lambda t, style="rightbold": Paragraph(_esc(t), st[style])  # noqa: E731
    rows = [[p("Итого:"), p(money(d["total"]) if not d.get("refunds") else money(
        sum(Decimal(line["total"]) for line in d["lines"])))]]
    for r in d.get("refunds", []):
        rows.append([p(f"{r['text']}:"), p("−" + money(r["amount"]))])
    for v in d["vat"]:
        rows.append([p(f"{v['text']}:" if v["amount"] else v["text"]), p(money(v["amount"]) if v["amount"] else "—")])
    rows.append([p(total_label), p(money(d["total"]))])
    t = Table(rows, colWidths=[width * 0.8, width * 0.2])
    t.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return t


def _signatures(st: dict, width: float, left: tuple[str, str], right: tuple[str, str]) -> Table:
    p = lambda t, style="base": Paragraph(_esc(t), st[style])  # noqa: E731
    rows = [[p(left[0], "bold"), "", p(left[1]), "", p(right[0], "bold"), "", p(right[1])]]
    t = Table(rows, colWidths=[width * 0.16, width * 0.15, width * 0.16, width * 0.03, width * 0.16, width * 0.15,
                               width * 0.19])
    t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                           ("LINEBELOW", (1, 0), (1, 0), 0.5, colors.black),
                           ("LINEBELOW", (5, 0), (5, 0), 0.5, colors.black)]))
    return t


def _build(story_fn, pagesize=A4) -> bytes:
    _register_fonts()
    buf = BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=pagesize, leftMargin=15 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                            bottomMargin=12 * mm, title="", author="")
    doc.build(story_fn(_styles(), doc.width))
    return buf.getvalue()


def render_invoice(d: dict) -> bytes:
    """Счёт на оплату."""
    def story(st, w):
        s = d["supplier"]
        items = [Paragraph("Внимание! Оплата данного счёта означает согласие с условиями поставки услуг. "
                           "В назначении платежа обязательно укажите номер заказа.", st["small"]),
                 Spacer(1, 2 * mm), _bank_block(d, st, w), Spacer(1, 5 * mm),
                 Paragraph(_esc(f"Счёт на оплату № {d['number']} от {d['date_text']}"), st["title"]),
                 HRFlowable(width="100%", thickness=1.5, color=colors.black), Spacer(1, 3 * mm),
                 _party_table(d, st, w, "Поставщик (Исполнитель):", "Покупатель (Заказчик):"), Spacer(1, 3 * mm),
                 _lines_table(d, st, w, "Товары (работы, услуги)"), Spacer(1, 2 * mm),
                 _totals(d, st, w, "Всего к оплате:"), Spacer(1, 2 * mm),
                 Paragraph(_esc(f"Всего наименований {len(d['lines'])}, на сумму {money(d['total'])} руб."),
                           st["base"]),
                 Paragraph(_esc(d["words"]), st["bold"]), Spacer(1, 3 * mm),
                 Paragraph(_esc(f"Назначение платежа: {d['purpose']}"), st["base"])]
        if d.get("due_text"):
            items.append(Paragraph(_esc(f"Оплатить не позднее {d['due_text']} После этого срока места не "
                                        "удерживаются."), st["base"]))
        items += [Spacer(1, 2 * mm), HRFlowable(width="100%", thickness=1.5, color=colors.black), Spacer(1, 8 * mm),
                  _signatures(st, w, ("Руководитель", s["director"]), ("Бухгалтер", s["chief_accountant"]))]
        return items
    return _build(story)


def render_act(d: dict) -> bytes:
    """Акт оказанных услуг."""
    def story(st, w):
        s = d["supplier"]
        return [
            Paragraph(_esc(f"Акт № {d['number']} от {d['date_text']}"), st["title"]),
            HRFlowable(width="100%", thickness=1.5, color=colors.black), Spacer(1, 3 * mm),
            _party_table(d, st, w, "Исполнитель:", "Заказчик:"), Spacer(1, 3 * mm),
            _lines_table(d, st, w, "Наименование работ, услуг"), Spacer(1, 2 * mm),
            _totals(d, st, w, "Итого по акту:"), Spacer(1, 2 * mm),
            Paragraph(_esc(f"Всего оказано услуг {len(d['lines'])}, на сумму {money(d['total'])} руб."), st["base"]),
            Paragraph(_esc(d["words"]), st["bold"]), Spacer(1, 3 * mm),
            Paragraph("Вышеперечисленные услуги выполнены полностью и в срок. Заказчик претензий по объёму, качеству "
                      "и срокам оказания услуг не имеет.", st["base"]),
            Spacer(1, 2 * mm), HRFlowable(width="100%", thickness=1.5, color=colors.black), Spacer(1, 8 * mm),
            _signatures(st, w, ("ИСПОЛНИТЕЛЬ", s["director"]), ("ЗАКАЗЧИК", "")),
            Spacer(1, 2 * mm),
            Table([[Paragraph(_esc(s["name"]), st["small"]), Paragraph(_esc(d["buyer"]["name"]), st["small"])]],
                  colWidths=[w * 0.5, w * 0.5]),
        ]
    return _build(story)


def render_upd(d: dict) -> bytes:
    """УПД (status 1 or 2): the form's head, the table with VAT columns, the transfer signatures; landscape."""
    def story(st, w):
        s = d["supplier"]
        p = lambda t, style="base": Paragraph(_esc(t), st[style])  # noqa: E731
        head = Table([
            [p(f"Универсальный передаточный документ. Статус: {d['upd_status']}", "bold"),
             p(f"Счёт-фактура № {d['number']} от {d['date_text']}", "bold")],
            [p("1 — счёт-фактура и передаточный документ (акт); 2 — передаточный документ (акт)", "small"),
             p(f"Продавец: {s['line']}")],
            ["", p(f"Покупатель: {d['buyer']['line']}")],
            ["", p(f"Документ об отгрузке: заказ № {d['order_code']}. Валюта: российский рубль, 643")],
        ], colWidths=[w * 0.25, w * 0.75])
        head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                  ("LINEAFTER", (0, 0), (0, -1), 1, colors.black)]))
        rows = [[p(x, "center") for x in ("№", "Наименование услуги", "Ед. изм.", "Кол-во", "Цена",
                                           "Стоимость без налога", "Налоговая ставка", "Сумма налога",
                                           "Стоимость с налогом")]]
        for i, line in enumerate(d["lines"], 1):
            total, tax = Decimal(line["total"]), Decimal(line["tax"])
            rate = Decimal(line["tax_rate"])
            rows.append([p(str(i), "center"), p(line["name"]), p("шт"), p(str(line["quantity"]), "right"),
                         p(money(line["price"]), "right"), p(money(total - tax), "right"),
                         p(f"{rate.normalize():f} %" if rate > 0 else "без НДС"),
                         p(money(tax) if rate > 0 else "без НДС", "right"), p(money(total), "right")])
        tax_total = sum((Decimal(line["tax"]) for line in d["lines"]), Decimal("0"))
        rows.append(["", p("Всего к оплате", "bold"), "", "", "", p(money(Decimal(d["total"]) - tax_total), "right"),
                     "", p(money(tax_total), "right"), p(money(d["total"]), "rightbold")])
        cw = [w * x for x in (0.04, 0.36, 0.06, 0.06, 0.09, 0.11, 0.08, 0.09, 0.11)]
        table = Table(rows, colWidths=cw, repeatRows=1)
        table.setStyle(GRID)
        return [head, Spacer(1, 3 * mm), table, Spacer(1, 2 * mm),
                p(f"Всего на сумму {money(d['total'])} руб. ({d['words']})"), Spacer(1, 6 * mm),
                _signatures(st, w, ("Руководитель", s["director"]), ("Главный бухгалтер", s["chief_accountant"])),
                Spacer(1, 6 * mm),
                _signatures(st, w, ("Услуги сдал", s["director"]), ("Услуги принял", "")),
                p(f"Дата оказания услуг: {d['date_text']}")]
    return _build(story, pagesize=landscape(A4))


RENDERERS = {"invoice": render_invoice, "act": render_act, "upd": render_upd}
