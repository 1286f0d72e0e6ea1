"""
A case's SLA: which targets apply (policies per priority and category), when each is due in business
time with the waiting periods left out, how much time is left, and the state the list filters by.
"""
from dataclasses import dataclass
from datetime import datetime

from django.utils.timezone import now

from ..models import CaseMessage, SlaPolicy, SupportCase
from .calendar import Calendar, Interval, calendar_for

# Targets in business minutes when the organizer has not set any: (first response, resolution).
DEFAULT_TARGETS = {
    SupportCase.PRIORITY_URGENT: (60, 8 * 60),
    SupportCase.PRIORITY_HIGH: (4 * 60, 2 * 9 * 60),
    SupportCase.PRIORITY_NORMAL: (9 * 60, 5 * 9 * 60),
    SupportCase.PRIORITY_LOW: (2 * 9 * 60, 10 * 9 * 60),
}
# A target is "about to breach" when less than this share of it is left (organizer setting, percent).
AT_RISK_DEFAULT_PERCENT = 20

# While the case waits for the customer nobody can work on it; after it is resolved or closed the
# resolution clock stops too (a reopened case continues where it stopped).
PAUSED_STATUSES = (SupportCase.STATUS_WAITING, SupportCase.STATUS_RESOLVED, SupportCase.STATUS_CLOSED)


@dataclass
class Target:
    minutes: int
    due: datetime | None
    done_at: datetime | None
    remaining_seconds: float | None  # business seconds left (negative: overdue)

    @property
    def met(self) -> bool | None:
        if self.done_at is None:
            return None
        return self.due is not None and self.done_at <= self.due

    @property
    def breached(self) -> bool:
        return (self.met is False) or (self.done_at is None and self.remaining_seconds is not None
                                       and self.remaining_seconds <= 0)


@dataclass
class SlaStatus:
    first_response: Target
    resolution: Target
    state: str
    paused: bool


def targets_for(case: SupportCase, policies: dict | None = None) -> tuple[int, int]:
    """
    (first response, resolution) in business minutes: category row, else the priority's row, else defaults.
    ``policies`` (from :func:`policies_of`) saves the query per case when many cases are computed at once.
    """
    if policies is None:
        policies = policies_of(case.organizer_id, SlaPolicy.objects.filter(priority=case.priority,
                                                                           category__in=(case.category, "")))
    targets = policies.get((case.priority, case.category)) or policies.get((case.priority, ""))
    return targets or DEFAULT_TARGETS[case.priority]


def policies_of(organizer_id: int, qs=None) -> dict[tuple[str, str], tuple[int, int]]:
    """The organizer's SLA targets by (priority, category), "" being the priority's row for every category."""
    qs = SlaPolicy.objects.all() if qs is None else qs
    return {(p.priority, p.category): (p.first_response_minutes, p.resolution_minutes)
            for p in qs.filter(organizer_id=organizer_id)}


def status_periods(case: SupportCase, messages: list[CaseMessage] | None = None) -> list[tuple[str, datetime]]:
    """The case's statuses with the moment each began, from its timeline."""
    if messages is None:
        messages = list(case.messages.filter(kind=CaseMessage.KIND_EVENT))
    changes = [m for m in messages if m.kind == CaseMessage.KIND_EVENT and m.data.get("field") == "status"]
    first = changes[0].data.get("old") if changes else case.status
    periods = [(first, case.created)]
    periods += [(m.data.get("new"), m.created) for m in changes]
    return periods


def pauses_of(periods: list[tuple[str, datetime]], statuses=PAUSED_STATUSES) -> list[Interval]:
    pauses = []
    for i, (status, start) in enumerate(periods):
        if status in statuses:
            end = periods[i + 1][1] if i + 1 < len(periods) else None
            pauses.append((start, end))
    return pauses


def _target(calendar: Calendar, start: datetime, minutes: int, pauses: list[Interval], done_at: datetime | None,
            at: datetime) -> Target:
    closed_pauses = [(a, b) for a, b in pauses if b is not None]
    # The due time of a finished target is judged against the pauses that happened before it was done.
    due = calendar.add(start, minutes * 60, closed_pauses if done_at else pauses)
    remaining = None
    if done_at is None:
        # what is left of the target: it only shrinks inside business hours and outside pauses
        remaining = minutes * 60 - calendar.seconds_between(start, at, pauses)
    return Target(minutes=minutes, due=due, done_at=done_at, remaining_seconds=remaining)


def compute(case: SupportCase, at: datetime | None = None, calendar: Calendar | None = None,
            messages: list[CaseMessage] | None = None, policies: dict | None = None) -> SlaStatus:
    at = at or now()
    calendar = calendar or calendar_for(case.organizer)
    first_minutes, resolution_minutes = targets_for(case, policies)
    periods = status_periods(case, messages)
    # The first response is owed from the moment the case arrives; only waiting for the customer pauses it.
    first = _target(calendar, case.created, first_minutes, pauses_of(periods, (SupportCase.STATUS_WAITING,)),
                    case.first_response_at, at)
    resolution_pauses = pauses_of(periods)
    resolved_at = case.resolved_at if case.status in (SupportCase.STATUS_RESOLVED, SupportCase.STATUS_CLOSED) \
        else None
    if resolved_at is None and case.status == SupportCase.STATUS_CLOSED:
        resolved_at = case.closed_at
    resolution = _target(calendar, case.created, resolution_minutes, resolution_pauses, resolved_at, at)
    paused = case.status == SupportCase.STATUS_WAITING
    percent = case.organizer.settings.get("ticketing_helpdesk_at_risk_percent", as_type=int,
                                          default=AT_RISK_DEFAULT_PERCENT)
    if not case.is_open:
        state = SupportCase.SLA_BREACHED if (first.met is False or resolution.met is False) else SupportCase.SLA_MET
    elif first.breached or resolution.breached:
        state = SupportCase.SLA_BREACHED
    elif paused:
        state = SupportCase.SLA_PAUSED
    else:
        state = SupportCase.SLA_OK
        for t in (first, resolution):
            if t.done_at is None and t.remaining_seconds is not None and \
                    t.remaining_seconds <= t.minutes * 60 * percent / 100:
                state = SupportCase.SLA_AT_RISK
    return SlaStatus(first_response=first, resolution=resolution, state=state, paused=paused)


def refresh(case: SupportCase, at: datetime | None = None, calendar: Calendar | None = None) -> SlaStatus:
    """Recompute and store the case's due times and state (only the SLA columns are written)."""
    sla = compute(case, at, calendar)
    case.first_response_due = sla.first_response.due
    case.resolution_due = sla.resolution.due
    case.sla_state = sla.state
    SupportCase.objects.filter(pk=case.pk).update(first_response_due=case.first_response_due,
                                                  resolution_due=case.resolution_due, sla_state=case.sla_state)
    return sla
