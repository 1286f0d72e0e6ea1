"""
The figures of the case reports: open cases by status, priority and agent; SLA compliance per week or
month; median first-response and resolution times; refunds per reason. Each returns plain rows that the
page shows and the CSV export writes.
"""
import hashlib
from collections import OrderedDict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from statistics import median
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from pretix.base.models import OrderPosition, OrderRefund

from ..models import CaseMessage, SupportCase
from ..sla.calendar import calendar_for
from ..sla.compute import compute, policies_of


def open_cases(organizer, field: str) -> list[tuple[str, int]]:
    """(label, count) of open cases grouped by ``field`` (status, priority or assignee)."""
    qs = SupportCase.objects.filter(organizer=organizer, status__in=SupportCase.OPEN_STATUSES)
    if field == "assignee":
        rows = qs.values("assignee__email", "assignee__fullname").annotate(n=Count("id")).order_by("-n")
        return [(r["assignee__fullname"] or r["assignee__email"] or _("Nobody"), r["n"]) for r in rows]
    labels = dict({"status": SupportCase.STATUSES, "priority": SupportCase.PRIORITIES}[field])
    counts = dict(qs.values_list(field).annotate(n=Count("id")))
    return [(str(label), counts.get(key, 0)) for key, label in labels.items()
            if field != "status" or key in SupportCase.OPEN_STATUSES]


def period_start(d: date, period: str) -> date:
    return d - timedelta(days=d.weekday()) if period == "week" else d.replace(day=1)


def _bounds(organizer, start: date, end: date) -> tuple[datetime, datetime, ZoneInfo]:
    tz = ZoneInfo(organizer.settings.timezone or "Europe/Moscow")
    return (datetime.combine(start, time.min, tzinfo=tz), datetime.combine(end + timedelta(days=1), time.min,
                                                                          tzinfo=tz), tz)


# How long a computed SLA report is reused while none of its cases and none of the targets change. Open cases
# turn "breached" by the clock alone, so the figures may lag behind by at most this much.
SLA_CACHE_SECONDS = 300


def sla_compliance(organizer, start: date, end: date, period: str = "month") -> list[dict]:
    """
    Per period (by the day a case was opened): cases, first responses in and out of target, resolutions
    in and out of target, the share met, and the median first-response and resolution times (business
    hours and calendar hours).

    Computing means replaying every case's timeline against the calendar, so the result is kept in the cache
    under a fingerprint of what it depends on (the period's cases and their last change, the targets and the
    calendar): viewing the report and downloading its CSV compute it once.
    """
    since, until, tz = _bounds(organizer, start, end)
    calendar = calendar_for(organizer)
    policies = policies_of(organizer.pk)
    in_period = SupportCase.objects.filter(organizer=organizer, created__gte=since, created__lt=until)
    stamp = in_period.aggregate(n=Count("id"), changed=Max("updated"))
    fingerprint = hashlib.sha256(repr((start, end, period, stamp["n"], stamp["changed"], sorted(policies.items()),
                                       str(calendar.tz), sorted(calendar.hours.items()),
                                       sorted(calendar.holidays))).encode()).hexdigest()
    key = f"ticketing_helpdesk:sla_report:{organizer.pk}:{fingerprint}"
    rows = cache.get(key)
    if rows is None:
        rows = _sla_rows(organizer, in_period, calendar, policies, tz, period)
        cache.set(key, rows, SLA_CACHE_SECONDS)
    return rows


def _sla_rows(organizer, in_period, calendar, policies: dict, tz: ZoneInfo, period: str) -> list[dict]:
    cases = list(in_period.order_by("created"))
    for case in cases:
        case.organizer = organizer  # one organizer object: its settings are read once, not once per case
    events = {}
    for m in CaseMessage.objects.filter(case__in=cases, kind=CaseMessage.KIND_EVENT).order_by("created", "id"):
        events.setdefault(m.case_id, []).append(m)
    buckets: dict[date, dict] = OrderedDict()
    for case in cases:
        key = period_start(case.created.astimezone(tz).date(), period)
        b = buckets.setdefault(key, {"period": key, "cases": 0, "first_met": 0, "first_missed": 0,
                                     "resolution_met": 0, "resolution_missed": 0, "first_business": [],
                                     "first_calendar": [], "resolution_business": [], "resolution_calendar": []})
        b["cases"] += 1
        sla = compute(case, calendar=calendar, messages=events.get(case.pk, []), policies=policies)
        for name, target in (("first", sla.first_response), ("resolution", sla.resolution)):
            if target.met is True:
                b[f"{name}_met"] += 1
            elif target.breached:
                b[f"{name}_missed"] += 1
            if target.done_at is not None:
                pauses = [] if name == "first" else None
                b[f"{name}_calendar"].append((target.done_at - case.created).total_seconds())
                b[f"{name}_business"].append(business_seconds(calendar, case, target.done_at, events, pauses))
    rows = []
    for b in buckets.values():
        judged = b["first_met"] + b["first_missed"] + b["resolution_met"] + b["resolution_missed"]
        met = b["first_met"] + b["resolution_met"]
        rows.append({
            "period": b["period"], "cases": b["cases"], "first_met": b["first_met"],
            "first_missed": b["first_missed"], "resolution_met": b["resolution_met"],
            "resolution_missed": b["resolution_missed"],
            "compliance": round(Decimal(met * 100) / judged, 1) if judged else None,
            "median_first_business_h": _hours(b["first_business"]),
            "median_first_calendar_h": _hours(b["first_calendar"]),
            "median_resolution_business_h": _hours(b["resolution_business"]),
            "median_resolution_calendar_h": _hours(b["resolution_calendar"]),
        })
    return rows


