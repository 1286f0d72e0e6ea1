"""
The YooKassa (ЮMoney) payment provider: the customer pays on YooKassa's own page (card data never
reaches us: PCI DSS SAQ-A), one-stage payments in roubles, refunds through ``POST /v3/refunds``.
"""
import logging
from collections import OrderedDict
from decimal import Decimal

from django import forms
from django.conf import settings as django_settings
from django.core.validators import RegexValidator
from django.http import HttpRequest
from django.template.loader import get_template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pretix.base.forms import SECRET_REDACTED, SecretKeySettingsField
from pretix.base.i18n import language
from pretix.base.models import OrderPayment, OrderRefund
from pretix.base.payment import BasePaymentProvider, PaymentException
from pretix.multidomain.urlreverse import build_absolute_uri, eventreverse

from ticketing_core import flags

from . import metrics
from .client import ShopCredentials
from .config import configured_api_url
from .services import remote
from .services.display import payment_details
from .services.receipts import (
    PAYMENT_SUBJECTS,
    TAX_SYSTEMS,
    VAT_AUTO,
    VAT_CODES,
    ReceiptError,
    build_receipt,
    build_refund_receipt,
)

logger = logging.getLogger(__name__)

PAYMENT_METHODS = (
    ("", _("Any method the customer chooses on YooKassa's page")),
    ("bank_card", _("Bank card")),
    ("sbp", _("SBP (Faster Payments System)")),
    ("yoo_money", _("YooMoney wallet")),
    ("sberbank", _("SberPay")),
    ("tinkoff_bank", _("T-Pay")),
)
DEFAULT_RECONCILE_MINUTES = 10


def settings_fields() -> "OrderedDict[str, forms.Field]":
    """The provider's own settings, shared by the event's payment page and the organizer's page."""
    return OrderedDict([
        ("shop_id", forms.CharField(
            label=_("Shop ID"), max_length=32, required=False,
            validators=[RegexValidator(r"^[0-9]+$", _("The shop ID consists of digits only, e.g. 123456."))],
            help_text=_("shopId from the YooKassa merchant profile (Integration → API keys)."))),
        ("secret_key", SecretKeySettingsField(
            label=_("Secret key"), required=False,
            validators=[RegexValidator(r"^(live|test)_[A-Za-z0-9_-]+$",
                                       _('A YooKassa secret key starts with "live_" or "test_".'))],
            help_text=_("Never shown again in full and never written to logs."))),
        ("test_mode", forms.BooleanField(
            label=_("Test shop"), required=False,
            help_text=_("The shop ID and key belong to a YooKassa test shop: no money moves. Orders placed in "
                        "pretix's test mode can only be paid with a test shop."))),
        ("method", forms.ChoiceField(
            label=_("Payment method"), required=False, choices=PAYMENT_METHODS,
            help_text=_("Offer only this method on YooKassa's page, or let the customer choose."))),
        ("vat_code", forms.ChoiceField(
            label=_("VAT on receipts"), required=False, initial=VAT_AUTO,
            choices=((VAT_AUTO, _("From each product's tax rule (22 % → 22/122 on prepayment, 22 % after the "
                                  "sailing)")),) + VAT_CODES)),
        ("tax_system_code", forms.ChoiceField(label=_("Tax system"), required=False, choices=TAX_SYSTEMS)),
        ("payment_subject", forms.ChoiceField(label=_("Subject of calculation"), required=False, initial="service",
                                              choices=PAYMENT_SUBJECTS)),
        ("settlement_receipts", forms.BooleanField(
            label=_("Settlement receipts after the sailing"), required=False, initial=True,
            help_text=_("Send a full payment receipt against the prepayment once the sailing has taken place."))),
        ("restrict_networks", forms.BooleanField(
            label=_("Accept notifications only from YooKassa's networks"), required=False, initial=True,
            help_text=_("Recommended in production. Notifications change nothing by themselves either way: every "
                        "payment is re-checked with YooKassa."))),
        ("reconcile_minutes", forms.IntegerField(
            label=_("Re-check unfinished payments after (minutes)"), required=False, min_value=1, max_value=1440,
            initial=DEFAULT_RECONCILE_MINUTES)),
    ])


