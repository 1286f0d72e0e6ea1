"""The case workflow: numbering, links, statuses with reopen, replies e-mailed in the customer's language, notes."""
import pytest
from django.core import mail

from ticketing_core.notifications.models import Notification
from ticketing_core.testing import factories

from ..cases.services import CaseError, add_note, agents, change, customer_message, open_case, reply
from ..models import CaseMessage, SupportCase
from .cases_fixtures import make_case

pytestmark = pytest.mark.django_db
pytest_plugins = ["ticketing_helpdesk.tests.cases_fixtures"]


def test_case_numbers_count_up_per_organizer(organizer):
    other = factories.make_organizer(slug="baltika", name="Балтика")
    assert [make_case(organizer).number for _i in range(3)] == [1, 2, 3]
    assert make_case(other).number == 1
    assert make_case(organizer).reference == "#4"


def test_a_case_needs_a_subject_a_message_and_a_way_to_answer(organizer):
    with pytest.raises(CaseError):
        make_case(organizer, subject=" ")
    with pytest.raises(CaseError):
        make_case(organizer, body="")
    with pytest.raises(CaseError):
        make_case(organizer, email="", name="Аноним")
    assert make_case(organizer, email="", phone="+7 916 123-45-67").phone == "+7 916 123-45-67"


def test_a_case_about_an_order_takes_its_email_language_and_sailing(organizer, series, sailing):
    order = factories.make_order(series, sailing.subevent, [series.items.first()], email="ivan@example.org",
                                 locale="en")
    case = open_case(organizer, subject="Refund?", body="Can I get a refund?", order=order, locale="")
    assert (case.email, case.locale, case.subevent_id) == ("ivan@example.org", "en", sailing.subevent_id)
    position = order.positions.first()
    case2 = open_case(organizer, subject="Lost", body="Lost my ticket", position=position)
    assert case2.order_id == order.pk and case2.subevent_id == sailing.subevent_id


def test_links_to_another_organizers_order_are_refused(organizer, series, sailing):
    other = factories.make_organizer(slug="baltika", name="Балтика")
    order = factories.make_order(series, sailing.subevent, [series.items.first()])
    with pytest.raises(CaseError):
        open_case(other, subject="x", body="y", order=order)


def test_status_workflow_with_reopen(organizer, case_agent):
    case = make_case(organizer)
    for status in ("open", "waiting", "open", "resolved", "closed", "open", "resolved"):
        change(case, case_agent, status=status)
    case.refresh_from_db()
    assert case.status == "resolved" and case.resolved_at is not None and case.closed_at is None
    history = [(m.data["old"], m.data["new"]) for m in case.messages.filter(kind=CaseMessage.KIND_EVENT)]
    assert history[0] == ("new", "open") and history[5] == ("closed", "open")
    assert case.all_logentries().filter(action_type="ticketing_helpdesk.case.status_changed").count() == 7


def test_impossible_transitions_are_refused(organizer, case_agent):
    case = make_case(organizer)
    change(case, case_agent, status="closed")
    with pytest.raises(CaseError):
        change(case, case_agent, status="waiting")
    with pytest.raises(CaseError):
        change(case, case_agent, status="resolved")
    case.refresh_from_db()
    assert case.status == "closed"


