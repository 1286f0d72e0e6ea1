"""The YooKassa kill switch (ticketing_core.flags ``yookassa_checkout``): off, the shop's payment step offers the
other methods (pay at the pier) and says why; on again, YooKassa is back."""
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils.timezone import now

from pretix.base.models import CartPosition

from ticketing_core import flags

pytestmark = pytest.mark.django_db


@pytest.fixture
def payment_page(client, shop, sailing):
    """The payment step of a guest's cart (contact step done), as the shop renders it."""
    shop.settings.set("payment_manual__enabled", True)
    shop.settings.set("payment_manual_public_name", "Оплата на причале")
    adult = shop.items.filter(admission=True).order_by("pk").first()
    cart_id = "kill-switch-cart"
    CartPosition.objects.create(event=shop, subevent=sailing.subevent, item=adult, cart_id=cart_id,
                                expires=now() + timedelta(minutes=30), listed_price=adult.default_price,
                                price_after_voucher=adult.default_price, price=adult.default_price,
                                attendee_name_parts={"_legacy": "Анна Смирнова"})
    session = client.session
    session[f"current_cart_event_{shop.pk}"] = cart_id
    session["carts"] = {cart_id: {"email": "anna@example.org", "contact_form_data": {}}}
    session.save()
    url = f"/{shop.organizer.slug}/{shop.slug}/checkout/payment/"

    def get():
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="ru")
        assert response.status_code == 200, response.get("Location")
        soup = BeautifulSoup(response.content.decode(), "html.parser")
        return soup, {i["value"] for i in soup.select("input[name=payment]")}
    return get


def test_yookassa_off_the_shop_offers_the_pier_and_says_why(payment_page, admin):
    soup, methods = payment_page()
    assert "yookassa" in methods and "manual" in methods and soup.select_one("#yookassa-unavailable") is None

    flags.switch("yookassa_checkout", False, admin, reason="YooKassa outage")
    soup, methods = payment_page()
    assert methods == {"manual"}
    notice = soup.select_one("#yookassa-unavailable")
    assert notice is not None and "временно недоступна" in notice.get_text()

    flags.switch("yookassa_checkout", True, admin)
    soup, methods = payment_page()
    assert "yookassa" in methods and soup.select_one("#yookassa-unavailable") is None
