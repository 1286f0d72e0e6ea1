"""Payments through the real SDK against the emulator running as a real HTTP server."""
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils.timezone import now

from pretix.base.models import Order, OrderPayment, OrderRefund
from pretix.base.payment import PaymentException

from ticketing_yoomoney.models import YooKassaObject

from .conftest import new_payment

pytestmark = pytest.mark.django_db


def start(order, rf_request):
    """What pretix does when the customer confirms the order: execute_payment, then a redirect."""
    payment = new_payment(order)
    url = payment.payment_provider.execute_payment(rf_request, payment)
    payment.refresh_from_db()
    return payment, url


def return_url(order, payment) -> str:
    return (f"/{order.event.organizer.slug}/{order.event.slug}/yookassa/return/{order.code}/"
            f"{order.tagged_secret('ticketing_yoomoney')}/{payment.pk}/")


def test_happy_path_redirects_to_yookassa_and_confirms_on_return(pending_order, rf_request, emulator, client):
    payment, url = start(pending_order, rf_request)
    yk_id = payment.info_data["id"]
    assert url == f"{emulator.base_url}/checkout/{yk_id}"
    assert payment.state == OrderPayment.PAYMENT_STATE_PENDING
    created = emulator.payments()[0]
    assert created["amount"] == {"value": "2400.00", "currency": "RUB"}
    assert created["_capture"] is True and created["status"] == "pending"
    assert created["metadata"]["order"] == pending_order.code

    emulator.succeed(yk_id)
    r = client.get(return_url(pending_order, payment))
    assert r.status_code == 302 and r["Location"].endswith("?paid=yes")
    pending_order.refresh_from_db()
    payment.refresh_from_db()
    assert pending_order.status == Order.STATUS_PAID
    assert payment.state == OrderPayment.PAYMENT_STATE_CONFIRMED
    assert payment.info_data["payment_method"]["card_last4"] == "4477"
    ref = YooKassaObject.objects.get(reference=yk_id)
    assert (ref.kind, ref.status, ref.payment_id) == ("payment", "succeeded", payment.pk)
    assert len(payment.info_data["request"]["receipt"]["items"]) == 2


def test_return_while_pending_shows_the_waiting_page_and_the_poll_finishes_it(pending_order, rf_request, emulator,
                                                                               client):
    payment, _ = start(pending_order, rf_request)
    r = client.get(return_url(pending_order, payment), follow=True)
    assert r.status_code == 200
    content = r.content.decode()
    assert "ticketing-yookassa-pending" in content and "data-status-url" in content
    status_url = return_url(pending_order, payment).replace("/return/", "/status/")
    assert client.get(status_url).json() == {"state": "pending", "final": False}
    emulator.succeed(payment.info_data["id"])
    from django.core.cache import cache

    cache.clear()
    assert client.get(status_url).json() == {"state": "confirmed", "final": True}


def test_a_wrong_secret_in_the_return_url_is_404(pending_order, rf_request, emulator, client):
    payment, _ = start(pending_order, rf_request)
    assert client.get(return_url(pending_order, payment).replace(
        pending_order.tagged_secret("ticketing_yoomoney"), "x" * 32)).status_code == 404


def test_decline_then_retry_with_the_places_still_held(pending_order, rf_request, emulator, client):
    first, _ = start(pending_order, rf_request)
    emulator.decline(first.info_data["id"], "card_expired")
    r = client.get(return_url(pending_order, first), follow=True)
    first.refresh_from_db()
    pending_order.refresh_from_db()
    assert first.state == OrderPayment.PAYMENT_STATE_FAILED
    assert first.info_data["cancellation"] == {"party": "payment_network", "reason": "card_expired"}
    assert pending_order.status == Order.STATUS_PENDING  # places stay reserved until the order expires
    assert "отклонён" in r.content.decode() or "declined" in r.content.decode().lower()

    second, url = start(pending_order, rf_request)
    assert second.info_data["id"] != first.info_data["id"]
    emulator.succeed(second.info_data["id"])
    client.get(return_url(pending_order, second))
    pending_order.refresh_from_db()
    assert pending_order.status == Order.STATUS_PAID


