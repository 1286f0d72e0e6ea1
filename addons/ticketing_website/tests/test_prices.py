"""Prices are final from the first page: fees included, tax stated, every line, discount and code at checkout."""
# ruff: noqa: F811 - pytest fixtures imported from shop_fixtures are used as arguments
import re
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation

from pretix.base.models import CartPosition, Discount, OrderFee, Voucher

from ticketing_website.catalogue.checkout import confirm_page_content, service_fees
from ticketing_website.catalogue.pricing import SERVICE_FEE_KEY, TaxNote, final_price
from ticketing_website.catalogue.query import build_entries

from .shop_fixtures import catalogue, fleet, msk  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_tax_statement_in_three_languages():
    for lang, exempt, vat in (("ru", "НДС не облагается", "в т.ч. НДС 22 %"), ("en", "VAT exempt", "incl. VAT 22 %"),
                              ("zh-hans", "免征增值税", "含增值税 22%")):
        with translation.override(lang):
            assert TaxNote(None).text == exempt
            assert TaxNote(Decimal("22.00")).text == vat
    with translation.override("ru"):
        assert TaxNote(Decimal("9.09")).text == "в т.ч. НДС 9,09 %"


def test_service_fee_is_included_in_every_shown_price(organizer, catalogue):
    organizer.settings.set(SERVICE_FEE_KEY, "50.00")
    evening, jazz, _, rental = build_entries(organizer, organizer.sales_channels.get(identifier="web"))
    assert evening.price_from == Decimal("950.00")
    assert jazz.price_from == Decimal("3100.00")  # 2500 + 22 % VAT + 50 fee
    assert rental.price_from == Decimal("15000.00")  # the charter is no passenger ticket: no fee
    free = [p for item, p in evening.offers if p == 0]
    assert free == []  # series' tickets all cost something; a free ticket would stay free (see final_price)


def test_free_tickets_stay_free_and_addons_carry_no_fee(series):
    adult, child, wine = series.items.order_by("pk")
    child.default_price = Decimal("0.00")
    assert final_price(child, Decimal("0.00"), Decimal("50.00")) == Decimal("0.00")
    assert final_price(wine, wine.default_price, Decimal("50.00")) == Decimal("350.00")
    assert final_price(adult, adult.default_price, Decimal("50.00")) == Decimal("1550.00")


def _cart(event, subevent, items, cart_id="cart-1", voucher=None, discount=None):
    from django.utils.timezone import now

    positions = []
    for item in items:
        listed = item.default_price
        after_voucher = voucher.calculate_price(listed) if voucher else listed
        price = after_voucher * Decimal("0.90") if discount else after_voucher
        positions.append(CartPosition.objects.create(
            event=event, subevent=subevent, item=item, cart_id=cart_id, expires=now() + timedelta(minutes=30),
            listed_price=listed, price_after_voucher=after_voucher, price=price.quantize(Decimal("0.01")),
            voucher=voucher, discount=discount,
        ))
    return positions


def test_service_fee_is_a_cart_fee_line_for_paid_passenger_tickets(series, sailing):
    series.settings.set(SERVICE_FEE_KEY, "50.00")
    adult, child, wine = series.items.order_by("pk")
    fees = service_fees(series, _cart(series, sailing.subevent, [adult, adult, child, wine]))
    assert len(fees) == 1
    assert fees[0].fee_type == OrderFee.FEE_TYPE_SERVICE and fees[0].value == Decimal("150.00")
    assert service_fees(series, _cart(series, sailing.subevent, [wine], cart_id="c2")) == []


def _confirm_request(client, event, cart_id):
    session = client.session
    session[f"current_cart_event_{event.pk}"] = cart_id
    session["carts"] = {cart_id: {}}
    session.save()
    request = RequestFactory().get(f"/{event.organizer.slug}/{event.slug}/checkout/confirm/")
    request.session = session
    request.event, request.organizer = event, event.organizer
    request.sales_channel = event.organizer.sales_channels.get(identifier="web")
    request.resolver_match = resolve(request.path)
    request.user = AnonymousUser()
    request.customer = None
    return request


