"""Back-office pages: the list with filters and sorts, a case with reply/note/changes, a new case, SLA settings."""
from datetime import time

import pytest
from django.urls import reverse
from django.utils import translation
from freezegun import freeze_time

from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login

from ..cases.services import change
from ..models import BusinessHours, CaseMessage, Holiday, SlaPolicy, SupportCase
from .cases_fixtures import make_case, msk

pytestmark = pytest.mark.django_db
pytest_plugins = ["ticketing_helpdesk.tests.cases_fixtures"]


def url(organizer, name, **kwargs):
    return reverse(f"plugins:ticketing_helpdesk:{name}", kwargs={"organizer": organizer.slug, **kwargs})


def numbers(response) -> list[int]:
    return [c.number for c in response.context["cases"]]


def test_list_shows_open_cases_and_filters_by_status_priority_category_assignee(
        organizer, case_agent, case_agent_client):
    a = make_case(organizer, subject="Возврат", category="refund", priority="high")
    b = make_case(organizer, subject="Жалоба", category="complaint")
    c = make_case(organizer, subject="Закрыто")
    change(c, case_agent, status="closed")
    change(b, case_agent, assignee=case_agent)
    r = case_agent_client.get(url(organizer, "cases"))
    assert r.status_code == 200 and sorted(numbers(r)) == [a.number, b.number]
    assert numbers(case_agent_client.get(url(organizer, "cases") + "?status=closed")) == [c.number]
    assert numbers(case_agent_client.get(url(organizer, "cases") + "?status=all&sort=created")) == [1, 2, 3]
    assert numbers(case_agent_client.get(url(organizer, "cases") + "?priority=high")) == [a.number]
    assert numbers(case_agent_client.get(url(organizer, "cases") + "?category=complaint")) == [b.number]
    assert numbers(case_agent_client.get(url(organizer, "cases") + "?assignee=me")) == [b.number]
    assert numbers(case_agent_client.get(url(organizer, "cases") + "?assignee=none")) == [a.number]
    assert numbers(case_agent_client.get(url(organizer, "cases") + "?q=%231")) == [a.number]
    assert numbers(case_agent_client.get(url(organizer, "cases") + "?sort=-priority")) == [a.number, b.number]


def test_list_filters_and_sorts_by_sla_state(organizer, case_agent_client):
    SlaPolicy.objects.create(organizer=organizer, priority="normal", category="", first_response_minutes=60,
                             resolution_minutes=600)
    with freeze_time(msk(2027, 1, 4, 9)):
        old = make_case(organizer, subject="Давно")
    with freeze_time(msk(2027, 1, 4, 10, 50)):
        recent = make_case(organizer, subject="Только что")
    with freeze_time(msk(2027, 1, 4, 11, 40)):
        fresh = make_case(organizer, subject="Свежее")
    from ..sla.tasks import scan

    scan(at=msk(2027, 1, 4, 11, 40))  # the stored state the list filters and sorts by
    r = case_agent_client.get(url(organizer, "cases") + "?sort=sla")
    assert numbers(r) == [old.number, recent.number, fresh.number]
    assert numbers(case_agent_client.get(url(organizer, "cases") + "?sla=breached")) == [old.number]
    assert numbers(case_agent_client.get(url(organizer, "cases") + "?sla=at_risk")) == [recent.number]
    assert "Нарушен" in r.content.decode() or "Breached" in r.content.decode()


def test_detail_shows_timeline_sla_and_forms(organizer, case_agent, case_agent_client):
    case = make_case(organizer)
    r = case_agent_client.get(url(organizer, "case", number=case.number))
    html = r.content.decode()
    assert r.status_code == 200 and "Не могу найти билет" in html and 'id="reply-form"' in html
    assert 'id="case-sla"' in html


