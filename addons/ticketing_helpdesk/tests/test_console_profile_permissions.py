"""
The customer profile and its CSV export show only what the viewer's teams allow (finding 3 of issue 22):
the account's own data with pretix's customer permission, orders (and what comes with them: phones,
consents, messages) only of events where the viewer reads orders, support cases only with the case permission.
"""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils.timezone import now

from pretix.base.models import Team, User

from ticketing_core.notifications.models import Notification
from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login

from ..models import SupportCase
from ..permissions import CASES_READ, CONSOLE
from .console_fixtures import PASSWORD, make_order

pytestmark = pytest.mark.django_db

ACCOUNT = ("boris@example.org", "+79035550011")           # the customer account's own e-mail and phone
VISIBLE = ("a-order@example.org", "+79160000001")         # the order in the viewer's event
HIDDEN = ("b-order@example.org", "+79160000002")          # the order in an event the viewer may not read
CASE_SUBJECT = "Секретная тема обращения"


@pytest.fixture
def world(organizer, series, sailing, boat, pier, console_customer):
    """The customer has an order in ``series`` (event A) and one in a second event B, and a support case."""
    other = factories.make_series(organizer, slug="night")
    other_sailing = factories.make_sailing(other, boat, pier, now() + timedelta(days=4))
    visible = make_order(sailing, email=VISIBLE[0], phone=VISIBLE[1], customer=console_customer, name="Борис А")
    hidden = make_order(other_sailing, email=HIDDEN[0], phone=HIDDEN[1], customer=console_customer, name="Борис Б")
    for order, key in ((visible, "a"), (hidden, "b")):
        Notification.objects.create(organizer=organizer, event=order.event, order=order, kind="order_confirmed",
                                    channel="email", key=f"k-{key}", recipient=order.email,
                                    subject=f"Ваши билеты: заказ {order.code}", status=Notification.SENT)
    case = SupportCase.objects.create(organizer=organizer, number=1, subject=CASE_SUBJECT, customer=console_customer,
                                      email=ACCOUNT[0])
    Notification.objects.create(organizer=organizer, customer=console_customer, kind="case_reply", channel="email",
                                key="k-case", recipient=ACCOUNT[0], subject=f"Обращение #1: {CASE_SUBJECT}",
                                status=Notification.SENT)
    return {"customer": console_customer, "visible": visible, "hidden": hidden, "case": case, "event": series}


def viewer(organizer, event, *, customers=False, cases=False) -> User:
    """Order access to ``event`` only, the console, and optionally customer data and cases."""
    user = User.objects.create_user("viewer@example.org", PASSWORD)
    perms = {CONSOLE: True}
    if customers:
        perms["organizer.customers:read"] = True
    if cases:
        perms[CASES_READ] = True
    team = Team.objects.create(organizer=organizer, name="Event A", all_events=False,
                               limit_event_permissions={"event.orders:read": True}, limit_organizer_permissions=perms)
    team.limit_events.add(event)
    team.members.add(user)
    return user


def pages(client, organizer, customer) -> dict[str, str]:
    out = {}
    for name in ("console.customer", "console.customer.export"):
        r = client.get(reverse(f"plugins:ticketing_helpdesk:{name}", kwargs={
            "organizer": organizer.slug, "customer": customer.identifier}))
        assert r.status_code == 200, name
        out[name] = r.content.decode("utf-8-sig")
    return out


@pytest.mark.parametrize("customers", [False, True], ids=["no-customer-permission", "customer-permission"])
@pytest.mark.parametrize("cases", [False, True], ids=["no-case-permission", "case-permission"])
def test_profile_and_export_show_only_what_the_viewers_teams_allow(organizer, client, world, customers, cases):
    login(client, viewer(organizer, world["event"], customers=customers, cases=cases))
    for name, text in pages(client, organizer, world["customer"]).items():
        # the order of the viewer's event, with its contact data, always
        assert world["visible"].code in text and VISIBLE[0] in text and VISIBLE[1] in text, name
        # nothing of the other event: neither the order nor its contact data nor the messages about it
        assert world["hidden"].code not in text and HIDDEN[0] not in text and HIDDEN[1] not in text, name
        # the account's own e-mail and phone only with pretix's customer permission
        assert (ACCOUNT[0] in text) is customers and (ACCOUNT[1] in text) is customers, name
        # the case, and the e-mail that quotes its subject, only with the case permission
        assert (CASE_SUBJECT in text) is cases, name
    html = client.get(reverse("plugins:ticketing_helpdesk:console.customer", kwargs={
        "organizer": organizer.slug, "customer": world["customer"].identifier}), HTTP_ACCEPT_LANGUAGE="ru")
    assert ("У вас нет доступа к аккаунтам клиентов" in html.content.decode()) is not customers


def test_full_viewer_sees_everything(organizer, client, world, agent):
    agent_team = agent.teams.get()
    agent_team.limit_organizer_permissions = {**agent_team.limit_organizer_permissions, CASES_READ: True}
    agent_team.save()
    login(client, agent)  # support agent: every event, customers, cases
    for name, text in pages(client, organizer, world["customer"]).items():
        for expected in (world["visible"].code, world["hidden"].code, *ACCOUNT, *VISIBLE, *HIDDEN, CASE_SUBJECT):
            assert expected in text, (name, expected)


def test_profile_without_customer_permission_and_without_a_readable_order_is_404(organizer, client, world, boat,
                                                                                  pier):
    elsewhere = factories.make_series(organizer, slug="elsewhere")
    login(client, viewer(organizer, elsewhere))
    for name in ("console.customer", "console.customer.export"):
        r = client.get(reverse(f"plugins:ticketing_helpdesk:{name}", kwargs={
            "organizer": organizer.slug, "customer": world["customer"].identifier}))
        assert r.status_code == 404, name