def clean_settings(cleaned_data: dict, prefix: str, enabled: bool, stored_secret: str = "",  # nosec B107
                   stored_shop_id: str = "") -> dict:
    """
    Enabling needs both credentials; a test key in a live shop (or the other way round) is refused. A new
    shop ID needs its own key typed in: the saved key belongs to the saved shop, and keeping it under
    another shop ID would let anyone with these settings pair our key with a shop of their choosing.
    """
    shop_id = cleaned_data.get(f"{prefix}shop_id")
    secret = cleaned_data.get(f"{prefix}secret_key")
    if secret == SECRET_REDACTED:  # unchanged: the form shows only a mask
        if shop_id and stored_shop_id and shop_id != stored_shop_id and stored_secret:
            raise forms.ValidationError({f"{prefix}secret_key": _(
                "The shop ID has changed: enter the secret key of shop {shop} as well. The saved key belongs to "
                "shop {old}.").format(shop=shop_id, old=stored_shop_id)})
        secret = stored_secret
    if enabled and not (shop_id and secret):
        raise forms.ValidationError(_("Enter the shop ID and the secret key before enabling YooKassa."))
    if secret and secret.startswith(("live_", "test_")):
        if secret.startswith("test_") != bool(cleaned_data.get(f"{prefix}test_mode")):
            raise forms.ValidationError(_('Keys starting with "test_" belong to a test shop: tick "Test shop" for '
                                          'them, and only for them.'))
    return cleaned_data


def webhook_url() -> str:
    """The one address every shop's notifications go to (entered once in YooKassa's merchant profile)."""
    return django_settings.SITE_URL.rstrip("/") + reverse("plugins:ticketing_yoomoney:webhook")


def credentials_of(settings) -> ShopCredentials:
    """The shop in these settings, at the configured API (a stored ``api_url`` setting is ignored)."""
    return ShopCredentials(
        shop_id=str(settings.get("shop_id") or ""),
        secret_key=str(settings.get("secret_key") or ""),
        api_url=configured_api_url(),
    )


def shop_credentials(event, shop_id: str, api_url: str = "") -> ShopCredentials:
    """
    The credentials of the shop an object was created in, at the API it was created at: a payment is
    always asked about where it was made, whatever the settings say now. The key is taken from the
    event's or the organizer's settings only while they still hold that very shop; otherwise nothing is
    sent anywhere (:class:`remote.ShopUnavailable`).
    """
    from pretix.base.settings import SettingsSandbox

    for holder in (event, event.organizer):
        settings = SettingsSandbox("payment", "yookassa", holder)
        if shop_id and str(settings.get("shop_id") or "") == shop_id and settings.get("secret_key"):
            return ShopCredentials(shop_id=shop_id, secret_key=str(settings.get("secret_key")),
                                   api_url=api_url or configured_api_url())
    raise remote.ShopUnavailable(shop_id)


