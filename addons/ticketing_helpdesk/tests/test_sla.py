"""A case's SLA: targets per priority and category, due times in business hours, pauses, states, the scan."""
from datetime import date, time, timedelta

import pytest
from django.core import mail
from freezegun import freeze_time

from pretix.api.models import WebHook

from ..cases.services import change, customer_message, reply
from ..models import BusinessHours, Holiday, SlaPolicy, SupportCase
from ..sla.compute import compute
from ..sla.tasks import scan
from .cases_fixtures import make_case, msk

pytestmark = pytest.mark.django_db
pytest_plugins = ["ticketing_helpdesk.tests.cases_fixtures"]

# 2027-01-04 is a Monday; default hours Mon–Fri 09:00–18:00 Moscow


@pytest.fixture
def policy(organizer):
    # normal priority: first response within 2 business hours, resolution within 1 business day (9 h)
    return SlaPolicy.objects.create(organizer=organizer, priority="normal", category="", first_response_minutes=120,
                                    resolution_minutes=540)


def opened(organizer, when, **kwargs) -> SupportCase:
    with freeze_time(when):
        return make_case(organizer, **kwargs)


def test_category_target_wins_over_the_priority_target_and_defaults_apply_without_any(organizer, policy):
    SlaPolicy.objects.create(organizer=organizer, priority="normal", category="complaint", first_response_minutes=30,
                             resolution_minutes=60)
    at = msk(2027, 1, 4, 10)
    assert compute(opened(organizer, at, category="complaint"), at=at).first_response.minutes == 30
    assert compute(opened(organizer, at, category="refund"), at=at).first_response.minutes == 120
    urgent = compute(opened(organizer, at, priority="urgent"), at=at)
    assert (urgent.first_response.minutes, urgent.resolution.minutes) == (60, 480)


def test_due_time_across_the_night(organizer, policy):
    case = opened(organizer, msk(2027, 1, 4, 17))  # Monday 17:00
    sla = compute(case, at=msk(2027, 1, 4, 17))
    assert sla.first_response.due == msk(2027, 1, 5, 10)  # 1 h on Monday + 1 h on Tuesday morning
    assert sla.resolution.due == msk(2027, 1, 5, 17)


def test_due_time_across_the_weekend_and_a_holiday(organizer, policy):
    Holiday.objects.create(organizer=organizer, date=date(2027, 1, 11), name="Выходной")
    case = opened(organizer, msk(2027, 1, 8, 17))  # Friday 17:00; Monday 11 January is a holiday
    assert compute(case, at=msk(2027, 1, 8, 17)).first_response.due == msk(2027, 1, 12, 10)


def test_custom_business_hours(organizer, policy):
    for d in range(7):  # every day 10:00–20:00
        BusinessHours.objects.create(organizer=organizer, weekday=d, start=time(10), end=time(20))
    case = opened(organizer, msk(2027, 1, 9, 19))  # Saturday 19:00
    assert compute(case, at=msk(2027, 1, 9, 19)).first_response.due == msk(2027, 1, 10, 11)


def test_waiting_for_the_customer_pauses_the_resolution_clock(organizer, policy, case_agent):
    case = opened(organizer, msk(2027, 1, 4, 9))
    with freeze_time(msk(2027, 1, 4, 10)):
        reply(case, case_agent, "Пришлите номер заказа")  # waiting from Monday 10:00
    with freeze_time(msk(2027, 1, 5, 12)):
        case.refresh_from_db()
        sla = compute(case, at=msk(2027, 1, 5, 12))
        assert sla.state == SupportCase.SLA_PAUSED and sla.resolution.due is None
        assert sla.resolution.remaining_seconds == 8 * 3600  # 1 h used before waiting
        customer_message(case, "Заказ ABC12")  # Tuesday 12:00: the clock runs again
    case.refresh_from_db()
    sla = compute(case, at=msk(2027, 1, 5, 12))
    # 8 business hours left from Tuesday 12:00: 6 h on Tuesday, 2 h on Wednesday
    assert sla.resolution.due == msk(2027, 1, 6, 11)
    assert sla.first_response.met is True


def test_first_response_in_time_and_late(organizer, policy, case_agent):
    in_time = opened(organizer, msk(2027, 1, 4, 17))
    with freeze_time(msk(2027, 1, 5, 9, 59)):
        reply(in_time, case_agent, "Ответ")
    late = opened(organizer, msk(2027, 1, 4, 17))
    with freeze_time(msk(2027, 1, 5, 10, 0, 1)):
        reply(late, case_agent, "Ответ")
    in_time.refresh_from_db()
    late.refresh_from_db()
    assert compute(in_time).first_response.met is True
    assert compute(late).first_response.met is False
    assert late.sla_state == SupportCase.SLA_BREACHED