def test_agent_replies_adds_a_note_and_changes_status_and_assignee(organizer, case_agent, case_agent_client):
    case = make_case(organizer)
    page = url(organizer, "case", number=case.number)
    r = case_agent_client.post(page, {"action": "reply", "reply-body": "Билет в приложении", "reply-status": "waiting"})
    assert r.status_code == 302
    case_agent_client.post(page, {"action": "note", "note-body": "Проверил оплату"})
    case_agent_client.post(page, {"action": "change", "change-status": "resolved", "change-priority": "high",
                             "change-category": "lost_ticket", "change-assignee": str(case_agent.pk)})
    case.refresh_from_db()
    assert (case.status, case.priority, case.category, case.assignee) == ("resolved", "high", "lost_ticket", case_agent)
    kinds = list(case.messages.values_list("kind", flat=True))
    assert kinds.count(CaseMessage.KIND_REPLY) == 1 and kinds.count(CaseMessage.KIND_NOTE) == 1


def test_refused_change_shows_the_reason_and_changes_nothing(organizer, case_agent, case_agent_client):
    case = make_case(organizer)
    change(case, case_agent, status="closed")
    r = case_agent_client.post(url(organizer, "case", number=case.number), {"action": "reply", "reply-body": "x",
                                                                       "reply-status": "waiting"})
    assert r.status_code == 200 and not case.messages.filter(kind="reply").exists()
    assert "Reopen" in r.content.decode() or "откройте" in r.content.decode().lower()


def test_read_only_staff_see_cases_but_cannot_change_them(organizer, client, case_viewer):
    case = make_case(organizer)
    login(client, case_viewer)
    r = client.get(url(organizer, "case", number=case.number))
    assert r.status_code == 200 and 'id="reply-form"' not in r.content.decode()
    r = client.post(url(organizer, "case", number=case.number), {"action": "note", "note-body": "x"})
    assert r.status_code in (403, 404) and not case.messages.filter(kind="note").exists()
    assert client.get(url(organizer, "case.add")).status_code == 403
    assert client.get(url(organizer, "sla.settings")).status_code == 403


def test_staff_without_case_permission_see_nothing(organizer, client, case_outsider):
    case = make_case(organizer)
    login(client, case_outsider)
    assert client.get(url(organizer, "cases")).status_code == 403
    assert client.get(url(organizer, "case", number=case.number)).status_code == 403
    assert client.get(url(organizer, "reports")).status_code == 403


def test_cases_of_another_organizer_are_not_found(organizer, case_agent_client):
    other = factories.make_organizer(slug="baltika", name="Балтика")
    foreign = make_case(other)
    assert case_agent_client.get(url(organizer, "case", number=foreign.number + 5)).status_code == 404


def test_staff_record_a_phone_call_about_an_order(organizer, case_agent, case_agent_client, series, sailing):
    order = factories.make_order(series, sailing.subevent, [series.items.first()], email="ivan@example.org")
    r = case_agent_client.post(url(organizer, "case.add"), {
        "channel": "phone", "subject": "Звонок", "body": "Просит перенести", "category": "other",
        "priority": "normal", "name": "Иван", "email": "", "phone": "+79161234567", "locale": "ru",
        "order": order.code.lower(), "assignee": str(case_agent.pk)})
    case = SupportCase.objects.get()
    assert r.status_code == 302 and r["Location"].endswith(f"/cases/{case.number}/")
    assert (case.channel, case.order, case.email, case.assignee) == ("phone", order, "ivan@example.org", case_agent)
    assert case.messages.get().author == case_agent


def test_new_case_needs_a_contact_and_an_existing_order(organizer, case_agent_client):
    base = {"channel": "in_person", "subject": "x", "body": "y", "category": "other", "priority": "normal",
            "locale": "ru"}
    r = case_agent_client.post(url(organizer, "case.add"), base)
    assert r.status_code == 200 and not SupportCase.objects.exists()
    r = case_agent_client.post(url(organizer, "case.add"), {**base, "order": "NOPE1"})
    assert r.status_code == 200 and r.context["form"].errors["order"]


