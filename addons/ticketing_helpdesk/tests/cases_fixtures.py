"""Shared set-up of the support case tests: staff with and without case permissions, customers, cases."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from pretix.base.models import Customer, Team, User

from ticketing_core.testing.fixtures import login

from ..cases.services import open_case
from ..models import SupportCase

MSK = ZoneInfo("Europe/Moscow")
PASSWORD = "admin-password-123"  # noqa: S105 - the factories' test password


def msk(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=MSK)


def make_staff(organizer, email: str, permissions: dict | None = None, name: str = "") -> User:
    """A user in a team of ``organizer`` with exactly ``permissions`` (organizer level, e.g. cases:read)."""
    user = User.objects.create_user(email, PASSWORD, fullname=name)
    team = Team.objects.create(organizer=organizer, name=f"Team {email}", all_events=True,
                               limit_organizer_permissions=permissions or {})
    team.members.add(user)
    return user


def make_case(organizer, **kwargs) -> SupportCase:
    defaults = {"subject": "Потерял билет", "body": "Не могу найти билет на рейс.", "email": "anna@example.org",
                "name": "Анна Смирнова"}
    return open_case(organizer, **{**defaults, **kwargs})


@pytest.fixture
def case_agent(organizer):
    return make_staff(organizer, "agent@example.org", {"organizer.cases:read": True, "organizer.cases:write": True},
                      name="Ольга Агентова")


@pytest.fixture
def case_viewer(organizer):
    return make_staff(organizer, "viewer@example.org", {"organizer.cases:read": True})


@pytest.fixture
def case_outsider(organizer):
    return make_staff(organizer, "outsider@example.org", {"organizer.customers:read": True})


@pytest.fixture
def case_agent_client(client, case_agent):
    return login(client, case_agent)


def customer_session(client, customer) -> None:
    """Log ``customer`` into the shop of their organizer (what pretix's login view stores in the session)."""
    import time

    session = client.session
    org = customer.organizer_id
    session[f"customer_auth_id:{org}"] = customer.pk
    session[f"customer_auth_hash:{org}"] = customer.get_session_auth_hash()
    session[f"customer_auth_time:{org}"] = int(time.time())
    session.save()


@pytest.fixture
def case_customer(organizer):
    organizer.settings.customer_accounts = True
    c = Customer.objects.create(organizer=organizer, email="anna@example.org", name_parts={"_legacy": "Анна Смирнова"},
                                is_active=True, is_verified=True, locale="en")
    c.set_password("customer-password-1")
    c.save()
    return c
