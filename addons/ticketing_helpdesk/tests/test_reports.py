"""Reports: open cases by status, priority and agent; SLA compliance and median times; refunds per reason; CSV."""
import csv
import io
from datetime import date
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils.timezone import now
from freezegun import freeze_time

from pretix.base.models import OrderRefund

from ticketing_core.fleet.sailings import mark_canceled
from ticketing_core.testing import factories
from ticketing_core.testing.fixtures import login

from ..cases.services import change, reply
from ..models import SlaPolicy
from ..reports import queries
from .cases_fixtures import make_case, make_staff, msk

pytestmark = pytest.mark.django_db
pytest_plugins = ["ticketing_helpdesk.tests.cases_fixtures"]


def test_open_cases_by_status_priority_and_agent(organizer, case_agent):
    a = make_case(organizer, priority="high")
    b = make_case(organizer)
    c = make_case(organizer)
    change(a, case_agent, assignee=case_agent, status="open")
    change(b, case_agent, status="waiting")
    change(c, case_agent, status="closed")
    # in the order of the workflow: new, open, waiting for customer
    assert [n for _label, n in queries.open_cases(organizer, "status")] == [0, 1, 1]
    # low, normal, high, urgent
    assert [n for _label, n in queries.open_cases(organizer, "priority")] == [0, 1, 1, 0]
    by_agent = dict(queries.open_cases(organizer, "assignee"))
    assert by_agent["Ольга Агентова"] == 1 and sum(by_agent.values()) == 2


@pytest.fixture
def sla_history(organizer, case_agent):
    """January 2027: three cases; two answered in time, one late; one resolved in time."""
    SlaPolicy.objects.create(organizer=organizer, priority="normal", category="", first_response_minutes=120,
                             resolution_minutes=540)
    with freeze_time(msk(2027, 1, 4, 9)):
        quick = make_case(organizer)
    with freeze_time(msk(2027, 1, 4, 10)):
        reply(quick, case_agent, "Ответ", status="resolved")  # 1 h; resolved in 1 h
    with freeze_time(msk(2027, 1, 8, 17)):
        weekend = make_case(organizer)  # Friday 17:00
    with freeze_time(msk(2027, 1, 11, 9, 30)):
        reply(weekend, case_agent, "Ответ")  # Monday 09:30: 1.5 business hours, 64.5 calendar hours
    with freeze_time(msk(2027, 1, 12, 9)):
        late = make_case(organizer)
    with freeze_time(msk(2027, 1, 12, 15)):
        reply(late, case_agent, "Ответ")  # 6 h: late
    return quick, weekend, late


def test_sla_compliance_and_median_times_per_month(organizer, sla_history):
    rows = queries.sla_compliance(organizer, date(2027, 1, 1), date(2027, 1, 31), "month")
    assert len(rows) == 1
    r = rows[0]
    assert (r["cases"], r["first_met"], r["first_missed"], r["resolution_met"]) == (3, 2, 1, 1)
    assert r["median_first_business_h"] == Decimal("1.5")  # 1, 1.5, 6
    assert r["median_first_calendar_h"] == Decimal("6.0")  # 1, 64.5, 6
    assert r["median_resolution_business_h"] == Decimal("1.0")
    # 3 met of 4 judged targets (two open resolution targets are not judged yet)
    assert r["compliance"] == Decimal("75.0")


def test_sla_compliance_per_week(organizer, sla_history):
    rows = queries.sla_compliance(organizer, date(2027, 1, 1), date(2027, 1, 31), "week")
    assert [(r["period"], r["cases"]) for r in rows] == [(date(2027, 1, 4), 2), (date(2027, 1, 11), 1)]


def test_refunds_per_reason(organizer, series, sailing, boat, pier):
    adult = series.items.filter(admission=True).first()
    other_sailing = factories.make_sailing(series, boat, pier, sailing.subevent.date_from + (sailing.subevent.date_to
                                           - sailing.subevent.date_from) * 3)
    orders = [factories.make_order(series, sailing.subevent, [adult]) for _i in range(2)]
    own = [factories.make_order(series, other_sailing.subevent, [adult]) for _i in range(4)]
    mark_canceled(sailing, "шторм")

    def refund(order, source, amount="1500.00", comment=""):
        return OrderRefund.objects.create(order=order, state=OrderRefund.REFUND_STATE_DONE, source=source,
                                          amount=Decimal(amount), provider="manual", comment=comment,
                                          execution_date=now())
    for o in orders:
        refund(o, OrderRefund.REFUND_SOURCE_ADMIN)
    refund(own[0], OrderRefund.REFUND_SOURCE_BUYER)
    refund(own[1], OrderRefund.REFUND_SOURCE_EXTERNAL, "700.00")
    refund(own[2], OrderRefund.REFUND_SOURCE_ADMIN, "300.00", comment="Automatic refund: the payment arrived late")
    from ..console.refunds import REFUND_COMMENT

    refund(own[3], OrderRefund.REFUND_SOURCE_ADMIN, "900.00", comment=REFUND_COMMENT)
    OrderRefund.objects.create(order=own[2], state=OrderRefund.REFUND_STATE_CREATED, source="admin",
                               amount=Decimal("1.00"), provider="manual")  # not done: not counted
    today = now().astimezone(ZoneInfo("Europe/Moscow")).date()  # the report's days are Moscow days (UTC+3)
    rows = {(g["reason"], g["detail"]): (g["count"], g["amount"])
            for g in queries.refunds_by_reason(organizer, today.replace(day=1), today)}
    assert rows == {("operator", "шторм"): (2, Decimal("3000.00")), ("customer", ""): (1, Decimal("1500.00")),
                    ("external", ""): (1, Decimal("700.00")), ("automatic", ""): (1, Decimal("300.00")),
                    ("support", ""): (1, Decimal("900.00"))}


