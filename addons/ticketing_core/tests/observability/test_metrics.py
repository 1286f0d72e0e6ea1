"""
Core's metrics: notifications by channel, kind and outcome (counted where the status is set), the oldest unsent
message's age, the capacity-lock wait at order placement, orders and revenue by sales channel; label values are
fixed vocabularies (never a code, a phone or an e-mail), and a broken Redis never breaks the business operation.
"""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils.timezone import now

from pretix.base.models import Order
from pretix.base.signals import order_placed

from ticketing_core.notifications.metrics import update_backlog
from ticketing_core.notifications.models import ContactPreference, Notification
from ticketing_core.observability import metrics as core_metrics
from ticketing_core.observability.testing import metrics  # noqa: F401 - the fixture
from ticketing_core.testing import factories

from ..notifications.test_notifications_sms import PHONE, _sms_server, order, sent_sms, sms  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_label_is_a_fixed_vocabulary_or_other():
    assert core_metrics.label("SBP", ("sbp",)) == "sbp"
    assert core_metrics.label("ivan@example.com", ("sbp",)) == "other"
    assert core_metrics.label('a"b}{c') == "a_b__c"


def test_sms_outcome_counted_by_kind_without_the_phone(metrics, order, sms,  # noqa: F811
                                                       django_capture_on_commit_callbacks):
    n = sent_sms(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="m1",
                 extra={"amount": Decimal("10")})
    assert n.status == Notification.SENT
    assert metrics.value("prichal_notifications_total", channel="sms", kind="refund_confirmed", outcome="sent") == 1
    assert PHONE not in " ".join(metrics.all()) and order.code not in " ".join(metrics.all())


def test_refused_sms_counts_failed(metrics, order, sms, django_capture_on_commit_callbacks):  # noqa: F811
    ContactPreference.objects.filter(order=order).update(phone="+74993221627")  # a landline: refused
    sent_sms(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="m2",
             extra={"amount": Decimal("10")})
    assert metrics.value("prichal_notifications_total", channel="sms", outcome="failed") == 1


def test_oldest_unsent_age(metrics, order):  # noqa: F811
    Notification.objects.create(organizer=order.event.organizer, event=order.event, order=order, kind="reminder",
                                channel="sms", key="m-age", recipient=PHONE, status=Notification.PENDING)
    Notification.objects.filter(key="m-age").update(created=now() - timedelta(minutes=7))
    ages = update_backlog()
    assert 419 < ages["sms"] < 430 and ages["email"] == 0
    assert 419 < metrics.value("prichal_notifications_oldest_unsent_age_seconds", channel="sms") < 430


def test_placing_an_order_observes_the_capacity_lock_and_counts_the_channel(metrics, series, sailing):  # noqa: F811
    adult = series.items.filter(admission=True).order_by("pk").first()
    placed = factories.make_order(series, sailing.subevent, [adult], status=Order.STATUS_PENDING)
    with transaction.atomic():
        order_placed.send(series, order=placed)
    assert metrics.value("prichal_capacity_lock_wait_seconds_count") == 1
    assert metrics.value("prichal_orders_total", state="placed") == 1


def test_paid_order_adds_its_total_to_the_revenue(metrics, series, sailing):  # noqa: F811
    adult = series.items.filter(admission=True).order_by("pk").first()
    placed = factories.make_order(series, sailing.subevent, [adult], status=Order.STATUS_PENDING)
    placed.payments.create(provider="manual", amount=placed.total).confirm()
    assert metrics.value("prichal_orders_total", channel="web", state="paid") == 1
    assert metrics.value("prichal_revenue_rub_total", channel="web") == pytest.approx(float(placed.total))


def test_a_broken_redis_never_breaks_what_it_measures(monkeypatch):
    def boom(*a, **k):
        raise ConnectionError("redis down")

    monkeypatch.setattr(core_metrics.orders_total, "inc", boom)
    core_metrics.safely(core_metrics.orders_total.inc, channel="web", state="placed")  # no exception


def test_health_checks_the_sms_gateway_of_the_organizer(client, sms):  # noqa: F811
    from ticketing_core.observability import health

    health.clear_local()
    r = client.get("/_prichal/health/")
    health.clear_local()
    assert r.status_code == 200 and r.json()["checks"]["sms"] == "ok"
    assert "prichal-test-api-id" not in r.content.decode()
