"""The console's REST API: search with a token, refunds within the policy only, refused after the deadline."""
from datetime import timedelta

from freezegun import freeze_time
from rest_framework.test import APIClient

from pretix.base.models import LogEntry, Order

from ..roles.templates import ROLES, apply_role


def token_client(organizer, role_key):
    team, _ = apply_role(organizer, ROLES[role_key], None)
    api = APIClient()
    token = team.tokens.create(name="support-bot")
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.token}")
    return api, token


def test_search_by_phone_through_the_api_is_logged_with_the_token(organizer, order):
    api, token = token_client(organizer, "support_agent")
    r = api.get(f"/api/v1/organizers/{organizer.slug}/console_search/", {"q": "8 (916) 123-45-67"},
                REMOTE_ADDR="10.2.2.2")
    assert r.status_code == 200
    assert r.data["phone"] == "+79161234567" and [o["code"] for o in r.data["orders"]] == [order.code]
    entry = LogEntry.objects.get(action_type="ticketing_helpdesk.console.searched")
    assert entry.api_token == token and entry.parsed_data["ip"] == "10.2.2.2"


def test_search_needs_a_query(organizer):
    api, _token = token_client(organizer, "support_agent")
    assert api.get(f"/api/v1/organizers/{organizer.slug}/console_search/").status_code == 400


def test_api_refund_one_second_before_and_after_the_deadline(organizer, order, sailing):
    api, token = token_client(organizer, "support_agent")
    url = f"/api/v1/organizers/{organizer.slug}/events/{order.event.slug}/policy_refunds/"
    deadline = sailing.subevent.date_from - timedelta(hours=24)
    with freeze_time(deadline + timedelta(seconds=1)):
        r = api.post(url, {"order": order.code}, format="json")
    assert r.status_code == 400 and "24" in r.data["detail"]
    order.refresh_from_db()
    assert order.status == Order.STATUS_PAID and not order.refunds.exists()
    with freeze_time(deadline - timedelta(seconds=1)):
        r = api.post(url, {"order": order.code}, format="json")
    assert r.status_code == 201 and r.data["amount"] == "2400.00"
    order.refresh_from_db()
    assert order.status == Order.STATUS_CANCELED
    assert LogEntry.objects.get(action_type="ticketing_helpdesk.refund").api_token == token


def test_api_refund_of_single_tickets_and_bad_input(organizer, order):
    api, _token = token_client(organizer, "support_agent")
    url = f"/api/v1/organizers/{organizer.slug}/events/{order.event.slug}/policy_refunds/"
    assert api.post(url, {"order": "NOPE1"}, format="json").status_code == 400
    assert api.post(url, {"positions": "x"}, format="json").status_code == 400
    child = order.positions.order_by("pk").last()
    r = api.post(url, {"order": order.code, "positions": [child.pk]}, format="json")
    assert r.status_code == 201 and r.data["amount"] == "900.00"
    assert order.positions.count() == 1
