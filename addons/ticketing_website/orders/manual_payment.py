"""
pretix's manual payment ("pay at the pier", "pay the guide") prints its three texts with ``str()``: an operator who
enables it without typing them shows "None" to the buyer on the payment and confirmation steps. The shop starts
from plain texts in every shop language instead; the operator's own texts replace them as soon as they are typed.
"""
from django.utils.translation import gettext_noop
from i18nfield.strings import LazyI18nString

from pretix.base.settings import settings_hierarkey

TEXTS = {
    "payment_manual_checkout_description": gettext_noop(
        "You pay the organizer directly, as the organizer tells you. Your tickets are valid once the payment has "
        "been received."),
    "payment_manual_email_instructions": gettext_noop(
        "Please pay {amount_with_currency} for order {order} to the organizer directly. Your tickets are valid once "
        "the payment has been received."),
    "payment_manual_pending_description": gettext_noop(
        "We are waiting for your payment of {amount_with_currency} for order {order}. Pay it to the organizer "
        "directly; your tickets are valid once the payment has been received."),
}

for key, text in TEXTS.items():
    settings_hierarkey.add_default(key, LazyI18nString.from_gettext(text), LazyI18nString)