def business_seconds(calendar, case, done_at, events, pauses=None) -> float:
    """Business time from opening to ``done_at``, without waiting periods (as the SLA counts it)."""
    from ..sla.compute import pauses_of, status_periods

    if pauses is None:
        pauses = [(a, b or done_at) for a, b in pauses_of(status_periods(case, events.get(case.pk, [])))]
    return calendar.seconds_between(case.created, done_at, pauses)


def _hours(values: list[float]) -> Decimal | None:
    return round(Decimal(median(values)) / 3600, 1) if values else None


REASON_OPERATOR = "operator"
REASON_CUSTOMER = "customer"
REASON_AUTOMATIC = "automatic"
REASON_SUPPORT = "support"
REASON_STAFF = "staff"
REASON_EXTERNAL = "external"


def refunds_by_reason(organizer, start: date, end: date) -> list[dict]:
    """
    Completed refunds of the period by why they happened: the operator cancelled the sailing (with the
    reason given then), the customer cancelled within the policy, support refunded within the policy (the
    agent console), an automatic refund of a late payment, a refund by other staff, or one made outside
    pretix (bank, provider).
    """
    from ticketing_core.models import Sailing

    from ..console.refunds import REFUND_COMMENT as SUPPORT_REFUND_COMMENT

    since, until, _tz = _bounds(organizer, start, end)
    refunds = OrderRefund.objects.filter(order__event__organizer=organizer, state=OrderRefund.REFUND_STATE_DONE,
                                         execution_date__gte=since, execution_date__lt=until).select_related("order")
    refunds = list(refunds)
    order_ids = {r.order_id for r in refunds}
    # the operator's cancellations: a cancelled sailing among the order's dates (or its single event)
    reasons_by_subevent = dict(Sailing.objects.filter(canceled_at__isnull=False, subevent__isnull=False).filter(
        subevent__in=OrderPosition.all.filter(order_id__in=order_ids).values("subevent_id")).values_list(
        "subevent_id", "cancel_reason"))
    reasons_by_event = dict(Sailing.objects.filter(canceled_at__isnull=False, subevent__isnull=True,
                                                   event__orders__id__in=order_ids).values_list("event_id",
                                                                                               "cancel_reason"))
    canceled = {}
    for oid, se_id in OrderPosition.all.filter(order_id__in=order_ids).values_list("order_id", "subevent_id"):
        if se_id in reasons_by_subevent:
            canceled[oid] = reasons_by_subevent[se_id]
    for r in refunds:
        if r.order_id not in canceled and r.order.event_id in reasons_by_event:
            canceled[r.order_id] = reasons_by_event[r.order.event_id]
    labels = {REASON_OPERATOR: _("Sailing cancelled by the operator"),
              REASON_CUSTOMER: _("Cancelled by the customer within the refund policy"),
              REASON_AUTOMATIC: _("Automatic refund of a late payment"),
              REASON_SUPPORT: _("Refund by support within the refund policy"),
              REASON_STAFF: _("Refund by staff"), REASON_EXTERNAL: _("Refund outside the shop (bank, provider)")}
    groups: dict[tuple[str, str], dict] = {}
    for r in refunds:
        detail = ""
        if r.order_id in canceled and r.source != OrderRefund.REFUND_SOURCE_BUYER:
            reason, detail = REASON_OPERATOR, canceled[r.order_id] or ""
        elif r.source == OrderRefund.REFUND_SOURCE_BUYER:
            reason = REASON_CUSTOMER
        elif (r.comment or "").startswith("Automatic refund"):
            reason = REASON_AUTOMATIC
        elif r.comment == SUPPORT_REFUND_COMMENT:
            reason = REASON_SUPPORT
        elif r.source == OrderRefund.REFUND_SOURCE_EXTERNAL:
            reason = REASON_EXTERNAL
        else:
            reason, detail = REASON_STAFF, (r.comment or "")[:100]
        g = groups.setdefault((reason, detail), {"reason": reason, "label": str(labels[reason]), "detail": detail,
                                                 "count": 0, "amount": Decimal("0.00")})
        g["count"] += 1
        g["amount"] += r.amount
    return sorted(groups.values(), key=lambda g: (-g["amount"], g["label"], g["detail"]))