class YooKassaProvider(BasePaymentProvider):
    identifier = "yookassa"
    verbose_name = _("YooKassa / YooMoney")
    public_name = _("Bank card, SBP or YooMoney wallet")
    abort_pending_allowed = True
    execute_payment_needs_user = True

    @property
    def settings_form_fields(self):
        return OrderedDict(list(super().settings_form_fields.items()) + list(settings_fields().items()))

    def settings_form_clean(self, cleaned_data):
        prefix = f"payment_{self.identifier}_"
        return clean_settings(cleaned_data, prefix, bool(cleaned_data.get(f"{prefix}_enabled")),
                              str(self.settings.get("secret_key") or ""), str(self.settings.get("shop_id") or ""))

    def settings_content_render(self, request) -> str:
        return get_template("ticketing_yoomoney/settings_content.html").render({
            "webhook_url": webhook_url(),
            "check_url": reverse("plugins:ticketing_yoomoney:check", kwargs={
                "organizer": self.event.organizer.slug, "event": self.event.slug}),
            "organizer_url": reverse("plugins:ticketing_yoomoney:organizer.settings", kwargs={
                "organizer": self.event.organizer.slug}),
        }, request)

    @property
    def credentials(self) -> ShopCredentials:
        return credentials_of(self.settings)

    @property
    def test_mode_message(self) -> str:
        if self.settings.get("test_mode", as_type=bool):
            return str(_("The YooKassa test shop is used: no money is charged; pay on YooKassa's page with a "
                         "test card."))
        return ""

    def is_allowed(self, request, total=None) -> bool:
        # the kill switch (Administration → Feature flags): off, the shop offers the other payment methods and
        # says why (signals.checkout_notice)
        if not flags.enabled("yookassa_checkout"):
            return False
        if not (super().is_allowed(request, total) and self.event.currency == "RUB"
                and self.settings.get("shop_id") and self.settings.get("secret_key")):
            return False
        # pretix's test-mode orders must never charge real money
        return not self.event.testmode or self.settings.get("test_mode", as_type=bool)

    def order_change_allowed(self, order) -> bool:
        return super().order_change_allowed(order) and order.event.currency == "RUB" and (
            not order.testmode or self.settings.get("test_mode", as_type=bool))

    def checkout_prepare(self, request, cart):
        return True

    def payment_is_valid_session(self, request) -> bool:
        return True

    def payment_form_render(self, request, total=None, order=None) -> str:
        # no request: the text needs none of pretix's shop context, whose processors cost more than the text
        return get_template("ticketing_yoomoney/checkout_info.html").render(
            {"test_mode": self.settings.get("test_mode", as_type=bool)})

    def checkout_confirm_render(self, request, order=None, info_data=None) -> str:
        return self.payment_form_render(request, order=order)

    def payment_prepare(self, request, payment):
        return True

    def execute_payment(self, request: HttpRequest, payment: OrderPayment) -> str:
        """Create the YooKassa payment (idempotent per pretix payment) and send the customer to pay."""
        order = payment.order
        try:
            receipt = build_receipt(order, payment.amount, self.settings)
        except ReceiptError as e:
            logger.error("No valid receipt for %s: %s", payment.full_id, e)
            raise PaymentException(_("This order cannot be paid online right now; please contact us."))
        with language(order.locale, self.event.settings.region):
            description = str(_("Order {code}")).format(code=order.code)
        params = {
            "amount": {"value": f"{payment.amount:.2f}", "currency": "RUB"},
            "capture": True,
            "confirmation": {
                "type": "redirect",
                "locale": "ru_RU" if (order.locale or "ru").startswith("ru") else "en_US",
                "return_url": build_absolute_uri(self.event, "plugins:ticketing_yoomoney:return", kwargs={
                    "order": order.code, "hash": order.tagged_secret("ticketing_yoomoney"),
                    "payment": payment.pk}),
            },
            "description": description,
            "metadata": {"order": order.code, "payment": payment.full_id, "event": self.event.slug,
                         "organizer": self.event.organizer.slug},
            "receipt": receipt,
        }
        if self.settings.get("method"):
            params["payment_method_data"] = {"type": self.settings.get("method")}
        try:
            return remote.create_payment(self, payment, params)
        except remote.Refused as e:
            payment.fail(info={**payment.info_data, "error": e.description}, send_mail=False)
            raise PaymentException(_("YooKassa could not start the payment. Please try again or choose another "
                                     "payment method."))
        except remote.Unreachable:
            raise PaymentException(_("The payment service is not reachable right now. Please try again in a "
                                     "minute; you will not be charged twice."))

    def payment_pending_render(self, request, payment) -> str:
        return get_template("ticketing_yoomoney/pending.html").render({
            "payment": payment, "details": payment_details(payment),
            "status_url": eventreverse(self.event, "plugins:ticketing_yoomoney:status", kwargs={
                "order": payment.order.code, "hash": payment.order.tagged_secret("ticketing_yoomoney"),
                "payment": payment.pk}),
        }, request)

    def payment_control_render(self, request, payment) -> str:
        return get_template("ticketing_yoomoney/control.html").render(
            {"payment": payment, "details": payment_details(payment)}, request)

    def refund_control_render(self, request, refund) -> str:
        return get_template("ticketing_yoomoney/control_refund.html").render(
            {"refund": refund, "details": payment_details(refund)}, request)

    def payment_presale_render(self, payment) -> str:
        details = payment_details(payment)
        return str(details.get("method_label") or "")

    def payment_refund_supported(self, payment: OrderPayment) -> bool:
        return bool(payment.info_data.get("id"))

    def payment_partial_refund_supported(self, payment: OrderPayment) -> bool:
        return self.payment_refund_supported(payment)

    def execute_refund(self, refund: OrderRefund) -> None:
        """Refund through POST /v3/refunds with its own receipt; idempotent per pretix refund."""
        params = {
            "payment_id": refund.payment.info_data.get("id"),
            "amount": {"value": f"{Decimal(refund.amount):.2f}", "currency": "RUB"},
            "description": f"Возврат по заказу {refund.order.code}",
            "metadata": {"order": refund.order.code, "refund": refund.full_id},
        }
        try:
            params["receipt"] = build_refund_receipt(refund, self.settings)
        except ReceiptError as e:
            raise PaymentException(_("No receipt can be built for this refund: {error}").format(error=e))
        try:
            remote.create_refund(self, refund, params)
        except remote.Refused as e:
            refund.state = OrderRefund.REFUND_STATE_FAILED
            refund.info_data = {**refund.info_data, "error": e.description}
            refund.save(update_fields=["state", "info"])
            metrics.refund("refused")
            raise PaymentException(_("YooKassa refused the refund: {error}").format(error=e.description))
        except remote.Unreachable:
            metrics.refund("unreachable")
            # The refund record stays "created" with its idempotence key; the reconciliation retries it.
            raise PaymentException(_("YooKassa is not reachable right now; the refund is recorded and will be "
                                     "sent again automatically."))

    def api_payment_details(self, payment: OrderPayment):
        d = payment_details(payment)
        return {k: d.get(k) for k in ("id", "status", "method", "card_last4", "receipt_status", "test")}

    def api_refund_details(self, refund: OrderRefund):
        d = payment_details(refund)
        return {k: d.get(k) for k in ("id", "status", "receipt_status")}

    def matching_id(self, payment: OrderPayment):
        return payment.info_data.get("id")

    def shred_payment_info(self, obj):
        data = obj.info_data
        for key in ("request", "payment_method"):
            data.pop(key, None)
        obj.info_data = {**data, "_shredded": True}
        obj.save(update_fields=["info"])
