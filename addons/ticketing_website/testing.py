"""pytest plugin: fixtures of the storefront's account and privacy tests (a shop with customer accounts, a customer,
her orders before and after the refund deadline)."""
from datetime import timedelta

import pytest
from django.utils.timezone import now

from pretix.base.models import Customer, Order

from ticketing_core.testing import factories
from ticketing_website.demo_accounts import POLICY

PASSWORD = "customer-password-123"  # noqa: S105 - test credential


def enable_accounts(organizer, event=None) -> None:
    organizer.settings.customer_accounts = True
    organizer.settings.customer_accounts_native = True
    organizer.settings.ticket_download = True
    organizer.settings.ticketoutput_pdf__enabled = True
    organizer.settings.ticketing_privacy_policy = POLICY
    if event is not None:
        event.enable_plugin("pretix.plugins.ticketoutputpdf")
        event.save()


@pytest.fixture
def account_shop(organizer, series, sailing):
    enable_accounts(organizer, series)
    return organizer


@pytest.fixture
def customer(account_shop):
    c = Customer.objects.create(organizer=account_shop, email="anna@example.org", is_active=True, is_verified=True,
                                name_parts={"_legacy": "Анна Смирнова"}, locale="ru")
    c.set_password(PASSWORD)
    c.save()
    return c


def log_in(client, customer) -> None:
    resp = client.post(f"/{customer.organizer.slug}/account/login", {"email": customer.email, "password": PASSWORD})
    assert resp.status_code == 302, resp.content.decode()[-2000:]


@pytest.fixture
def customer_client(client, customer):
    log_in(client, customer)
    return client


def numbered(order):
    """The factory leaves every position number at 1; a real order counts 1, 2, 3 …"""
    for i, p in enumerate(order.positions.order_by("pk"), 1):
        p.positionid = i
        p.save(update_fields=["positionid"])
    return order


def adult(event):
    return event.items.filter(admission=True).order_by("pk").first()


@pytest.fixture
def paid_order(series, sailing, customer):
    order = factories.make_order(series, sailing.subevent, [adult(series), adult(series)], email=customer.email)
    order.customer = customer
    order.save()
    return numbered(order)


@pytest.fixture
def past_deadline_order(series, boat, pier, customer):
    """Departure in 20 hours: the 24-hour refund deadline has passed."""
    soon = factories.make_sailing(series, boat, pier, now() + timedelta(hours=20))
    order = factories.make_order(series, soon.subevent, [adult(series)], email=customer.email)
    order.customer = customer
    order.save()
    return order


def order_url(order) -> str:
    return f"/{order.event.organizer.slug}/{order.event.slug}/order/{order.code}/{order.secret}/"


def is_paid(order) -> bool:
    order.refresh_from_db()
    return order.status == Order.STATUS_PAID


def give_contact(person, email: str) -> None:
    """
    pretix's contact step as a buyer fills it in a journey (``ticketing_core.testing.journeys.Person``): the
    e-mail, again where the shop asks it twice, and the privacy consent where the shop asks for it.
    """
    page = person.page
    person.type(page.locator("#id_email"), email)
    if page.locator("#id_email_repeat").count():
        person.type(page.locator("#id_email_repeat"), email)
    if page.locator("#id_ticketing_privacy_consent").count():
        person.press(page.locator("#id_ticketing_privacy_consent"))
