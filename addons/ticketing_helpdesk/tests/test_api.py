"""REST API of the cases (token auth, permissions, workflow) and the webhooks for case events."""
import json

import pytest
from django.core import mail
from rest_framework.test import APIClient

from pretix.api.models import WebHook
from pretix.base.models import LogEntry, Team

from ticketing_core.testing import factories

from ..cases.services import change, reply
from ..cases.webhooks import webhook_events
from ..models import CaseMessage, SupportCase
from .cases_fixtures import make_case, make_staff

pytestmark = pytest.mark.django_db
pytest_plugins = ["ticketing_helpdesk.tests.cases_fixtures"]


def token_client(client, organizer, permissions: dict) -> APIClient:
    """An API client with a team token of ``organizer`` holding ``permissions`` (``client`` is unused)."""
    team = Team.objects.create(organizer=organizer, name=f"API {len(permissions)}", all_events=True,
                               limit_organizer_permissions=permissions)
    token = team.tokens.create(name="crm")
    api_client = APIClient()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.token}")
    return api_client


@pytest.fixture
def writer(client, organizer):
    return token_client(client, organizer, {"organizer.cases:read": True, "organizer.cases:write": True})


@pytest.fixture
def reader(client, organizer):
    return token_client(client, organizer, {"organizer.cases:read": True})


def api(organizer, path: str = "") -> str:
    return f"/api/v1/organizers/{organizer.slug}/cases/{path}"


def test_list_filter_and_detail(organizer, reader, case_agent):
    a = make_case(organizer, priority="high", category="refund")
    b = make_case(organizer)
    change(b, case_agent, status="closed")
    r = reader.get(api(organizer))
    assert r.status_code == 200 and [c["number"] for c in r.data["results"]] == [a.number]
    assert [c["number"] for c in reader.get(api(organizer) + "?status=all&sort=created").data["results"]] == [1, 2]
    assert reader.get(api(organizer) + "?priority=high").data["count"] == 1
    assert reader.get(api(organizer) + "?category=complaint").data["count"] == 0
    assert reader.get(api(organizer) + "?status=closed").data["results"][0]["status"] == "closed"
    detail = reader.get(api(organizer, f"{a.number}/")).data
    assert detail["subject"] == "Потерял билет" and detail["sla_state"] == "ok" and detail["first_response_due"]
    assert reader.get(api(organizer) + "?status=bogus").status_code == 400


def test_create_reply_note_and_change_through_the_api(organizer, writer, case_agent, series, sailing,
                                                      django_capture_on_commit_callbacks):
    order = factories.make_order(series, sailing.subevent, [series.items.first()], email="ivan@example.org",
                                 locale="en")
    r = writer.post(api(organizer), {"subject": "Charter for 40", "body": "Do you have a boat for 40 guests?",
                                     "category": "charter", "channel": "email", "order": order.code,
                                     "locale": "en"}, format="json")
    assert r.status_code == 201, r.data
    number = r.data["number"]
    assert r.data["order"] == order.code and r.data["email"] == "ivan@example.org" and r.data["event"] == series.slug
    with django_capture_on_commit_callbacks(execute=True):
        r = writer.post(api(organizer, f"{number}/reply/"), {"body": "Yes, «Аврора»."}, format="json")
    assert r.status_code == 201 and mail.outbox[-1].to == ["ivan@example.org"]
    assert writer.post(api(organizer, f"{number}/note/"), {"body": "VIP"}, format="json").status_code == 201
    r = writer.patch(api(organizer, f"{number}/"), {"status": "resolved", "priority": "high",
                                                   "assignee": case_agent.email}, format="json")
    assert r.status_code == 200 and (r.data["status"], r.data["assignee"]) == ("resolved", case_agent.email)
    kinds = [m["kind"] for m in writer.get(api(organizer, f"{number}/messages/")).data]
    assert kinds.count("reply") == 1 and kinds.count("note") == 1 and kinds[0] == "customer"
    case = SupportCase.objects.get(number=number)
    entry = case.all_logentries().get(action_type="ticketing_helpdesk.case.created")
    assert entry.api_token is not None  # who did it through the API is on record
    assert writer.get(api(organizer, f"{number}/sla/")).data["first_response"]["met"] is True


def test_create_about_a_ticket_and_a_sailing(organizer, writer, series, sailing):
    order = factories.make_order(series, sailing.subevent, [series.items.first()], email="ivan@example.org")
    position = order.positions.first()
    r = writer.post(api(organizer), {"subject": "Lost", "body": "Lost my ticket", "category": "lost_ticket",
                                     "position": position.pk}, format="json")
    assert r.status_code == 201, r.data
    assert (r.data["order"], r.data["position"], r.data["subevent"]) == (order.code, position.pk,
                                                                         sailing.subevent_id)
    other = factories.make_organizer(slug="baltika", name="Балтика")
    foreign = factories.make_order(factories.make_series(other), None, [])
    r = writer.post(api(organizer), {"subject": "x", "body": "y", "email": "a@example.org",
                                     "subevent": sailing.subevent_id + 999}, format="json")
    assert r.status_code == 400 and "subevent" in r.data
    assert writer.post(api(organizer), {"subject": "x", "body": "y", "order": foreign.code},
                       format="json").status_code == 400