def test_reply_is_emailed_in_the_customers_language_and_pauses_the_case(
        organizer, case_agent, django_capture_on_commit_callbacks):
    case = make_case(organizer, locale="en", email="john@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        msg = reply(case, case_agent, "Your ticket is in your account.")
    case.refresh_from_db()
    assert case.status == "waiting" and case.first_response_at == msg.created
    n = Notification.objects.get(kind="case_reply")
    assert n.recipient == "john@example.org" and n.locale == "en" and n.order_id is None
    assert n.subject == "Your request #1: Потерял билет"
    assert "Your ticket is in your account." in n.text
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["john@example.org"]
    assert "/support/1/" in mail.outbox[0].body
    assert case.all_logentries().filter(action_type="ticketing_helpdesk.case.replied").exists()


def test_reply_in_russian_and_chinese(organizer, case_agent, django_capture_on_commit_callbacks):
    ru = make_case(organizer, locale="ru", email="a@example.org")
    zh = make_case(organizer, locale="zh-hans", email="b@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        reply(ru, case_agent, "Ответ")
        reply(zh, case_agent, "回复")
    subjects = dict(Notification.objects.values_list("recipient", "subject"))
    assert subjects["a@example.org"].startswith("Обращение #1")
    assert subjects["b@example.org"].startswith("您的咨询 #2")


def test_a_note_is_never_sent_to_the_customer(organizer, case_agent, django_capture_on_commit_callbacks):
    case = make_case(organizer)
    with django_capture_on_commit_callbacks(execute=True):
        add_note(case, case_agent, "Клиент звонил второй раз, проверить возврат")
    assert not Notification.objects.exists() and not mail.outbox
    case.refresh_from_db()
    assert case.status == "new" and case.first_response_at is None


def test_customer_writing_again_reopens_a_waiting_or_resolved_case(organizer, case_agent):
    case = make_case(organizer)
    reply(case, case_agent, "Пришлите номер заказа", status="waiting")
    customer_message(case, "Заказ ABC12")
    case.refresh_from_db()
    assert case.status == "open"
    change(case, case_agent, status="resolved")
    customer_message(case, "Ещё вопрос")
    case.refresh_from_db()
    assert case.status == "open" and case.resolved_at is None
    change(case, case_agent, status="closed")
    with pytest.raises(CaseError):
        customer_message(case, "А теперь?")


def test_only_staff_who_may_change_cases_can_be_assigned(organizer, case_agent, case_viewer):
    case = make_case(organizer)
    assert case_agent in agents(organizer) and case_viewer not in agents(organizer)
    change(case, case_agent, assignee=case_agent, priority="high", category="refund")
    case.refresh_from_db()
    assert (case.assignee, case.priority, case.category) == (case_agent, "high", "refund")
    with pytest.raises(CaseError):
        change(case, case_agent, assignee=case_viewer)
    change(case, case_agent, assignee=None)
    case.refresh_from_db()
    assert case.assignee is None


def test_replying_to_a_closed_case_needs_a_reopen(organizer, case_agent):
    case = make_case(organizer)
    change(case, case_agent, status="closed")
    with pytest.raises(CaseError):
        reply(case, case_agent, "Ответ")
    change(case, case_agent, status="open")
    reply(case, case_agent, "Ответ после открытия заново", status="resolved")
    case.refresh_from_db()
    assert case.status == SupportCase.STATUS_RESOLVED


def test_a_case_joins_the_account_with_its_email_when_the_organizer_links_by_email(organizer, case_customer):
    assert make_case(organizer, email="ANNA@example.org").customer is None  # pretix's setting is off by default
    organizer.settings.customer_accounts_link_by_email = True
    case = make_case(organizer, email="ANNA@example.org")
    assert case.customer == case_customer
    assert make_case(organizer, email="someone@example.org").customer is None


def test_the_assignee_hears_when_the_customer_writes_again(organizer, case_agent,
                                                          django_capture_on_commit_callbacks):
    case = make_case(organizer)
    change(case, case_agent, assignee=case_agent)
    reply(case, case_agent, "Пришлите фото билета")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        customer_message(case, "Вот фото {braces} и всё")
    assert mail.outbox[-1].to == ["agent@example.org"] and "#1" in mail.outbox[-1].subject
    assert "{braces}" in mail.outbox[-1].body and f"/cases/{case.number}/" in mail.outbox[-1].body


def test_a_customer_cannot_flood_a_case(organizer, monkeypatch):
    from ..cases import services

    monkeypatch.setattr(services, "CUSTOMER_RATE_LIMIT", 3)
    case = make_case(organizer)  # the first message counts
    customer_message(case, "2")
    customer_message(case, "3")
    with pytest.raises(CaseError):
        customer_message(case, "4")


def test_reply_goes_by_sms_only_to_customers_who_agreed(organizer, case_agent, case_customer,
                                                       django_capture_on_commit_callbacks, monkeypatch):
    from ticketing_core.notifications import tasks
    from ticketing_core.notifications.models import ContactPreference

    monkeypatch.setattr(tasks.send_notification, "apply_async", lambda *a, **kw: None)  # no gateway here
    case = make_case(organizer, customer=case_customer, phone="+79161234567")
    reply(case, case_agent, "Ответ 1")
    assert set(Notification.objects.values_list("channel", flat=True)) == {"email"}
    ContactPreference.objects.create(customer=case_customer, sms=True, phone="+79217654321")
    reply(case, case_agent, "Ответ 2", status="open")
    sms = Notification.objects.get(channel="sms")
    assert sms.recipient == "+79217654321" and sms.status == Notification.PENDING and "#1" in sms.text