def test_reports_page_and_csv_export_are_logged(organizer, client, sla_history):
    reader = make_staff(organizer, "reports@example.org", {"organizer.cases:read": True})
    login(client, reader)
    base = reverse("plugins:ticketing_helpdesk:reports", kwargs={"organizer": organizer.slug})
    r = client.get(base + "?start=2027-01-01&end=2027-01-31&period=month")
    assert r.status_code == 200 and 'id="report-sla"' in r.content.decode()
    csv_url = reverse("plugins:ticketing_helpdesk:reports.csv", kwargs={"organizer": organizer.slug,
                                                                         "report": "sla"})
    r = client.get(csv_url + "?start=2027-01-01&end=2027-01-31")
    assert r.status_code == 200 and r["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))  # Russian: ";"
    assert rows[1][:4] == ["2027-01-01", "3", "2", "1"]
    for report in ("by_status", "by_priority", "by_agent", "refunds"):
        url = reverse("plugins:ticketing_helpdesk:reports.csv", kwargs={"organizer": organizer.slug,
                                                                        "report": report})
        assert client.get(url).status_code == 200
    assert client.get(csv_url.replace("sla.csv", "nope.csv")).status_code == 404
    assert organizer.all_logentries().filter(action_type="ticketing_helpdesk.report.exported").count() == 5


def test_reports_refuse_a_backwards_period(organizer, client):
    login(client, make_staff(organizer, "reports@example.org", {"organizer.cases:read": True}))
    base = reverse("plugins:ticketing_helpdesk:reports", kwargs={"organizer": organizer.slug})
    r = client.get(base + "?start=2027-02-01&end=2027-01-01")
    assert r.status_code == 400 and r.context["period_form"].non_field_errors()


@pytest.mark.parametrize("query, message", [
    ("start=2025-01-01&end=2026-06-01", "Период отчёта может охватывать не больше 366 дней."),
    ("start=0001-01-01&end=0001-01-31", "Выберите даты с 01.01.2000 по 31.12.2099."),
    ("start=9999-12-01&end=9999-12-31", "Выберите даты с 01.01.2000 по 31.12.2099."),
    ("end=0001-01-01", "Выберите даты с 01.01.2000 по 31.12.2099."),
    ("start=9999-12-31", "Выберите даты с 01.01.2000 по 31.12.2099."),
    ("start=2020-01-01", "Период отчёта может охватывать не больше 366 дней."),  # up to today
])
def test_reports_refuse_long_or_absurd_periods_with_a_translated_400(organizer, client, query, message):
    login(client, make_staff(organizer, "reports@example.org", {"organizer.cases:read": True}))
    make_case(organizer)
    base = reverse("plugins:ticketing_helpdesk:reports", kwargs={"organizer": organizer.slug})
    r = client.get(f"{base}?{query}", HTTP_ACCEPT_LANGUAGE="ru")
    assert r.status_code == 400 and message in r.content.decode()
    assert r.context["sla"] == [] and r.context["refunds"] == []
    for report in ("sla", "refunds"):
        url = reverse("plugins:ticketing_helpdesk:reports.csv", kwargs={"organizer": organizer.slug, "report": report})
        r = client.get(f"{url}?{query}", HTTP_ACCEPT_LANGUAGE="ru")
        assert r.status_code == 400 and message in r.content.decode()
    assert not organizer.all_logentries().filter(action_type="ticketing_helpdesk.report.exported").exists()


def test_reports_accept_a_full_year(organizer, client, sla_history):
    login(client, make_staff(organizer, "reports@example.org", {"organizer.cases:read": True}))
    base = reverse("plugins:ticketing_helpdesk:reports", kwargs={"organizer": organizer.slug})
    r = client.get(base + "?start=2027-01-01&end=2028-01-01&period=week")
    assert r.status_code == 200 and [row["cases"] for row in r.context["sla"]] == [2, 1]


def test_sla_report_is_not_recomputed_while_nothing_changed(organizer, sla_history, case_agent, monkeypatch,
                                                            settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "sla-report-test"}}
    computed = []
    real = queries.compute
    monkeypatch.setattr(queries, "compute", lambda case, **kw: computed.append(case.pk) or real(case, **kw))
    first = queries.sla_compliance(organizer, date(2027, 1, 1), date(2027, 1, 31), "month")
    assert len(computed) == 3
    assert queries.sla_compliance(organizer, date(2027, 1, 1), date(2027, 1, 31), "month") == first
    assert len(computed) == 3  # the second view is answered from the cache
    _quick, _weekend, late = sla_history
    with freeze_time(msk(2027, 1, 12, 16)):
        change(late, case_agent, status="resolved")  # a change to a case of the period: computed again
    again = queries.sla_compliance(organizer, date(2027, 1, 1), date(2027, 1, 31), "month")
    assert len(computed) == 6 and again[0]["resolution_met"] == 2
    SlaPolicy.objects.filter(organizer=organizer).update(first_response_minutes=600)  # new targets: again
    assert queries.sla_compliance(organizer, date(2027, 1, 1), date(2027, 1, 31), "month")[0]["first_missed"] == 0
    assert len(computed) == 9