def test_sla_settings_save_targets_hours_and_holidays(organizer, admin_client):
    data = {"policy-TOTAL_FORMS": "2", "policy-INITIAL_FORMS": "0", "policy-MIN_NUM_FORMS": "0",
            "policy-MAX_NUM_FORMS": "1000",
            "policy-0-priority": "urgent", "policy-0-category": "", "policy-0-first_response_minutes": "30",
            "policy-0-resolution_minutes": "240",
            "policy-1-priority": "", "policy-1-category": "", "policy-1-first_response_minutes": "",
            "policy-1-resolution_minutes": "",
            "cal-holidays": "2027-01-07 Рождество\n2027-03-08", "cal-at_risk_percent": "25"}
    for d in range(7):
        if d < 6:
            data.update({f"cal-open_{d}": "on", f"cal-start_{d}": "10:00", f"cal-end_{d}": "19:00"})
    r = admin_client.post(url(organizer, "sla.settings"), data)
    assert r.status_code == 302, r.context and (r.context["formset"].errors, r.context["calendar_form"].errors)
    p = SlaPolicy.objects.get(organizer=organizer)
    assert (p.priority, p.first_response_minutes, p.resolution_minutes) == ("urgent", 30, 240)
    assert BusinessHours.objects.filter(organizer=organizer).count() == 6
    assert BusinessHours.objects.get(organizer=organizer, weekday=5).start == time(10)
    assert sorted(str(h.date) for h in Holiday.objects.filter(organizer=organizer)) == ["2027-01-07", "2027-03-08"]
    assert organizer.settings.get("ticketing_helpdesk_at_risk_percent", as_type=int) == 25
    assert organizer.all_logentries().filter(action_type="ticketing_helpdesk.sla.changed").exists()


def test_sla_settings_refuse_bad_input_and_keep_the_old_values(organizer, admin_client):
    SlaPolicy.objects.create(organizer=organizer, priority="low", category="", first_response_minutes=600,
                             resolution_minutes=6000)
    data = {"policy-TOTAL_FORMS": "2", "policy-INITIAL_FORMS": "0", "policy-MIN_NUM_FORMS": "0",
            "policy-MAX_NUM_FORMS": "1000",
            "policy-0-priority": "high", "policy-0-category": "", "policy-0-first_response_minutes": "60",
            "policy-0-resolution_minutes": "100",
            "policy-1-priority": "high", "policy-1-category": "", "policy-1-first_response_minutes": "30",
            "policy-1-resolution_minutes": "50",
            "cal-holidays": "7 января", "cal-at_risk_percent": "20",
            "cal-open_0": "on", "cal-start_0": "18:00", "cal-end_0": "09:00"}
    r = admin_client.post(url(organizer, "sla.settings"), data)
    assert r.status_code == 200
    assert r.context["calendar_form"].errors["holidays"] and r.context["calendar_form"].errors["end_0"]
    assert r.context["formset"].non_form_errors()
    assert list(SlaPolicy.objects.filter(organizer=organizer).values_list("priority", flat=True)) == ["low"]


def test_organizer_menu_lists_cases_for_staff_with_permission(organizer, case_agent_client):
    r = case_agent_client.get(url(organizer, "cases"))
    assert url(organizer, "reports") in r.content.decode()
    assert url(organizer, "sla.settings") not in r.content.decode()  # no settings permission


def test_order_page_shows_the_orders_cases(organizer, admin_client, series, sailing):
    order = factories.make_order(series, sailing.subevent, [series.items.first()])
    make_case(organizer, order=order, subject="Вопрос по заказу")
    r = admin_client.get(reverse("control:event.order", kwargs={"organizer": organizer.slug, "event": series.slug,
                                                                "code": order.code}))
    html = r.content.decode()
    assert 'id="order-cases"' in html and "Вопрос по заказу" in html


def test_opening_a_case_is_in_the_audit_trail_once_an_hour(organizer, case_agent, case_agent_client):
    case = make_case(organizer)
    page = url(organizer, "case", number=case.number)
    case_agent_client.get(page)
    case_agent_client.get(page)
    views = case.all_logentries().filter(action_type="ticketing_helpdesk.case.viewed")
    assert views.count() == 1 and views.get().user == case_agent
    with freeze_time(msk(2099, 1, 1, 12)):
        from ..cases.views import record_view

        record_view(case, case_agent)
    assert views.count() == 2