def test_timeout_on_create_then_retry_charges_once(pending_order, rf_request, emulator, client):
    payment = new_payment(pending_order)
    provider = payment.payment_provider
    # the first answer is lost and so is the client's own automatic retry of it
    emulator.fault(kind="drop", after=True, method="POST", path="/payments", count=2)
    with pytest.raises(PaymentException):
        provider.execute_payment(rf_request, payment)
    assert len(emulator.payments()) == 1  # YooKassa created it, we never heard back
    payment.refresh_from_db()
    assert payment.state == OrderPayment.PAYMENT_STATE_CREATED and "request" in payment.info_data

    url = provider.execute_payment(rf_request, payment)  # the customer presses "pay" again
    assert len(emulator.payments()) == 1
    payment.refresh_from_db()
    assert url.endswith(payment.info_data["id"])
    emulator.succeed(payment.info_data["id"])
    client.get(return_url(pending_order, payment))
    pending_order.refresh_from_db()
    assert pending_order.status == Order.STATUS_PAID


def test_one_lost_answer_is_retried_transparently_with_the_same_key(pending_order, rf_request, emulator):
    emulator.fault(kind="drop", after=True, method="POST", path="/payments", count=1)
    payment, url = start(pending_order, rf_request)
    assert len(emulator.payments()) == 1 and url.endswith(payment.info_data["id"])


def test_retry_after_the_customer_already_paid_goes_straight_to_the_order(pending_order, rf_request, emulator):
    payment, _ = start(pending_order, rf_request)
    emulator.succeed(payment.info_data["id"])
    payment.state = OrderPayment.PAYMENT_STATE_CREATED
    payment.save(update_fields=["state"])
    url = payment.payment_provider.execute_payment(rf_request, payment)
    assert "/yookassa/return/" in url
    pending_order.refresh_from_db()
    assert pending_order.status == Order.STATUS_PAID


def test_yookassa_refusing_the_payment_fails_it_with_a_clear_message(pending_order, rf_request, emulator):
    emulator.call("POST", "/_emulator/settings", {"measure_required": True})  # a shop on FFD 1.2 rules
    try:
        payment = new_payment(pending_order)
        with pytest.raises(PaymentException, match="Kassa"):
            payment.payment_provider.execute_payment(rf_request, payment)
    finally:
        emulator.call("POST", "/_emulator/settings", {"measure_required": False})
    payment.refresh_from_db()
    assert payment.state == OrderPayment.PAYMENT_STATE_FAILED and "measure" in payment.info_data["error"]


def test_late_success_reactivates_an_expired_order_with_free_places(pending_order, rf_request, emulator, client):
    payment, _ = start(pending_order, rf_request)
    pending_order.status, pending_order.expires = Order.STATUS_EXPIRED, now() - timedelta(minutes=5)
    pending_order.save()
    emulator.succeed(payment.info_data["id"])
    client.get(return_url(pending_order, payment))
    pending_order.refresh_from_db()
    assert pending_order.status == Order.STATUS_PAID
    assert not pending_order.refunds.exists()


def test_late_success_without_places_is_refunded_in_full_and_the_customer_told(
        pending_order, rf_request, emulator, client, sailing):
    payment, _ = start(pending_order, rf_request)
    pending_order.status, pending_order.expires = Order.STATUS_EXPIRED, now() - timedelta(minutes=5)
    pending_order.locale = "en"
    pending_order.save()
    sailing.quota.size = 0  # someone else bought the last places meanwhile
    sailing.quota.save()
    mail.outbox.clear()

    emulator.succeed(payment.info_data["id"])
    client.get(return_url(pending_order, payment))
    pending_order.refresh_from_db()
    payment.refresh_from_db()
    assert pending_order.status == Order.STATUS_EXPIRED
    assert payment.state in (OrderPayment.PAYMENT_STATE_CONFIRMED, OrderPayment.PAYMENT_STATE_REFUNDED)
    refund = pending_order.refunds.get()
    assert refund.amount == payment.amount and refund.state == OrderRefund.REFUND_STATE_DONE
    theirs = emulator.refunds()
    assert len(theirs) == 1 and theirs[0]["amount"]["value"] == "2400.00"
    assert theirs[0]["payment_id"] == payment.info_data["id"]
    assert pending_order.all_logentries().filter(action_type="ticketing_yoomoney.late_payment.refunded").exists()
    assert any("has been refunded" in m.subject and pending_order.code in m.subject for m in mail.outbox)

    client.get(return_url(pending_order, payment))  # the same news again changes nothing
    assert pending_order.refunds.count() == 1 and len(emulator.refunds()) == 1