def test_states_on_track_about_to_breach_and_breached(organizer, policy):
    case = opened(organizer, msk(2027, 1, 4, 9))  # first response due 11:00; warning below 20 % = 24 min
    assert compute(case, at=msk(2027, 1, 4, 10, 30)).state == SupportCase.SLA_OK
    assert compute(case, at=msk(2027, 1, 4, 10, 40)).state == SupportCase.SLA_AT_RISK
    assert compute(case, at=msk(2027, 1, 4, 10, 59, 59)).state == SupportCase.SLA_AT_RISK
    breached = compute(case, at=msk(2027, 1, 4, 11))
    assert breached.state == SupportCase.SLA_BREACHED and breached.first_response.remaining_seconds <= 0
    # overnight the remaining time does not shrink
    evening = compute(case, at=msk(2027, 1, 4, 18)).resolution.remaining_seconds
    assert compute(case, at=msk(2027, 1, 5, 8, 59)).resolution.remaining_seconds == evening


def test_a_resolved_case_is_met_or_breached_and_the_clock_stops(organizer, policy, case_agent):
    case = opened(organizer, msk(2027, 1, 4, 9))
    with freeze_time(msk(2027, 1, 4, 10)):
        reply(case, case_agent, "Готово", status="resolved")
    case.refresh_from_db()
    assert compute(case, at=msk(2027, 2, 1, 12)).state == SupportCase.SLA_MET
    with freeze_time(msk(2027, 1, 5, 9)):
        change(case, case_agent, status="open")  # reopened the next morning: 8 h left of the resolution target
    case.refresh_from_db()
    assert compute(case, at=msk(2027, 1, 5, 9)).resolution.due == msk(2027, 1, 5, 17)


def test_priority_change_moves_the_due_time(organizer, policy, case_agent):
    case = opened(organizer, msk(2027, 1, 4, 9))
    with freeze_time(msk(2027, 1, 4, 9, 10)):
        change(case, case_agent, priority="urgent")
    case.refresh_from_db()
    assert case.first_response_due == msk(2027, 1, 4, 10)


def test_scan_flags_once_notifies_the_assignee_and_fires_the_webhook(
        organizer, policy, case_agent, django_capture_on_commit_callbacks):
    hook = WebHook.objects.create(organizer=organizer, target_url="https://hooks.example.org/", enabled=True,
                                  all_events=True)
    hook.listeners.create(action_type="ticketing_helpdesk.case.sla_breached")
    case = opened(organizer, msk(2027, 1, 4, 9))
    change(case, case_agent, assignee=case_agent)
    with django_capture_on_commit_callbacks(execute=True):
        assert scan(at=msk(2027, 1, 4, 10, 45))["at_risk"] == 1
    case.refresh_from_db()
    assert case.sla_state == SupportCase.SLA_AT_RISK and case.sla_warned_at is not None
    assert mail.outbox[-1].to == ["agent@example.org"] and "#1" in mail.outbox[-1].subject
    sent = []
    import pretix.api.webhooks as webhooks

    original = webhooks.send_webhook.apply_async
    webhooks.send_webhook.apply_async = lambda args, **kw: sent.append(args)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert scan(at=msk(2027, 1, 4, 11, 5))["breached"] == 1
            assert scan(at=msk(2027, 1, 4, 11, 20))["breached"] == 0  # flagged once
    finally:
        webhooks.send_webhook.apply_async = original
    case.refresh_from_db()
    assert case.sla_state == SupportCase.SLA_BREACHED and len(mail.outbox) == 2
    entry = case.all_logentries().get(action_type="ticketing_helpdesk.case.sla_breached")
    assert [a[1] for a in sent] == ["ticketing_helpdesk.case.sla_breached"] and sent[0][0] == entry.pk
    payload = entry.webhook_type.build_payload(entry)
    assert payload["case"] == 1 and payload["sla_state"] == "breached" and payload["assignee"] == "agent@example.org"


def test_scan_skips_finished_cases(organizer, policy, case_agent):
    case = opened(organizer, msk(2027, 1, 4, 9))
    change(case, case_agent, status="closed")
    assert scan(at=msk(2027, 3, 1, 12))["checked"] == 0


def test_late_night_request_is_not_at_risk_before_the_morning(organizer, policy):
    case = opened(organizer, msk(2027, 1, 4, 23))
    assert compute(case, at=msk(2027, 1, 5, 8, 59)).state == SupportCase.SLA_OK
    assert compute(case, at=msk(2027, 1, 5, 9) + timedelta(minutes=97)).state == SupportCase.SLA_AT_RISK


def test_one_broken_case_does_not_stop_the_scan(organizer, policy, monkeypatch):
    from ..sla import tasks

    broken = opened(organizer, msk(2027, 1, 4, 9))
    fine = opened(organizer, msk(2027, 1, 4, 9))
    real = tasks.refresh

    def refresh(case, *args):
        if case.pk == broken.pk:
            raise ValueError("corrupt")
        return real(case, *args)

    monkeypatch.setattr(tasks, "refresh", refresh)
    counts = scan(at=msk(2027, 1, 4, 12))
    assert counts["errors"] == 1 and counts["breached"] == 1
    fine.refresh_from_db()
    assert fine.sla_breached_at is not None
