"""pretix's manual payment enabled without the operator's texts: the buyer reads a plain instruction, not "None"."""
from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.utils import translation
from django.utils.timezone import now
from i18nfield.strings import LazyI18nString

from pretix.base.payment import ManualPayment

from ticketing_core.testing import factories
from ticketing_website.testing import adult

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("lang, words", [("ru", "напрямую организатору"), ("en", "organizer directly"),
                                         ("zh-hans", "直接向主办方")])
def test_manual_payment_without_texts_speaks_the_buyers_language(lang, words):
    organizer = factories.make_organizer()
    event = factories.make_series(organizer)  # manual payment enabled, none of its texts typed
    sailing = factories.make_sailing(event, factories.make_vessel(organizer), factories.make_pier(organizer),
                                     now() + timedelta(days=3))
    provider = ManualPayment(event)
    order = factories.make_order(event, sailing.subevent, [adult(event)], status="n")
    payment = order.payments.create(provider="manual", amount=order.total, state="created")
    with translation.override(lang):
        checkout = provider.payment_form_render(RequestFactory().get("/"))
        mail = provider.order_pending_mail_render(order, payment)
        pending = provider.payment_pending_render(RequestFactory().get("/"), payment)
    for text in (checkout, mail, pending):
        assert "None" not in text
        assert words in text
    assert order.code in mail and order.code in pending


def test_the_operators_own_text_wins():
    event = factories.make_series(factories.make_organizer())
    event.settings.payment_manual_checkout_description = LazyI18nString({"ru": "Оплата в кассе на причале"})
    with translation.override("ru"):
        assert "Оплата в кассе на причале" in ManualPayment(event).payment_form_render(RequestFactory().get("/"))
