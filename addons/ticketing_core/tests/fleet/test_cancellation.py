"""Operator cancellation of a sailing: every order cancelled and refunded in full, customers told."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils.timezone import now

from pretix.base.models import Order, OrderRefund

from ticketing_core.fleet.capacity import sold_places
from ticketing_core.fleet.forms import default_cancel_message, default_cancel_subject
from ticketing_core.fleet.tasks import cancel_sailing
from ticketing_core.models import Sailing
from ticketing_core.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(series, sailing, boat, pier, organizer):
    adult = series.items.get(default_price=Decimal("1500.00"))
    free = series.items.create(name={"ru": "Младенец"}, default_price=Decimal("0.00"), admission=True)
    other_vessel = factories.make_vessel(organizer, "Фонтанка", capacity=30)
    other = factories.make_sailing(series, other_vessel, pier, now() + timedelta(days=4))
    return {
        "paid_ru": factories.make_order(series, sailing.subevent, [adult, adult], email="ru@example.org"),
        "paid_en": factories.make_order(series, sailing.subevent, [adult], email="en@example.org", locale="en"),
        "paid_zh": factories.make_order(series, sailing.subevent, [adult], email="zh@example.org",
                                        locale="zh-hans"),
        "pending": factories.make_order(series, sailing.subevent, [adult], status=Order.STATUS_PENDING,
                                        email="pending@example.org"),
        "free": factories.make_order(series, sailing.subevent, [free], email="free@example.org"),
        "other_sailing": factories.make_order(series, other.subevent, [adult], email="other@example.org"),
        "other": other,
    }


def _cancel(series, sailing, user=None, reason="Штормовое предупреждение"):
    mail.outbox = []
    return cancel_sailing(series.pk, sailing=sailing.pk, reason=reason,
                          send_subject=default_cancel_subject().data, send_message=default_cancel_message().data,
                          user=user.pk if user else None)


def test_cancelling_a_sailing_cancels_and_refunds_every_order(series, sailing, orders, admin):
    _cancel(series, sailing, admin)
    for key in ("paid_ru", "paid_en", "paid_zh", "pending", "free"):
        o = Order.objects.get(pk=orders[key].pk)
        assert o.status == Order.STATUS_CANCELED, key
    for key in ("paid_ru", "paid_en", "paid_zh"):
        o = Order.objects.get(pk=orders[key].pk)
        refunded = sum((r.amount for r in o.refunds.exclude(state__in=(OrderRefund.REFUND_STATE_CANCELED,
                                                                        OrderRefund.REFUND_STATE_FAILED))),
                       Decimal("0.00"))
        assert refunded == orders[key].total, key  # full refund, whatever the 24-hour rule says
    assert not Order.objects.get(pk=orders["pending"].pk).refunds.exists()


def test_other_sailings_are_untouched(series, sailing, orders):
    _cancel(series, sailing)
    assert Order.objects.get(pk=orders["other_sailing"].pk).status == Order.STATUS_PAID
    assert not Sailing.objects.get(pk=orders["other"].pk).is_canceled


def test_quota_is_freed_and_sailing_marked(series, sailing, orders):
    assert sold_places(Sailing.objects.get(pk=sailing.pk)) == 6
    _cancel(series, sailing)
    s = Sailing.objects.get(pk=sailing.pk)
    assert sold_places(s) == 0
    assert s.is_canceled and s.cancel_reason == "Штормовое предупреждение"
    s.subevent.refresh_from_db()
    assert s.subevent.active is False
    assert s.quota.availability()[1] == 60


def test_refund_inside_the_last_24_hours_is_still_full(series, boat, pier):
    adult = series.items.get(default_price=Decimal("1500.00"))
    soon = factories.make_sailing(series, boat, pier, now() + timedelta(hours=3))
    order = factories.make_order(series, soon.subevent, [adult])
    _cancel(series, soon)
    order.refresh_from_db()
    assert order.status == Order.STATUS_CANCELED
    assert order.refunds.get().amount == Decimal("1500.00")


def test_customers_are_told_in_their_language(series, sailing, orders):
    _cancel(series, sailing)
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "ru@example.org" in by_recipient and "en@example.org" in by_recipient
    assert "отменён" in by_recipient["ru@example.org"].subject or "Отмен" in by_recipient["ru@example.org"].subject
    assert by_recipient["en@example.org"].subject.startswith("Sailing cancelled")
    assert "cancelled" in by_recipient["en@example.org"].body
    assert by_recipient["zh@example.org"].subject != by_recipient["en@example.org"].subject
    assert "other@example.org" not in by_recipient


def test_everything_is_logged(series, sailing, orders, admin):
    _cancel(series, sailing, admin)
    s = Sailing.objects.get(pk=sailing.pk)
    entry = s.all_logentries().get(action_type="ticketing_core.sailing.canceled")
    assert entry.user == admin
    assert entry.display()
    o = Order.objects.get(pk=orders["paid_ru"].pk)
    actions = set(o.all_logentries().values_list("action_type", flat=True))
    assert "pretix.event.order.canceled" in actions
    assert "pretix.event.order.refund.created" in actions


def test_cancelling_twice_changes_nothing_more(series, sailing, orders):
    _cancel(series, sailing)
    refunds = OrderRefund.objects.filter(order__event=series).count()
    _cancel(series, sailing)
    assert OrderRefund.objects.filter(order__event=series).count() == refunds


def test_cancel_page_needs_the_cancel_permission_and_works(admin_client, series, sailing, orders, organizer):
    url = f"/control/event/{organizer.slug}/{series.slug}/sailings/{sailing.pk}/cancel"
    resp = admin_client.get(url)
    assert resp.status_code == 200
    assert "6" in resp.content.decode()  # places / orders summary is shown
    data = {"reason": "Поломка двигателя", "confirm": "on"}
    for i in range(3):  # one input per shop language: ru, en, zh-hans
        data[f"send_subject_{i}"] = "Отмена {event}"
        data[f"send_message_{i}"] = "Рейс {event} отменён, вернём {refund_amount}. {url}"
    resp = admin_client.post(url, data, follow=True)
    assert resp.status_code == 200
    assert Sailing.objects.get(pk=sailing.pk).cancel_reason == "Поломка двигателя"
    assert Order.objects.get(pk=orders["paid_ru"].pk).status == Order.STATUS_CANCELED


def test_the_notice_gives_the_sailings_date_time_and_the_reason_as_plain_text(series, sailing, orders,
                                                                               django_capture_on_commit_callbacks):
    from ticketing_core.notifications.models import ContactPreference, Notification

    ContactPreference.objects.create(order=orders["paid_ru"], sms=True, phone="+79990000000")
    reason = "Шторм: [подробнее](http://evil.example) <b>ветер</b>"
    with django_capture_on_commit_callbacks(execute=False):
        _cancel(series, sailing, reason=reason)
    when = sailing.start.astimezone(factories.MSK).strftime("%d.%m.%Y %H:%M")
    ru = next(m for m in mail.outbox if m.to == ["ru@example.org"])
    assert when in ru.subject and "«Вечерняя прогулка»" in ru.subject
    assert f"рейс «Вечерняя прогулка» {when}" in ru.body and f"Причина: {reason}" in ru.body
    assert "команда «Вечерняя прогулка»" in ru.body
    alt = ru.alternatives[0][0]
    html = alt if isinstance(alt, str) else next(
        p.get_payload(decode=True).decode() for p in alt.walk() if p.get_content_type() == "text/html")
    assert 'href="http://evil.example' not in html  # typed by staff: never a link
    assert "<b>ветер</b>" not in html and "&lt;b&gt;ветер&lt;/b&gt;" in html
    en = next(m for m in mail.outbox if m.to == ["en@example.org"])
    assert when in en.body and f"Reason: {reason}" in en.body
    sms = Notification.objects.get(order=orders["paid_ru"], kind="sailing_canceled", channel="sms")
    assert when in sms.text and "Шторм" in sms.text
