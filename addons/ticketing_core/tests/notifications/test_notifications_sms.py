"""SMS notifications through the SMS.ru emulator running as a real server: send, retry, never twice, reports."""
import json
import urllib.request
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils.timezone import now

from pretix.api.models import WebHook
from pretix.base.models import Order

from ticketing_core.notifications.delivery import poll_sms_statuses
from ticketing_core.notifications.models import ContactPreference, Notification
from ticketing_core.notifications.service import notify, resend
from ticketing_core.notifications.sms.factory import callback_token
from ticketing_core.notifications.tasks import send_notification
from ticketing_core.testing import factories
from tools.sms_emulator import start_server, stop_server

pytestmark = pytest.mark.django_db
API_ID, PHONE = "prichal-test-api-id", "+79161234567"


class Sms:
    def __init__(self, base_url: str):
        self.base_url = base_url

    def call(self, method: str, path: str, body: dict | None = None):
        req = urllib.request.Request(self.base_url + path, method=method,
                                     data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:  # noqa: S310 (loopback only)
            text = r.read().decode()
        return json.loads(text) if text else {}

    def messages(self) -> list[dict]:
        answer = self.call("GET", "/_emulator/messages")
        return answer["messages"] if isinstance(answer, dict) else answer

    def fault(self, **kwargs):
        return self.call("POST", "/_emulator/faults", kwargs)


@pytest.fixture(scope="module")
def _sms_server():
    server, _thread, base_url = start_server(port=0, api_ids={API_ID: Decimal("1000")}, step_seconds=0.05,
                                             callback_retry_delays=(0.2,))
    yield Sms(base_url)
    stop_server(server)


@pytest.fixture
def sms(_sms_server, settings, organizer, monkeypatch):
    settings.ALLOW_HTTP_TO_PRIVATE_NETWORKS = True
    _sms_server.call("POST", "/_emulator/reset", {"callbacks": True})
    organizer.settings.ticketing_sms_api_id = API_ID
    # the gateway's address is configuration only ([ticketing_sms] api_url); the emulator's port is known only now
    monkeypatch.setenv("PRETIX_TICKETING_SMS_API_URL", _sms_server.base_url)
    organizer.settings.ticketing_sms_sender = "Prichal"
    return _sms_server


@pytest.fixture
def order(series, sailing):
    adult = series.items.filter(admission=True).order_by("pk").first()
    o = factories.make_order(series, sailing.subevent, [adult], status=Order.STATUS_PENDING)
    ContactPreference.objects.create(order=o, sms=True, phone=PHONE)
    return o


def sent_sms(order, kind, capture, **kwargs) -> Notification:
    with capture(execute=True):
        rows = notify(order, kind, channels=("sms",), **kwargs)
    return Notification.objects.get(pk=rows[0].pk)


@pytest.mark.parametrize("locale,needle", [("ru", "Возврат"), ("en", "Refund"), ("zh-hans", "退款")])
def test_sms_in_the_customers_language(order, sms, locale, needle, django_capture_on_commit_callbacks):
    order.locale = locale
    order.save()
    n = sent_sms(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="r1",
                 extra={"amount": Decimal("1500")})
    assert n.status == Notification.SENT and n.gateway_id and n.segments in (1, 2)
    [message] = sms.messages()
    assert message["phone"] == PHONE.lstrip("+") and needle in message["text"] and message["sender"] == "Prichal"


@pytest.mark.parametrize("kind", ["order_confirmed", "refund_confirmed", "reminder", "sailing_canceled",
                                  "rental_canceled"])
def test_every_sms_kind_goes_out(order, sms, kind, django_capture_on_commit_callbacks):
    n = sent_sms(order, kind, django_capture_on_commit_callbacks,
                 extra={"amount": Decimal("900"), "reason": "шторм", "hours": 2})
    assert n.status == Notification.SENT, n.detail
    assert len(sms.messages()) == 1


def test_sms_kill_switch_records_the_message_as_skipped_and_sends_nothing(order, sms, admin,
                                                                         django_capture_on_commit_callbacks):
    from ticketing_core import flags

    flags.switch("sms_sending", False, admin, reason="gateway bills twice")
    n = sent_sms(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="r-off",
                 extra={"amount": Decimal("1500")})
    assert n.status == Notification.SKIPPED and "sms_sending" in n.detail
    assert sms.messages() == []
    flags.switch("sms_sending", True, admin)
    n = sent_sms(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="r-on",
                 extra={"amount": Decimal("1500")})
    assert n.status == Notification.SENT and len(sms.messages()) == 1


def test_gateway_failure_is_retried_and_sent_once(order, sms, django_capture_on_commit_callbacks, monkeypatch):
    sms.fault(kind="error", status_code=220, count=2)  # "service temporarily unavailable", twice
    retries = []

    def retry(self, exc=None, countdown=None, **kwargs):
        """Celery would run the task again after ``countdown``; here at once, then stop this run."""
        from celery.exceptions import Retry

        retries.append(countdown)
        send_notification.apply(args=self.request.args, retries=len(retries))
        return Retry(exc=exc)

    monkeypatch.setattr(send_notification, "retry", retry.__get__(send_notification))
    n = sent_sms(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="r2",
                 extra={"amount": Decimal("10")})
    assert n.status == Notification.SENT and n.attempts == 3
    assert len(retries) == 2 and retries == sorted(retries) and retries[0] >= 30  # backoff, SMS.ru's own pause
    assert len(sms.messages()) == 1
    send_notification.apply(args=(n.pk,))  # a duplicate task after success changes nothing
    assert len(sms.messages()) == 1


def test_a_lost_answer_is_never_sent_again(order, sms, django_capture_on_commit_callbacks):
    sms.fault(kind="drop", after=True)  # SMS.ru took it, the answer never came
    n = sent_sms(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="r3",
                 extra={"amount": Decimal("10")})
    assert n.status == Notification.UNKNOWN and "check" in n.detail
    assert len(sms.messages()) == 1
    send_notification.apply(args=(n.pk,))
    assert len(sms.messages()) == 1


def test_refused_by_the_gateway_fails_without_retry(order, sms, django_capture_on_commit_callbacks):
    ContactPreference.objects.filter(order=order).update(phone="+74993221627")  # a landline: 207
    n = sent_sms(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="r4",
                 extra={"amount": Decimal("10")})
    assert n.status == Notification.FAILED and n.attempts == 1
    assert order.all_logentries().filter(action_type="ticketing_core.notification.failed").exists()


def test_opt_out_is_respected(order, sms, django_capture_on_commit_callbacks):
    ContactPreference.objects.filter(order=order).update(sms=False)
    with django_capture_on_commit_callbacks(execute=True):
        rows = notify(order, "refund_confirmed", channels=("sms",), occasion="r5", extra={"amount": Decimal("1")})
    assert rows[0].status == Notification.SKIPPED and sms.messages() == []


def test_delivery_reports_by_callback_and_by_polling(order, sms, live_server, django_capture_on_commit_callbacks):
    # polling: the report is fetched when no callback came
    n = sent_sms(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="r6",
                 extra={"amount": Decimal("10")})
    sms.call("GET", f"/_emulator/wait?sms_id={n.gateway_id}&timeout=5")
    Notification.objects.filter(pk=n.pk).update(sent_at=now() - timedelta(minutes=11))
    assert poll_sms_statuses() >= 1
    n.refresh_from_db()
    assert n.status == Notification.DELIVERED
    assert order.all_logentries().filter(action_type="ticketing_core.notification.delivered").exists()


@pytest.mark.django_db(transaction=True)
def test_callback_from_the_emulator_marks_delivered_and_a_failure_fires_the_webhook(
        sms, live_server, organizer, series, sailing):
    adult = series.items.filter(admission=True).order_by("pk").first()
    order = factories.make_order(series, sailing.subevent, [adult], status=Order.STATUS_PENDING)
    ContactPreference.objects.create(order=order, sms=True, phone=PHONE)
    hook = WebHook.objects.create(organizer=organizer, target_url=live_server.url + "/_nowhere/", enabled=True,
                                  all_events=True)
    hook.listeners.create(action_type="ticketing_core.notification.failed")
    sms.call("POST", "/_emulator/callback-url", {
        "url": f"{live_server.url}/_sms/{organizer.slug}/callback/{callback_token(organizer)}/"})
    sms.call("POST", "/_emulator/outcomes", {"phone": PHONE, "status": 106})  # the handset is off
    rows = notify(order, "refund_confirmed", channels=("sms",), occasion="r7", extra={"amount": Decimal("10")})
    n = Notification.objects.get(pk=rows[0].pk)
    sms.call("GET", f"/_emulator/wait?sms_id={n.gateway_id}&timeout=5")
    sms.call("GET", "/_emulator/callbacks/wait?timeout=5")
    n.refresh_from_db()
    assert n.status == Notification.FAILED
    assert hook.calls.filter(action_type="ticketing_core.notification.failed").exists()


def test_resend_is_a_new_message(order, sms, django_capture_on_commit_callbacks, admin):
    first = sent_sms(order, "order_confirmed", django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        again = resend(order, "order_confirmed", "sms", user=admin)
    assert again.pk != first.pk and Notification.objects.get(pk=again.pk).status == Notification.SENT
    assert len(sms.messages()) == 2
    assert order.all_logentries().filter(action_type="ticketing_core.notification.resent").exists()


def test_a_delivery_report_needs_the_accounts_secret_address(order, sms, django_capture_on_commit_callbacks, client,
                                                             organizer, series):
    """Message ids are sequential: a report to the address without the organizer's token changes nothing."""
    n = sent_sms(order, "refund_confirmed", django_capture_on_commit_callbacks, occasion="r9",
                 extra={"amount": Decimal("10")})
    body = {"data[0]": f"sms_status\n{n.gateway_id}\n103"}
    token = callback_token(organizer)
    assert callback_token(organizer) == token and len(token) >= 32  # made once, kept server-side
    assert client.post(f"/_sms/{organizer.slug}/callback/", body).status_code == 404
    for wrong in ("x", token[:-1], token + "x", callback_token(factories.make_organizer("other", "Other"))):
        r = client.post(f"/_sms/{organizer.slug}/callback/{wrong}/", body)
        assert r.status_code == 403
    n.refresh_from_db()
    assert n.status == Notification.SENT
    r = client.post(f"/_sms/{organizer.slug}/callback/{token}/", body)
    assert r.status_code == 200 and r.content == b"100"
    n.refresh_from_db()
    assert n.status == Notification.DELIVERED


def test_a_delivery_report_for_an_organizer_without_sms_is_a_clear_4xx(client, organizer):
    token = callback_token(organizer)
    r = client.post(f"/_sms/{organizer.slug}/callback/{token}/", {"data[0]": "sms_status\n1-1\n103"})
    assert r.status_code == 400
