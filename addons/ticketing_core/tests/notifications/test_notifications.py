"""Notifications: every kind in every language, opt-outs, once only, after commit, reminders on time."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.utils.timezone import now
from freezegun import freeze_time

from pretix.base.models import Order, OrderRefund

from ticketing_core.notifications.kinds import KINDS, setting_key
from ticketing_core.notifications.models import ContactPreference, Notification
from ticketing_core.notifications.reminders import send_due_reminders
from ticketing_core.notifications.service import notify, render
from ticketing_core.notifications.tasks import sweep
from ticketing_core.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(series, sailing):
    adult = series.items.filter(admission=True).order_by("pk").first()
    return factories.make_order(series, sailing.subevent, [adult], status=Order.STATUS_PENDING)


def send(order, kind, capture, **kwargs):
    with capture(execute=True):
        return notify(order, kind, **kwargs)


@pytest.mark.parametrize("locale,greeting", [("ru", "Здравствуйте"), ("en", "Hello"), ("zh-hans", "您好")])
@pytest.mark.parametrize("kind", [k for k, v in KINDS.items() if v.body and k != "case_reply"])
def test_every_kind_in_every_language(order, kind, locale, greeting, django_capture_on_commit_callbacks, sailing):
    order.locale = locale
    order.save()
    order.event.settings.set(setting_key(kind, "enabled_email"), True)  # payment_receipt's is off by default
    mail.outbox.clear()
    rows = send(order, kind, django_capture_on_commit_callbacks, channels=("email",),
                extra={"amount": Decimal("1500.00"), "reason": "шторм", "hours": 24, "method": "ЮKassa",
                       "receipt": ""})
    assert [r.channel for r in rows] == ["email"]
    n = Notification.objects.get(pk=rows[0].pk)
    assert n.status in (Notification.SENT, Notification.DELIVERED), n.detail
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert greeting in message.body and order.code in message.body
    assert "{" not in message.subject + message.body  # every placeholder filled
    if kind in ("reminder", "order_confirmed"):
        assert "Дворцовая" in message.body  # the pier (its name has no translation in the fixture)
    if kind in ("reminder", "sailing_canceled", "order_confirmed"):
        local = sailing.start.astimezone(factories.MSK)
        assert local.strftime("%d.%m.%Y %H:%M") in message.body


def test_sms_texts_fit_two_segments_in_every_language(order):
    from ticketing_core.notifications.sms.segments import count_segments

    ctx = {"code": "ABCDE", "url": "https://tickets.example.ru/neva/evening/order/ABCDE/0123456789abcdef/",
           "date": "25.11.2026 19:00", "pier": "Дворцовая пристань", "amount": "12 500,00 ₽", "case": "C-1042",
           "event": "Вечерняя прогулка", "organizer": "Нева", "boarding": "", "reason": "шторм", "hours": "24"}
    for kind in KINDS.values():
        if not kind.sms:
            continue
        for locale in ("ru", "en", "zh-hans"):
            _, _, sms = render(order.event, kind, locale, ctx)
            assert count_segments(sms).segments <= 2, (kind.key, locale, sms)


def test_the_same_message_is_recorded_and_sent_once(order, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    first = send(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="r1",
                 extra={"amount": Decimal("10")})
    again = send(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="r1",
                 extra={"amount": Decimal("10")})
    assert [n.channel for n in first] == ["email", "sms"] and again == []  # the SMS is recorded as skipped
    assert Notification.objects.filter(order=order, kind="refund_confirmed").count() == 2
    assert len(mail.outbox) == 1


def test_nothing_is_sent_when_the_transaction_rolls_back(order, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                notify(order, "refund_confirmed", occasion="r9", extra={"amount": Decimal("10")})
                raise RuntimeError("the order could not be saved")
        except RuntimeError:
            pass
    assert callbacks == [] and mail.outbox == []
    assert not Notification.objects.filter(order=order).exists()


def test_sms_needs_consent_and_a_phone_and_transactional_email_ignores_opt_outs(order,
                                                                                django_capture_on_commit_callbacks):
    rows = send(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="r2",
                extra={"amount": Decimal("10")})
    by_channel = {r.channel: r for r in rows}
    assert by_channel["sms"].status == Notification.SKIPPED and by_channel["sms"].detail == "no SMS consent"
    ContactPreference.objects.create(order=order, sms=True, reminders=False)
    rows = send(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="r3",
                extra={"amount": Decimal("10")})
    by_channel = {r.channel: r for r in rows}
    assert by_channel["sms"].detail == "no phone number"
    assert Notification.objects.get(pk=by_channel["email"].pk).status != Notification.SKIPPED  # transactional


def test_reminder_opt_out_is_respected(order, django_capture_on_commit_callbacks):
    ContactPreference.objects.create(order=order, reminders=False)
    rows = send(order, "reminder", django_capture_on_commit_callbacks, occasion="x", extra={"hours": 2})
    assert {r.status for r in rows} == {Notification.SKIPPED}


def test_pretix_sends_the_confirmation_email_itself(order, django_capture_on_commit_callbacks):
    rows = send(order, "order_confirmed", django_capture_on_commit_callbacks)
    assert [r.channel for r in rows] == ["sms"]  # the e-mail is pretix's own "order paid" mail


def test_paying_sends_one_confirmation_and_no_second_receipt(order, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        order.payments.create(provider="manual", amount=order.total).confirm()
    rows = {(n.kind, n.channel): n for n in Notification.objects.filter(order=order)}
    assert ("order_confirmed", "sms") in rows
    # pretix's own "payment received" e-mail confirms the payment; ours is switched off unless staff want it
    assert rows[("payment_receipt", "email")].status == Notification.SKIPPED


def test_staff_can_switch_the_payment_receipt_email_on(order, django_capture_on_commit_callbacks):
    from ticketing_core.notifications.kinds import setting_key

    order.event.settings.set(setting_key("payment_receipt", "enabled_email"), True)
    with django_capture_on_commit_callbacks(execute=True):
        order.payments.create(provider="manual", amount=order.total).confirm()
    receipt = Notification.objects.get(order=order, kind="payment_receipt", channel="email")
    assert receipt.status in (Notification.SENT, Notification.DELIVERED)


def test_a_done_refund_is_confirmed_once(series, sailing, django_capture_on_commit_callbacks):
    adult = series.items.filter(admission=True).first()
    order = factories.make_order(series, sailing.subevent, [adult])
    with django_capture_on_commit_callbacks(execute=True):
        refund = order.refunds.create(provider="manual", amount=Decimal("100.00"),
                                      source=OrderRefund.REFUND_SOURCE_ADMIN, state=OrderRefund.REFUND_STATE_CREATED)
        refund.done()
        refund.save()
    assert Notification.objects.filter(order=order, kind="refund_confirmed", channel="email").count() == 1


@pytest.mark.parametrize("tz", ["Europe/Moscow", "Asia/Vladivostok", "Europe/Kaliningrad"])
def test_reminders_once_at_the_right_time_in_any_time_zone(series, boat, pier, tz,
                                                            django_capture_on_commit_callbacks):
    pier.timezone = tz
    pier.save()
    start = now().replace(microsecond=0) + timedelta(days=3)
    sailing = factories.make_sailing(series, boat, pier, start)
    adult = series.items.filter(admission=True).first()
    order = factories.make_order(series, sailing.subevent, [adult])
    mail.outbox.clear()

    def run(at):
        with freeze_time(at), django_capture_on_commit_callbacks(execute=True):
            return send_due_reminders(at)

    assert run(start - timedelta(hours=24, seconds=1)) == 0  # one second early: nothing
    assert run(start - timedelta(hours=24)) == 1  # exactly 24 h before, in UTC
    assert run(start - timedelta(hours=23)) == 0  # again an hour later: not twice
    assert run(start - timedelta(hours=2)) == 1  # the 2-hour reminder
    assert run(start - timedelta(minutes=30)) == 0
    assert run(start + timedelta(minutes=1)) == 0  # departed
    reminders = Notification.objects.filter(order=order, kind="reminder", channel="email")
    assert reminders.count() == 2 and len(mail.outbox) == 2
    from zoneinfo import ZoneInfo

    local = start.astimezone(ZoneInfo(tz)).strftime("%d.%m.%Y %H:%M")
    assert all(local in m.body for m in mail.outbox)  # departure in the pier's own time


def test_no_24h_reminder_for_an_order_placed_later(series, sailing, django_capture_on_commit_callbacks):
    adult = series.items.filter(admission=True).first()
    start = sailing.start
    with freeze_time(start - timedelta(hours=10)):
        order = factories.make_order(series, sailing.subevent, [adult])
    with freeze_time(start - timedelta(hours=9)), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(start - timedelta(hours=9)) == 0
    with freeze_time(start - timedelta(hours=2)), django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(start - timedelta(hours=2)) == 1
    assert Notification.objects.filter(order=order, kind="reminder").count() == 2  # e-mail sent, SMS skipped


def test_configurable_lead_times(series, sailing, django_capture_on_commit_callbacks):
    series.settings.ticketing_notify_reminder_hours = "48"
    adult = series.items.filter(admission=True).first()
    start = sailing.start
    with freeze_time(start - timedelta(hours=60)):
        factories.make_order(series, sailing.subevent, [adult])
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(start - timedelta(hours=48)) == 1
        assert send_due_reminders(start - timedelta(hours=2)) == 0


def test_a_lost_task_is_sent_by_the_sweep_and_a_stuck_one_is_flagged(order):
    with transaction.atomic():  # recorded, but its task never ran (e.g. the broker lost it)
        rows = notify(order, "refund_confirmed", occasion="r5", extra={"amount": Decimal("1")})
    email = next(r for r in rows if r.channel == "email")
    stuck = Notification.objects.create(organizer=order.event.organizer, order=order, kind="reminder",
                                        channel="email", key="stuck", status=Notification.SENDING)
    mail.outbox.clear()
    counts = sweep(now() + timedelta(minutes=20))
    assert counts == {"requeued": 1, "unknown": 1}
    assert Notification.objects.get(pk=email.pk).status in (Notification.SENT, Notification.DELIVERED)
    assert Notification.objects.get(pk=stuck.pk).status == Notification.UNKNOWN
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("phone,listed", [("", False), ("+79161234567", True)])
def test_confirmation_page_lists_the_sms_number_only_when_one_was_typed(series, monkeypatch, phone, listed):
    """The confirm step showed "Мобильный телефон для SMS" with nothing after it for every buyer without SMS."""
    from types import SimpleNamespace

    from pretix.presale.views import cart

    from ticketing_core.signals import contact_fields

    monkeypatch.setattr(cart, "cart_session", lambda request: {"contact_form_data": {"ticketing_sms_phone": phone}})
    confirm = SimpleNamespace(resolver_match=SimpleNamespace(url_name="event.checkout", kwargs={"step": "confirm"}))
    assert ("ticketing_sms_phone" in contact_fields(sender=series, request=confirm)) is listed
    questions = SimpleNamespace(resolver_match=SimpleNamespace(url_name="event.checkout", kwargs={"step": "questions"}))
    assert "ticketing_sms_phone" in contact_fields(sender=series, request=questions)  # asked, of course


def test_checkout_asks_for_sms_consent_and_a_mobile_number(series, order):
    from django import forms

    from ticketing_core.notifications.checkout import MobilePhoneField, save_preferences
    from ticketing_core.signals import contact_fields

    fields = contact_fields(sender=series)
    assert set(fields) == {"ticketing_reminders", "ticketing_sms", "ticketing_sms_phone"}
    assert fields["ticketing_sms"].initial is False and fields["ticketing_reminders"].initial is True
    assert MobilePhoneField(required=False).clean("8 (916) 123-45-67") == "+79161234567"
    with pytest.raises(forms.ValidationError):
        MobilePhoneField(required=False).clean("12345")
    with pytest.raises(forms.ValidationError):
        MobilePhoneField(required=False).clean("+7 495 123-45-67")  # a Moscow landline cannot take SMS

    order.meta_info_data = {"contact_form_data": {"ticketing_sms": True, "ticketing_reminders": False,
                                                  "ticketing_sms_phone": "+79161234567"}}
    order.save()
    pref = save_preferences(order)
    assert (pref.sms, pref.reminders, pref.phone) == (True, False, "+79161234567")
    assert save_preferences(order).pk == pref.pk  # idempotent
    order.meta_info_data["contact_form_data"]["ticketing_sms"] = False  # placed again (a re-sent signal): updated
    save_preferences(order)
    assert ContactPreference.objects.filter(order=order).count() == 1
    assert ContactPreference.objects.get(order=order).sms is False


def test_the_profile_choice_applies_to_orders_of_the_customer(order):
    from pretix.base.models import Customer

    from ticketing_core.notifications.service import preference_for

    customer = Customer.objects.create(organizer=order.event.organizer, email="buyer@example.org")
    order.customer = customer
    order.save()
    ContactPreference.objects.create(customer=customer, sms=True, phone="+79161234567")
    assert preference_for(order).sms is True
    ContactPreference.objects.create(order=order, sms=False)  # chosen at this checkout
    assert preference_for(order).sms is False


def test_the_shredder_removes_recipients_and_texts(order, django_capture_on_commit_callbacks):
    from ticketing_core.notifications.shredder import NotificationShredder

    ContactPreference.objects.create(order=order, sms=True, phone="+79161234567")
    send(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="r1", extra={"amount": Decimal("1")})
    shredder = NotificationShredder(order.event)
    exported = dict((name, data) for name, _type, data in shredder.generate_files())
    assert "buyer@example.org" in exported["messages.json"]
    shredder.shred_data()
    assert set(Notification.objects.filter(order=order).values_list("recipient", flat=True)) == {"█"}
    assert not Notification.objects.filter(order=order).exclude(text="").exists()
    assert not ContactPreference.objects.filter(order=order).exists()