def test_list_shows_the_next_due_time_and_the_business_time_left(organizer, case_agent_client):
    SlaPolicy.objects.create(organizer=organizer, priority="normal", category="", first_response_minutes=120,
                             resolution_minutes=600)
    with freeze_time(msk(2027, 1, 4, 9)):
        make_case(organizer)
    with freeze_time(msk(2027, 1, 4, 10, 30)):
        from ..cases.views import next_due
        from ..sla.calendar import calendar_for

        case = SupportCase.objects.get()
        with translation.override("en"):
            assert next_due(case, calendar_for(organizer), msk(2027, 1, 4, 10, 30)) == (
                msk(2027, 1, 4, 11), "0 h 30 min")
            # overdue: the time past the due moment, counted in business hours
            assert next_due(case, calendar_for(organizer), msk(2027, 1, 4, 12))[1] == "overdue by 1 h 00 min"
            assert next_due(case, calendar_for(organizer), msk(2027, 1, 5, 8))[1] == "overdue by 7 h 00 min"
    r = case_agent_client.get(url(organizer, "cases"))
    assert r.status_code == 200 and r.context["cases"][0].due == msk(2027, 1, 4, 11)


def test_staff_link_a_new_case_to_a_customer_account(organizer, case_agent_client, case_customer):
    base = {"channel": "in_person", "subject": "На причале", "body": "Спросила про расписание",
            "category": "other", "priority": "low", "locale": "ru"}
    r = case_agent_client.post(url(organizer, "case.add"), {**base, "customer": "nobody@example.org"})
    assert r.status_code == 200 and r.context["form"].errors["customer"] and not SupportCase.objects.exists()
    r = case_agent_client.post(url(organizer, "case.add"), {**base, "customer": case_customer.identifier.lower()})
    case = SupportCase.objects.get()
    assert r.status_code == 302 and case.customer == case_customer and case.email == case_customer.email


def test_staff_link_a_new_case_to_a_sailing(organizer, case_agent_client, series, sailing):
    form = case_agent_client.get(url(organizer, "case.add")).context["form"]
    assert str(sailing.subevent_id) in [c for c, _label in form.fields["subevent"].choices]
    r = case_agent_client.post(url(organizer, "case.add"), {
        "channel": "phone", "subject": "Забыл сумку на борту", "body": "Чёрная сумка, 2-я палуба",
        "category": "other", "priority": "normal", "locale": "ru", "phone": "+79161234567",
        "subevent": str(sailing.subevent_id)})
    assert r.status_code == 302 and SupportCase.objects.get().subevent_id == sailing.subevent_id
    r = case_agent_client.post(url(organizer, "case.add"), {
        "channel": "phone", "subject": "x", "body": "y", "category": "other", "priority": "normal",
        "locale": "ru", "phone": "+79161234567", "subevent": "999999"})
    assert r.status_code == 200 and r.context["form"].errors["subevent"]


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_sla_holidays_outside_the_years_anyone_works_are_refused(organizer, admin_client, day):
    """Issue 22, finding 6: a holiday in year 1 or 9999 was stored, and the SLA clock cannot step over it."""
    data = {"policy-TOTAL_FORMS": "0", "policy-INITIAL_FORMS": "0", "policy-MIN_NUM_FORMS": "0",
            "policy-MAX_NUM_FORMS": "1000", "cal-holidays": f"{day} Конец света", "cal-at_risk_percent": "20"}
    r = admin_client.post(url(organizer, "sla.settings"), data, HTTP_ACCEPT_LANGUAGE="ru")
    assert r.status_code == 200
    errors = " ".join(r.context["calendar_form"].errors["holidays"])
    assert errors.startswith("Строка 1:") and "2000" in errors