def test_confirm_page_shows_lines_promo_code_discount_fee_tax_and_refund_deadline(client, series, sailing):
    series.settings.set(SERVICE_FEE_KEY, "50.00")
    adult, child, _ = series.items.order_by("pk")
    voucher = Voucher.objects.create(event=series, code="NEVA10", price_mode="percent", value=Decimal("10.00"))
    family = Discount.objects.create(event=series, internal_name="Семейная", condition_min_count=4,
                                     benefit_discount_matching_percent=Decimal("10.00"))
    _cart(series, sailing.subevent, [adult, adult], voucher=voucher, discount=family)
    _cart(series, sailing.subevent, [child, child], discount=family)
    with translation.override("ru"):
        html = str(confirm_page_content(series, _confirm_request(client, series, "cart-1")))
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert "2 × Взрослый" in text and "2 × Детский" in text
    assert re.search(r"Промокод NEVA10 −300,00\s₽", text)  # 10 % of 2 × 1500
    assert re.search(r"Скидка: Семейная −450,00\s₽", text)  # 10 % of 2 × 1350 and of 2 × 900
    assert re.search(r"Плата за обслуживание: 4 × 50,00\s₽ 200,00\s₽", text)
    assert "НДС не облагается" in text
    deadline = sailing.start.astimezone(ZoneInfo("Europe/Moscow")) - timedelta(hours=24)
    assert f"до {deadline:%d.%m.%Y %H:%M} (время московское, UTC+03)" in text and "Europe/Moscow" not in text
    assert "Обмен и переоформление на другую дату или другого человека невозможны" in text


def test_product_list_shows_each_ticket_with_the_fee_included(client, organizer, series, sailing):
    series.settings.set(SERVICE_FEE_KEY, "50.00")
    html = client.get(f"/{organizer.slug}/{series.slug}/{sailing.subevent_id}/").content.decode()
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert re.search(r"1\s550,00\s₽ с учётом платы за обслуживание 50,00\s₽", text)
    assert re.search(r"950,00\s₽ с учётом платы за обслуживание", text)
    assert len(re.findall("с учётом платы за обслуживание", text)) == 2  # passenger tickets only


def test_confirm_page_within_24_hours_says_non_refundable_and_requires_a_tick(client, series, boat, pier):
    from django.utils.timezone import now

    from ticketing_core.testing import factories
    from ticketing_website.catalogue.checkout import NON_REFUNDABLE_FIELD, refuse_unconfirmed_non_refundable

    soon = factories.make_sailing(series, boat, pier, now() + timedelta(hours=5))
    adult = series.items.order_by("pk").first()
    _cart(series, soon.subevent, [adult])
    with translation.override("ru"):
        html = str(confirm_page_content(series, _confirm_request(client, series, "cart-1")))
    soup = BeautifulSoup(html, "html.parser")
    text = " ".join(soup.get_text(" ").split())
    assert "Билет невозвратный: до отправления меньше 24 часов" in text
    assert "полный возврат до" not in text and "возврат до" not in text  # no deadline in the past
    box = soup.select_one(f"input[name={NON_REFUNDABLE_FIELD}]")
    assert box is not None and box.has_attr("required") and box["type"] == "checkbox"
    with translation.override("zh-hans"):
        zh = str(confirm_page_content(series, _confirm_request(client, series, "cart-1")))
    assert "不可退" in zh

    def post(data):
        request = _confirm_request(client, series, "cart-1")
        request.method, request.POST, request.GET = "POST", data, {}
        from django.contrib.messages.storage.fallback import FallbackStorage

        request._messages = FallbackStorage(request)
        return refuse_unconfirmed_non_refundable(series, request)

    refused = post({})
    assert refused is not None and refused.status_code == 302  # back to the confirmation page, nothing ordered
    assert post({NON_REFUNDABLE_FIELD: "yes"}) is None  # ticked: pretix's checkout goes on


def test_confirm_page_more_than_24_hours_ahead_asks_no_tick(client, series, sailing):
    from ticketing_website.catalogue.checkout import NON_REFUNDABLE_FIELD

    _cart(series, sailing.subevent, [series.items.order_by("pk").first()])
    with translation.override("ru"):
        html = str(confirm_page_content(series, _confirm_request(client, series, "cart-1")))
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    assert NON_REFUNDABLE_FIELD not in html and "Билет невозвратный" not in text
    assert "с полным возвратом денег до" in text
