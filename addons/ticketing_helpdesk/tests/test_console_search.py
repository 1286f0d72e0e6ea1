"""The console's search box: every kind of query, across events, limited to what the agent may see."""
from django.urls import reverse

from pretix.base.models import LogEntry

from ..console.search import as_case_number, as_order_code, as_phone, search, secrets_of
from .console_fixtures import make_order, staff


def url(organizer, q):
    return reverse("plugins:ticketing_helpdesk:console", kwargs={"organizer": organizer.slug}) + "?q=" + q


def test_phone_in_any_format_is_normalised():
    for raw in ("8 (916) 123-45-67", "+7 916 123 45 67", "9161234567", "+7(916)1234567", "8-916-123-45-67"):
        assert as_phone(raw) == "+79161234567", raw
    assert as_phone("ABCDE") == ""
    assert as_phone("12") == ""


def test_order_code_and_full_code_and_case_number():
    assert as_order_code("abc12") == "ABC12"
    assert as_order_code("EVENING-ABC12") == "ABC12"
    assert as_order_code("anna@example.org") == ""
    assert as_case_number("#42") == 42
    assert as_case_number("42") == 42
    assert as_case_number("Иван") is None


def test_qr_url_yields_its_last_segment():
    assert "s3cr3tS3cr3t" in secrets_of("https://example.org/t/s3cr3tS3cr3t/")


def test_finds_order_by_phone_in_any_format(organizer, agent, order):
    for q in ("8 (916) 123-45-67", "+79161234567", "9161234567"):
        result = search(organizer, agent, q)
        assert [o.code for o in result.orders] == [order.code], q
        assert result.phone == "+79161234567"


def test_finds_order_by_code_email_name_and_ticket_secret(organizer, agent, order):
    assert search(organizer, agent, order.code.lower()).orders == [order]
    assert search(organizer, agent, f"{order.event.slug}-{order.code}").orders == [order]
    assert search(organizer, agent, "ANNA@example.org").orders == [order]
    assert search(organizer, agent, "смирнова").orders == [order]
    position = order.positions.first()
    result = search(organizer, agent, position.secret)
    assert position in result.tickets
    assert position in search(organizer, agent, f"https://tickets.example.org/q/{position.secret}").tickets


def test_finds_the_ticket_and_its_order_by_the_ticket_number(organizer, agent, agent_client, sailing):
    """The number printed on a ticket, "QK7AR-1": the order code and the ticket's position in the order."""
    order = make_order(sailing)
    other = make_order(sailing)
    for number, p in enumerate(order.positions.order_by("pk"), start=1):  # numbered as pretix numbers them
        p.positionid = number
        p.save(update_fields=["positionid"])
    position = order.positions.get(positionid=1)
    assert order.positions.count() == 2
    for q in (f"{order.code}-1", f"{order.code.lower()}-1", f"{order.event.slug}-{order.code}-1", f" {order.code}-1 "):
        result = search(organizer, agent, q)
        assert result.orders == [order], q
        assert result.tickets == [position], q
    assert other not in search(organizer, agent, f"{order.code}-1").orders
    assert search(organizer, agent, f"{order.code}-2").tickets == [order.positions.get(positionid=2)]
    assert search(organizer, agent, f"{order.code}-9").tickets == []
    html = agent_client.get(url(organizer, f"{order.code}-1")).content.decode()
    assert order.code in html


def test_guest_customers_are_grouped_by_email(organizer, agent, sailing):
    a = make_order(sailing)
    b = make_order(sailing)
    result = search(organizer, agent, "anna@example.org")
    assert {o.pk for o in result.orders} == {a.pk, b.pk}
    assert len(result.guests) == 1 and result.guests[0]["count"] == 2


def test_finds_customer_account_by_phone_email_and_name(organizer, agent, console_customer):
    assert search(organizer, agent, "8 903 555 00 11").customers == [console_customer]
    assert search(organizer, agent, "boris@example.org").customers == [console_customer]
    assert search(organizer, agent, "Ельцов").customers == [console_customer]


def test_phone_from_checkout_contact_preference_is_found(organizer, agent, sailing):
    from ticketing_core.notifications.models import ContactPreference

    o = make_order(sailing, phone=None, email="x@example.org")
    ContactPreference.objects.create(order=o, phone="+79267770000", sms=True)
    assert search(organizer, agent, "8 926 777-00-00").orders == [o]


def test_orders_of_events_the_agent_may_not_see_are_not_found(organizer, sailing, order):
    from pretix.base.models import Team, User

    outsider = User.objects.create_user("outsider@example.org", "admin-password-123")
    team = Team.objects.create(organizer=organizer, name="Other", all_events=False,
                               limit_organizer_permissions={"organizer.console:read": True},
                               limit_event_permissions={"event.orders:read": True})
    team.members.add(outsider)
    assert search(organizer, outsider, order.code).orders == []


def test_other_organizers_orders_are_not_found(agent, order):
    from ticketing_core.testing import factories

    other = factories.make_organizer(slug="other", name="Other")
    assert search(other, agent, order.code).orders == []


def test_search_page_groups_results_and_logs_the_search(organizer, agent_client, order, console_customer):
    r = agent_client.get(url(organizer, "8 (916) 123-45-67"))
    assert r.status_code == 200
    html = r.content.decode()
    assert order.code in html and "ticketing-console-orders" in html
    entry = LogEntry.objects.get(action_type="ticketing_helpdesk.console.searched")
    assert entry.parsed_data["query"] == "8 (916) 123-45-67"
    assert entry.parsed_data["ip"] == "127.0.0.1"
    r = agent_client.get(url(organizer, "zzzzzz-nothing"))
    assert "ticketing-console-empty" in r.content.decode()


def test_search_page_requires_the_console_permission(client, organizer, order):
    from ticketing_core.testing.fixtures import login

    boarding = staff(organizer, "boarding")
    r = login(client, boarding).get(url(organizer, order.code))
    assert r.status_code == 403
    assert not LogEntry.objects.filter(action_type="ticketing_helpdesk.console.searched").exists()


def test_finds_support_cases_by_number_email_and_order_code(organizer, agent, agent_client, order):
    from ..models import SupportCase

    case = SupportCase.objects.create(organizer=organizer, number=42, subject="Коляска на борту",
                                      email="anna@example.org", order=order)
    assert search(organizer, agent, "#42").cases == [case]
    assert search(organizer, agent, "42").cases == [case]
    assert search(organizer, agent, "anna@example.org").cases == [case]
    assert search(organizer, agent, order.code).cases == [case]
    html = agent_client.get(url(organizer, "%2342")).content.decode()
    assert reverse("plugins:ticketing_helpdesk:case", kwargs={"organizer": organizer.slug, "number": 42}) in html


def test_cases_are_not_searched_without_the_cases_permission(organizer, order):
    from ..models import SupportCase

    SupportCase.objects.create(organizer=organizer, number=42, subject="x", email="anna@example.org")
    manager = staff(organizer, "sales_manager")
    assert search(organizer, manager, "#42").cases  # sales managers read cases
    from pretix.base.models import Team, User

    user = User.objects.create_user("console-only@example.org", "admin-password-123")
    team = Team.objects.create(organizer=organizer, name="C", all_events=True,
                               limit_organizer_permissions={"organizer.console:read": True},
                               limit_event_permissions={"event.orders:read": True})
    team.members.add(user)
    assert search(organizer, user, "#42").cases == []