def test_api_refuses_bad_requests_with_reasons_and_changes_nothing(organizer, writer, case_agent):
    assert writer.post(api(organizer), {"subject": "x"}, format="json").status_code == 400
    r = writer.post(api(organizer), {"subject": "x", "body": "y"}, format="json")
    assert r.status_code == 400 and "detail" in r.data  # no e-mail, phone, order or customer
    assert writer.post(api(organizer), {"subject": "x", "body": "y", "email": "a@example.org",
                                        "order": "NOPE1"}, format="json").status_code == 400
    case = make_case(organizer)
    change(case, case_agent, status="closed")
    r = writer.patch(api(organizer, f"{case.number}/"), {"status": "waiting"}, format="json")
    assert r.status_code == 400 and "detail" in r.data
    r = writer.patch(api(organizer, f"{case.number}/"), {"assignee": "nobody@example.org"}, format="json")
    assert r.status_code == 400
    case.refresh_from_db()
    assert case.status == "closed" and case.assignee is None


def test_read_only_token_cannot_change_and_others_see_nothing(organizer, client, reader):
    case = make_case(organizer)
    assert reader.post(api(organizer, f"{case.number}/note/"), {"body": "x"}, format="json").status_code == 403
    assert reader.patch(api(organizer, f"{case.number}/"), {"status": "open"}, format="json").status_code == 403
    assert reader.post(api(organizer), {"subject": "x", "body": "y", "email": "a@example.org"},
                       format="json").status_code == 403
    assert not CaseMessage.objects.filter(kind="note").exists() and SupportCase.objects.count() == 1
    none = token_client(client, organizer, {"organizer.customers:read": True})
    assert none.get(api(organizer)).status_code == 403


def test_a_token_of_another_organizer_sees_nothing(organizer, client):
    make_case(organizer)
    other = factories.make_organizer(slug="baltika", name="Балтика")
    foreign = token_client(client, other, {"organizer.cases:read": True})
    assert foreign.get(api(organizer)).status_code == 403
    assert foreign.get(api(other)).data["count"] == 0


def test_webhooks_for_created_replied_and_status_changed(organizer, case_agent, django_capture_on_commit_callbacks,
                                                        monkeypatch):
    types = [e.action_type for e in webhook_events()]
    hook = WebHook.objects.create(organizer=organizer, target_url="https://hooks.example.org/", enabled=True,
                                  all_events=True)
    for t in types:
        hook.listeners.create(action_type=t)
    import pretix.api.webhooks as webhooks

    sent = []
    monkeypatch.setattr(webhooks.send_webhook, "apply_async", lambda args, **kw: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        case = make_case(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        reply(case, case_agent, "Ответ")  # also new → waiting
    with django_capture_on_commit_callbacks(execute=True):
        change(case, case_agent, priority="high")  # not a status change: no "status changed" webhook
    fired = [a[1] for a in sent]
    assert fired.count("ticketing_helpdesk.case.created") == 1
    assert fired.count("ticketing_helpdesk.case.replied") == 1
    assert fired.count("ticketing_helpdesk.case.status_changed") == 1
    status_entry = LogEntry.objects.get(action_type="ticketing_helpdesk.case.status_changed")
    payload = status_entry.webhook_type.build_payload(status_entry)
    assert payload["case"] == case.number and (payload["old"], payload["new"]) == ("new", "waiting")
    assert set(types) == {"ticketing_helpdesk.case.created", "ticketing_helpdesk.case.replied",
                          "ticketing_helpdesk.case.customer_replied", "ticketing_helpdesk.case.status_changed",
                          "ticketing_helpdesk.case.sla_breached"}


def test_attachments_are_listed_and_downloadable_with_read_permission(organizer, reader, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ..cases import attachments

    case = make_case(organizer)
    att = attachments.store(case, SimpleUploadedFile("t.pdf", b"%PDF-1.4 x"), by_customer=True,
                            message=case.messages.first())
    listed = reader.get(api(organizer, f"{case.number}/messages/")).data[0]["attachments"]
    assert listed == [{"id": att.pk, "filename": "t.pdf", "content_type": "application/pdf", "size": 10}]
    r = reader.get(api(organizer, f"{case.number}/attachments/{att.pk}/"))
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 x"
    assert reader.get(api(organizer, f"{case.number}/attachments/{att.pk + 1}/")).status_code == 404
    none = token_client(client, organizer, {"organizer.customers:read": True})
    assert none.get(api(organizer, f"{case.number}/attachments/{att.pk}/")).status_code == 403


def test_assigning_does_not_reveal_which_users_exist_on_the_instance(organizer, writer, case_agent, case_viewer):
    """Unknown address, another organizer's agent, this organizer's staff without case access: one same answer."""
    other = factories.make_organizer("other", "Другой оператор")
    make_staff(other, "elsewhere@example.org", {"organizer.cases:read": True, "organizer.cases:write": True})
    case = make_case(organizer)
    answers = []
    for email in ("nobody@example.org", "elsewhere@example.org", case_viewer.email, "ELSEWHERE@example.org"):
        for send in (lambda e: writer.patch(api(organizer, f"{case.number}/"), {"assignee": e}, format="json"),
                     lambda e: writer.post(api(organizer), {"subject": "x", "body": "y", "email": "a@example.org",
                                                            "assignee": e}, format="json")):
            r = send(email)
            answers.append((r.status_code, r.json()))
    assert len(set(json.dumps(a, sort_keys=True) for a in answers)) == 1, answers
    assert answers[0][0] == 400 and list(answers[0][1]) == ["assignee"]
    case.refresh_from_db()
    assert case.assignee is None and SupportCase.objects.filter(organizer=organizer).count() == 1
    r = writer.patch(api(organizer, f"{case.number}/"), {"assignee": case_agent.email.upper()}, format="json",
                     HTTP_ACCEPT_LANGUAGE="ru")
    assert r.status_code == 200 and r.data["assignee"] == case_agent.email
