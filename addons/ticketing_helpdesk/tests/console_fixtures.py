"""Shared set-up of the console, roles, manifest and audit tests: an operator, a sailing, orders and staff."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils.timezone import now

from pretix.base.models import Customer, InvoiceAddress, Order, Team, User

from ticketing_core.notifications.models import ContactPreference
from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login

from ..roles.templates import ROLES, apply_role

PASSWORD = "admin-password-123"  # noqa: S105 - the factories' test password


def make_order(sailing, email="anna@example.org", phone="+79161234567", name="Анна Смирнова", customer=None,
               status=Order.STATUS_PAID, items=None):
    event = sailing.event
    items = items or list(event.items.filter(admission=True).order_by("pk"))  # an adult and a child ticket
    order = factories.make_order(event, sailing.subevent, items, status=status, email=email)
    order.phone = phone or None
    order.customer = customer
    order.save()
    if name:
        InvoiceAddress.objects.create(order=order, name_parts={"full_name": name}, name_cached=name)
        order.positions.update(attendee_name_cached=name)
    return order


def later_today():
    """A departure on today's date in Moscow (the manifest's "today"): soon, or earlier today late at night."""
    from zoneinfo import ZoneInfo

    msk = ZoneInfo("Europe/Moscow")
    soon = now() + timedelta(minutes=30)
    if (soon + timedelta(minutes=90)).astimezone(msk).date() == now().astimezone(msk).date():
        return soon
    return now() - timedelta(hours=3)


def staff(organizer, role_key: str, email: str | None = None) -> User:
    """A user in a team that has exactly the role ``role_key``."""
    user = User.objects.create_user(email or f"{role_key}@example.org", PASSWORD)
    team, _ = apply_role(organizer, ROLES[role_key], None)
    team.members.add(user)
    return user


@pytest.fixture
def departure_in_3_days():
    return now() + timedelta(days=3)


@pytest.fixture
def order(sailing):
    return make_order(sailing)


@pytest.fixture
def console_customer(organizer):
    c = Customer.objects.create(organizer=organizer, email="boris@example.org",
                                name_parts={"full_name": "Борис Ельцов"}, phone="+79035550011", is_active=True,
                                is_verified=True)
    ContactPreference.objects.create(customer=c, phone="+79035550011", sms=True, reminders=True)
    return c


@pytest.fixture
def agent(organizer):
    return staff(organizer, "support_agent")


@pytest.fixture
def agent_client(client, agent):
    return login(client, agent)


def total(order) -> Decimal:
    order.refresh_from_db()
    return order.total


__all__ = ["make_order", "staff", "login", "Team", "PASSWORD", "total"]
