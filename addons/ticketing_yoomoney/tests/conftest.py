"""The YooKassa emulator as a real HTTP server, and a shop configured to pay through it with the real SDK."""
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.utils.timezone import now

from pretix.base.models import Order, OrderPayment

from ticketing_core.testing import factories

# the emulator's fixtures (`emulator`) come from ticketing_yoomoney.testing, a plugin of the root conftest
from ticketing_yoomoney.testing import API_URL_VARIABLE, SECRET, SHOP_ID, Emulator, configure  # noqa: F401


@pytest.fixture
def shop(organizer, series, emulator):
    configure(organizer, emulator)
    series.settings.payment_yookassa__enabled = True
    return series


@pytest.fixture
def pending_order(shop, sailing):
    adult, child = shop.items.filter(admission=True).order_by("pk")[:2]
    order = factories.make_order(shop, sailing.subevent, [adult, child], status=Order.STATUS_PENDING)
    order.expires = now() + timedelta(minutes=30)
    order.save(update_fields=["expires"])
    return order


def new_payment(order: Order) -> OrderPayment:
    return order.payments.create(provider="yookassa", amount=order.total, state=OrderPayment.PAYMENT_STATE_CREATED)


@pytest.fixture
def rf_request(shop):
    request = RequestFactory().get("/")
    request.event = shop
    request.organizer = shop.organizer
    request.session = SessionStore()
    request.session.create()
    return request


@pytest.fixture
def paying(pending_order, rf_request, emulator) -> OrderPayment:
    """A YooKassa payment started at checkout; the customer is on YooKassa's page."""
    payment = new_payment(pending_order)
    payment.payment_provider.execute_payment(rf_request, payment)
    payment.refresh_from_db()
    return payment


@pytest.fixture
def paid(paying, emulator) -> OrderPayment:
    """The same payment, paid and confirmed."""
    from ticketing_yoomoney.services.sync import sync_payment

    emulator.succeed(paying.info_data["id"])
    sync_payment(paying)
    paying.refresh_from_db()
    assert paying.order.status == Order.STATUS_PAID
    return paying
