"""Unpaid orders never hold places past departure, whatever pretix's payment term says."""
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils.timezone import now

from pretix.base.models import CartPosition, Order
from pretix.base.services.orders import perform_order

from ticketing_core.policy.payment_term import PAYMENT_CUTOFF, payment_term_issues
from ticketing_core.policy.rules import apply_policy, policy_issues
from ticketing_core.testing import factories

pytestmark = pytest.mark.django_db

MANUAL = [{"provider": "manual", "max_value": None, "min_value": None, "multi_use_supported": False,
           "info_data": {}}]


def place(event, subevent, payment=MANUAL, email="guest@example.org"):
    adult = event.items.filter(admission=True).order_by("pk").first()
    cart_id = f"cart-{now().timestamp()}"
    pos = CartPosition.objects.create(event=event, subevent=subevent, item=adult, cart_id=cart_id,
                                      expires=now() + timedelta(minutes=30), price=adult.default_price,
                                      listed_price=adult.default_price, price_after_voucher=adult.default_price)
    perform_order(event.pk, payment, [str(pos.pk)], email=email, locale="ru", cart_id=cart_id)
    return Order.objects.filter(event=event, email=email).latest("pk")


def test_pending_order_for_a_sailing_in_two_days_expires_before_departure(series, boat, pier):
    assert series.settings.payment_term_days == 14 and series.settings.payment_term_mode == "days"  # pretix's default
    sailing = factories.make_sailing(series, boat, pier, now() + timedelta(days=2))
    mail.outbox.clear()
    order = place(series, sailing.subevent)
    assert order.status == Order.STATUS_PENDING
    assert order.expires == sailing.start - PAYMENT_CUTOFF
    # pretix's "order placed" e-mail says "pay until" the capped date, not one after the boat left
    placed = [m for m in mail.outbox if order.code in m.subject]
    assert placed, [m.subject for m in mail.outbox]
    body = placed[0].body
    departure_day = sailing.start.astimezone(ZoneInfo("Europe/Moscow"))
    fourteen_days = (now() + timedelta(days=14)).astimezone(ZoneInfo("Europe/Moscow"))
    assert f"{departure_day:%d.%m.%Y}" in body
    assert f"{fourteen_days:%d.%m.%Y}" not in body
    # the name stays in the nominative, in quotes ("заказ на Вечерняя прогулка" was ungrammatical)
    assert "заказ на «Вечерняя прогулка»" in body and "команда «Вечерняя прогулка»" in body


def test_yookassa_order_is_held_only_for_the_reservation_time(series, boat, pier):
    series.enable_plugin("ticketing_yoomoney")
    series.save()
    series.settings.reservation_time = 20
    sailing = factories.make_sailing(series, boat, pier, now() + timedelta(days=2))
    payment = [dict(MANUAL[0], provider="yookassa")]
    before = now()
    order = place(series, sailing.subevent, payment=payment)
    assert order.status == Order.STATUS_PENDING
    assert before + timedelta(minutes=20) <= order.expires <= now() + timedelta(minutes=20)
    assert order.expires < sailing.start


def test_a_later_deadline_set_afterwards_is_capped_too(series, boat, pier):
    sailing = factories.make_sailing(series, boat, pier, now() + timedelta(hours=10))
    order = place(series, sailing.subevent)
    order.expires = now() + timedelta(days=30)  # e.g. staff extend the order in the back office
    order.save()
    order.refresh_from_db()
    assert order.expires == sailing.start - PAYMENT_CUTOFF


def test_events_whose_orders_would_not_expire_cannot_go_live_until_the_policy_is_applied(series):
    assert policy_issues(series) == []
    series.settings.payment_term_expire_automatically = False
    issues = [str(i) for i in policy_issues(series)]
    assert issues == [str(i) for i in payment_term_issues(series)] and "после отправления" in issues[0]
    series.settings.payment_term_expire_automatically = True
    series.settings.payment_term_expire_delay_days = 3
    assert policy_issues(series)
    apply_policy(series)
    assert policy_issues(series) == []
