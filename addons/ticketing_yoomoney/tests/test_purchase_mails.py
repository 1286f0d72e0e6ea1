"""One YooKassa purchase, the e-mails a buyer needs, once: no "pay until" mail, one confirmation with the tickets."""
from datetime import timedelta

import pytest
from django.core import mail
from django.utils.timezone import now

from pretix.base.models import CartPosition, Order, OutgoingMail
from pretix.base.services.orders import perform_order

pytestmark = pytest.mark.django_db


def place(event, subevent, provider):
    adult = event.items.filter(admission=True).order_by("pk").first()
    cart_id = f"cart-{provider}"
    pos = CartPosition.objects.create(event=event, subevent=subevent, item=adult, cart_id=cart_id,
                                      expires=now() + timedelta(minutes=30), price=adult.default_price,
                                      listed_price=adult.default_price, price_after_voucher=adult.default_price)
    payment = [{"provider": provider, "max_value": None, "min_value": None, "multi_use_supported": False,
                "info_data": {}}]
    perform_order(event.pk, payment, [str(pos.pk)], email=f"{provider}@example.org", locale="ru", cart_id=cart_id)
    return Order.objects.get(event=event, email=f"{provider}@example.org")


def test_yookassa_purchase_sends_one_confirmation_with_the_tickets(shop, sailing, rf_request, emulator,
                                                                  django_capture_on_commit_callbacks):
    from ticketing_yoomoney.services.sync import sync_payment

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = place(shop, sailing.subevent, "yookassa")
    assert mail.outbox == []  # paid on YooKassa's page right away: no "оплатите до" e-mail
    payment = order.payments.get()
    payment.payment_provider.execute_payment(rf_request, payment)
    payment.refresh_from_db()
    emulator.succeed(payment.info_data["id"])
    with django_capture_on_commit_callbacks(execute=True):
        sync_payment(payment)
    order.refresh_from_db()
    assert order.status == Order.STATUS_PAID
    assert len(mail.outbox) == 1, [m.subject for m in mail.outbox]
    confirmation = mail.outbox[0]
    assert order.code in confirmation.subject
    sent = OutgoingMail.objects.get(order=order, status=OutgoingMail.STATUS_SENT)
    assert sent.should_attach_tickets  # pretix's "payment received" e-mail, which carries the tickets


def test_payment_at_the_pier_gets_pay_until_then_one_confirmation(shop, sailing, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        order = place(shop, sailing.subevent, "manual")
    assert len(mail.outbox) == 1 and order.code in mail.outbox[0].subject  # "pay until" at the pier
    with django_capture_on_commit_callbacks(execute=True):
        order.payments.get().confirm()
    assert len(mail.outbox) == 2, [m.subject for m in mail.outbox]
