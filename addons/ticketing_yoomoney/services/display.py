"""YooKassa's codes (statuses, methods, decline reasons) in words staff and customers understand."""
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

STATUS_LABELS = {
    "pending": pgettext_lazy("yookassa", "Waiting for the customer"),
    "waiting_for_capture": pgettext_lazy("yookassa", "Authorised, not captured"),
    "succeeded": pgettext_lazy("yookassa", "Succeeded"),
    "canceled": pgettext_lazy("yookassa", "Cancelled"),
}
RECEIPT_LABELS = {
    "pending": pgettext_lazy("receipt", "Being registered"),
    "succeeded": pgettext_lazy("receipt", "Registered"),
    "canceled": pgettext_lazy("receipt", "Not registered"),
}
METHOD_LABELS = {
    "bank_card": _("Bank card"),
    "sbp": _("SBP (Faster Payments System)"),
    "yoo_money": _("YooMoney wallet"),
    "sberbank": _("SberPay"),
    "tinkoff_bank": _("T-Pay"),
    "mobile_balance": _("Mobile phone balance"),
    "b2b_sberbank": _("SberBusiness"),
    "sber_loan": _("Sber instalments"),
}
# cancellation_details.reason values from YooKassa's reference
REASON_LABELS = {
    "3d_secure_failed": _("3-D Secure check failed"),
    "call_issuer": _("Declined by the card issuer"),
    "canceled_by_merchant": _("Cancelled by the shop"),
    "card_expired": _("The card has expired"),
    "country_forbidden": _("Payments from this country are not allowed"),
    "deal_expired": _("The deal has expired"),
    "expired_on_capture": _("Not captured in time"),
    "expired_on_confirmation": _("The customer did not pay in time"),
    "fraud_suspected": _("Blocked as suspected fraud"),
    "general_decline": _("Declined without a reason"),
    "identification_required": _("The wallet needs identification"),
    "insufficient_funds": _("Insufficient funds"),
    "internal_timeout": _("Technical timeout at YooKassa"),
    "invalid_card_number": _("Invalid card number"),
    "invalid_csc": _("Invalid card security code"),
    "issuer_unavailable": _("The card issuer is unavailable"),
    "payment_method_limit_exceeded": _("Limit of the payment method exceeded"),
    "payment_method_restricted": _("The payment method is blocked"),
    "permission_revoked": _("The customer revoked the permission"),
    "unsupported_mobile_operator": _("Mobile operator not supported"),
}
PARTY_LABELS = {
    "yoo_money": _("YooKassa"),
    "payment_network": _("Payment network or bank"),
    "merchant": _("Shop"),
}


def payment_details(obj) -> dict:
    """Facts about a pretix payment or refund made through YooKassa, with labels; no card data beyond the mask."""
    info = obj.info_data or {}
    method = info.get("payment_method") or {}
    if isinstance(method, str):  # records written before the method was kept as an object
        method = {"type": method}
    cancellation = info.get("cancellation") or {}
    last4 = method.get("card_last4")
    label = METHOD_LABELS.get(method.get("type"), method.get("title") or method.get("type") or "")
    if last4:
        label = f"{label} •••• {last4}"
    elif method.get("account_number"):
        label = f"{label} {method['account_number'][:4]}•••{method['account_number'][-4:]}"
    return {
        "id": info.get("id"),
        "status": info.get("status"),
        "status_label": STATUS_LABELS.get(info.get("status"), info.get("status") or ""),
        "method": method.get("type"),
        "method_label": label,
        "card_last4": last4,
        "card_type": method.get("card_type"),
        "card_expiry": method.get("card_expiry"),
        "receipt_status": info.get("receipt_status") or "",
        "receipt_label": RECEIPT_LABELS.get(info.get("receipt_status"), ""),
        "test": info.get("test"),
        "reason_label": REASON_LABELS.get(cancellation.get("reason"), cancellation.get("reason") or ""),
        "party_label": PARTY_LABELS.get(cancellation.get("party"), cancellation.get("party") or ""),
        "error": info.get("error"),
        "settlement": info.get("settlement") or {},
    }