def test_payment_after_the_order_was_paid_otherwise_refunds_the_surplus(pending_order, rf_request, emulator, client):
    payment, _ = start(pending_order, rf_request)
    payment.state = OrderPayment.PAYMENT_STATE_CANCELED  # the customer switched to paying at the pier
    payment.save(update_fields=["state"])
    pending_order.payments.create(provider="manual", amount=pending_order.total).confirm()
    emulator.succeed(payment.info_data["id"])
    client.get(return_url(pending_order, payment))
    pending_order.refresh_from_db()
    assert pending_order.status == Order.STATUS_PAID
    refund = pending_order.refunds.get()
    assert refund.amount == Decimal("2400.00") and refund.payment_id == payment.pk
    assert pending_order.pending_sum == Decimal("0.00")


def test_test_mode_orders_never_use_a_live_shop(shop, organizer, rf_request):
    provider = shop.get_payment_providers()["yookassa"]
    assert provider.is_allowed(rf_request, Decimal("100.00"))
    shop.testmode = True
    shop.save()
    assert provider.is_allowed(rf_request, Decimal("100.00"))  # a test shop may serve pretix's test mode
    organizer.settings.payment_yookassa_test_mode = False
    assert not provider.is_allowed(rf_request, Decimal("100.00"))


def test_not_offered_without_credentials_or_outside_roubles(shop, organizer, rf_request):
    provider = shop.get_payment_providers()["yookassa"]
    shop.currency = "EUR"
    assert not provider.is_allowed(rf_request, Decimal("100.00"))
    shop.currency = "RUB"
    organizer.settings.delete("payment_yookassa_secret_key")
    assert not provider.is_allowed(rf_request, Decimal("100.00"))


def test_allowed_method_hint_is_sent(pending_order, rf_request, emulator, organizer):
    organizer.settings.payment_yookassa_method = "sbp"
    payment, _ = start(pending_order, rf_request)
    assert payment.info_data["request"]["payment_method_data"] == {"type": "sbp"}
    assert emulator.payments()[0]["payment_method"]["type"] == "sbp"


def test_reloading_the_return_address_asks_yookassa_at_most_once_per_interval(pending_order, rf_request, emulator,
                                                                              client, monkeypatch, settings):
    """Anyone holding the link could otherwise make the server call YooKassa on every hit."""
    from django.core.cache import cache

    # pretix's test settings have no cache; production has Redis, `make run` a local one
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

    from ticketing_yoomoney.views import presale

    payment, _ = start(pending_order, rf_request)
    calls = []
    real = presale.sync_payment
    monkeypatch.setattr(presale, "sync_payment", lambda p: calls.append(p.pk) or real(p))
    cache.clear()
    for _i in range(5):
        assert client.get(return_url(pending_order, payment)).status_code == 302
    assert client.get(return_url(pending_order, payment).replace("/return/", "/status/")).status_code == 200
    assert calls == [payment.pk]  # the rest were answered from the stored state
    emulator.succeed(payment.info_data["id"])
    cache.delete(f"ticketing_yoomoney:poll:{payment.pk}")  # the interval has passed
    r = client.get(return_url(pending_order, payment))
    assert r["Location"].endswith("?paid=yes") and calls == [payment.pk, payment.pk]
