"""The seat as "deck, row, seat" in the customer's language: order page, e-mail, ticket PDF layout."""
import json

import pytest
from django.core import mail
from django.test import Client
from i18nfield.strings import LazyI18nString

from pretix.base.services.mail import mail as send_mail
from pretix.plugins.ticketoutputpdf.models import TicketLayout

from ticketing_core.testing import factories
from ticketing_seating.signals import email_seats, ticket_layout, ticket_variables


def _order(event, sailing, product, guid, locale):
    order = factories.make_order(event, sailing.subevent, [product], locale=locale)
    p = order.positions.first()
    p.seat = sailing.subevent.seats.get(seat_guid=guid)
    p.save()
    return order, p


def test_order_page_lists_seats_in_the_customers_language(seated):
    _v, event, sailing, products = seated
    order, _p = _order(event, sailing, products["Window"], "d2-r1-s3", "en")
    url = f"/{event.organizer.slug}/{event.slug}/order/{order.code}/{order.secret}/"
    html = Client().get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="ticketing-seats"' in html and "Upper deck, row 1, seat 3" in html
    html = Client().get(url + "?locale=zh-hans", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "上层甲板，第 1 排，3 号座" in html


def test_order_seats_panel_lists_seated_positions_only_and_loads_none_for_an_order_without_seats(
        seated, django_assert_num_queries):
    from ticketing_seating.signals import order_seats

    _v, event, sailing, products = seated
    order, _p = _order(event, sailing, products["Window"], "d2-r1-s3", "en")
    unseated = factories.make_order(event, sailing.subevent, [products["Window"]], locale="en")
    with django_assert_num_queries(1):  # the seated positions alone: none here, no position or product loaded
        assert order_seats(event, unseated) == ""
    html = order_seats(event, order)
    assert html.count("list-group-item") == 1 and "Верхняя палуба, ряд 1, место 3" in html  # the active language


def test_email_names_the_seats_in_the_orders_language(seated):
    _v, event, sailing, products = seated
    order, _p = _order(event, sailing, products["Window"], "d1-r1-s2", "en")
    from django.core.mail import EmailMultiAlternatives

    msg = EmailMultiAlternatives("Subject", "Body", to=["a@example.org"])
    msg.attach_alternative("<html><body><p>Hello</p></body></html>", "text/html")
    out = email_seats(event, message=msg, order=order)
    assert "Your seats:\n- Main deck, row 1, seat 2" in out.body
    assert "Main deck, row 1, seat 2</p></body>" in out.alternatives[0][0]


def test_ticket_layout_prints_the_seat_in_the_customers_language(seated):
    _v, event, sailing, products = seated
    order, position = _order(event, sailing, products["Window"], "d1-r1-s2", "zh-hans")
    layout = TicketLayout(event=event, name="Default", layout=json.dumps([
        {"type": "textarea", "content": "seat", "left": "10", "bottom": "10"},
        {"type": "textarea", "content": "event_name", "left": "10", "bottom": "20"}]))
    out = ticket_layout(event, layout=layout, orderposition=position)
    contents = [e["content"] for e in json.loads(out.layout)]
    assert contents == ["ticketing_seat", "event_name"]
    from django.utils.translation import override

    with override("zh-hans"):
        text = ticket_variables(event)["ticketing_seat"]["evaluate"](position, order, event)
    assert text == "主甲板，第 1 排，2 号座"


def test_general_admission_ticket_layout_is_untouched(organizer, series, sailing):
    order = factories.make_order(series, sailing.subevent, [series.items.first()])
    layout = TicketLayout(event=series, name="Default", layout=json.dumps([{"type": "textarea", "content": "seat"}]))
    assert ticket_layout(series, layout=layout, orderposition=order.positions.first()) is layout


def test_pretix_mail_to_a_seated_order_carries_the_seats(seated):
    _v, event, sailing, products = seated
    order, _p = _order(event, sailing, products["Window"], "d1-r1-s2", "ru")
    mail.outbox = []
    send_mail(order.email, "Тест", LazyI18nString({"ru": "Текст письма"}), {}, event, locale="ru", order=order)
    assert mail.outbox and "Главная палуба, ряд 1, место 2" in mail.outbox[-1].body


def test_cancelled_order_mail_does_not_list_seats(seated):
    _v, event, sailing, products = seated
    from django.core.mail import EmailMultiAlternatives

    from pretix.base.models import Order

    order, _p = _order(event, sailing, products["Window"], "d1-r1-s2", "en")
    order.status = Order.STATUS_CANCELED
    order.save()
    msg = EmailMultiAlternatives("Subject", "Body", to=["a@example.org"])
    assert "Your seats" not in email_seats(event, message=msg, order=order).body


def _html_of(message) -> str:
    """The HTML part as a mail client shows it (pretix sends it as multipart/related with inline images)."""
    for content, _mimetype in message.alternatives:
        if isinstance(content, str):
            return content
        return "".join(part.get_payload(decode=True).decode() for part in content.walk()
                       if part.get_content_type() == "text/html")
    return ""


@pytest.mark.parametrize(("locale", "seat"), [("zh-hans", "主甲板，第 1 排，2 号座"),
                                              ("en", "Main deck, row 1, seat 2")])
def test_pretix_order_placed_mail_names_the_seat_in_its_html_in_the_orders_language(seated, locale, seat):
    """What a mail client shows is the HTML part: the seat is there too, in the order's language, deck included."""
    from pretix.base.email import get_email_context
    from pretix.base.i18n import language

    _v, event, sailing, products = seated
    order, _p = _order(event, sailing, products["Window"], "d1-r1-s2", locale)
    mail.outbox = []
    with language(locale):
        order.send_mail(event.settings.mail_subject_order_placed, event.settings.mail_text_order_placed,
                        get_email_context(event=event, order=order, payments=[]),
                        "pretix.event.order.email.order_placed")
    [letter] = mail.outbox
    html = _html_of(letter)
    assert seat in letter.body and seat in html, html
    assert "палуба" not in letter.body and "палуба" not in html
    # with the order's own text, before pretix's "You are receiving this email because…" footer block
    assert html.index(seat) < html.index('class="order-info"')
