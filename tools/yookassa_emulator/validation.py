"""
Request validation of the emulated YooKassa API v3, written from YooKassa's public API reference:

* amounts: ``{"value": "1500.00", "currency": "RUB"}``, the value a decimal with at most two digits after a
  dot (a string or a JSON number), greater than zero; the emulated test shop accepts roubles only;
* payment ``description`` at most 128 characters, refund ``description`` at most 250;
* ``metadata``: at most 16 keys, key at most 32 characters, value at most 512 characters, flat (no objects);
* 54-FZ receipts ("Чеки от ЮKassa"): customer e-mail or phone, 1..100 items, each with ``description``
  (at most 128), ``quantity`` (at most 3 decimals), ``amount`` (the price of ONE unit), ``vat_code`` 1..12
  (1 = без НДС / no VAT, 2 = 0 %, 3 = 10 %, 4 = 20 %, 5 = 10/110, 6 = 20/120, 7 = 5 %, 8 = 7 %, 9 = 5/105,
  10 = 7/107, 11 = 22 %, 12 = 22/122; 11 and 12 exist since 1 January 2026), ``payment_subject`` and
  ``payment_mode``; the items' total (price x quantity) must equal the payment, capture or refund amount.

Every failure raises :class:`ApiError` carrying YooKassa's error body
``{"type": "error", "id": ..., "code": "invalid_request", "description": ..., "parameter": ...}``.
"""
import re
import uuid
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")

AMOUNT_RE = re.compile(r"^\d{1,13}(\.\d{1,2})?$")
QUANTITY_RE = re.compile(r"^\d{1,10}(\.\d{1,3})?$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE_RE = re.compile(r"^\+?\d{5,15}$")
INN_RE = re.compile(r"^(\d{10}|\d{12})$")

CURRENCIES = {"RUB"}
PAYMENT_DESCRIPTION_MAX = 128
REFUND_DESCRIPTION_MAX = 250
METADATA_MAX_KEYS = 16
METADATA_KEY_MAX = 32
METADATA_VALUE_MAX = 512
RECEIPT_ITEMS_MAX = 100
ITEM_DESCRIPTION_MAX = 128
RETURN_URL_MAX = 2048

VAT_CODES = {
    1: "без НДС / no VAT",
    2: "НДС 0 %",
    3: "НДС 10 %",
    4: "НДС 20 %",
    5: "НДС 10/110",
    6: "НДС 20/120",
    7: "НДС 5 %",
    8: "НДС 7 %",
    9: "НДС 5/105",
    10: "НДС 7/107",
    11: "НДС 22 % (since 2026)",
    12: "НДС 22/122 (since 2026)",
}
TAX_SYSTEM_CODES = {1, 2, 3, 4, 5, 6}

# Признак предмета расчета (tag 1212): the values of FFD 1.05 and the ones added by FFD 1.2.
PAYMENT_SUBJECTS = {
    "commodity", "excise", "job", "service", "gambling_bet", "gambling_prize", "lottery", "lottery_prize",
    "intellectual_activity", "payment", "agent_commission", "composite", "another",
    "property_right", "non-operating_gain", "insurance_premium", "sales_tax", "resort_fee",
    "fine", "tax", "lien", "cost", "pension_insurance_without_payouts", "pension_insurance_with_payouts",
    "health_insurance_without_payouts", "health_insurance_with_payouts", "health_insurance", "casino",
    "agent_withdrawals", "non_marked_excise", "marked_excise", "marked", "non_marked",
}
# Признак способа расчета (tag 1214).
PAYMENT_MODES = {
    "full_prepayment", "partial_prepayment", "advance", "full_payment", "partial_payment", "credit",
    "credit_payment",
}
# Мера количества предмета расчета (tag 2108), FFD 1.2.
MEASURES = {
    "piece", "gram", "kilogram", "ton", "centimeter", "decimeter", "meter", "square_centimeter",
    "square_decimeter", "square_meter", "milliliter", "liter", "cubic_meter", "kilowatt_hour", "gigacalorie",
    "day", "hour", "minute", "second", "kilobyte", "megabyte", "gigabyte", "terabyte", "another",
}
SETTLEMENT_TYPES = {"cashless", "prepayment", "postpayment", "consideration"}
PAYMENT_METHOD_TYPES = {
    "bank_card", "yoo_money", "sbp", "sberbank", "tinkoff_bank", "sber_loan", "mobile_balance", "cash",
    "b2b_sberbank", "electronic_certificate", "sber_bnpl",
}
CONFIRMATION_TYPES = {"redirect", "embedded", "external", "qr", "mobile_application"}


class ApiError(Exception):
    """An error answer of the API: HTTP status plus YooKassa's error object."""

    def __init__(self, status: int, code: str, description: str, parameter: str | None = None,
                 headers: dict | None = None, extra: dict | None = None):
        super().__init__(description)
        self.status = status
        self.code = code
        self.description = description
        self.parameter = parameter
        self.headers = headers or {}
        self.extra = extra or {}

    def body(self) -> dict:
        body = {"type": "error", "id": str(uuid.uuid4()), "code": self.code, "description": self.description}
        if self.parameter:
            body["parameter"] = self.parameter
        body.update(self.extra)
        return body


def invalid(description: str, parameter: str | None = None) -> ApiError:
    return ApiError(400, "invalid_request", description, parameter)


def not_found(what: str, parameter: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found or forbidden", parameter)


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def amount_object(value: Decimal, currency: str = "RUB") -> dict:
    return {"value": money(value), "currency": currency}


def parse_amount(data, parameter: str = "amount", currency: str | None = None) -> tuple[Decimal, str]:
    """Validates ``{"value": ..., "currency": ...}``; returns (value, currency)."""
    if not isinstance(data, dict):
        raise invalid(f"Parameter {parameter} is missing or isn't an object", parameter)
    raw = data.get("value")
    if isinstance(raw, bool) or raw is None:
        raise invalid(f"Parameter {parameter}.value is missing", f"{parameter}.value")
    if isinstance(raw, (int, float)):
        raw = format(Decimal(str(raw)), "f")
    if not isinstance(raw, str) or not AMOUNT_RE.match(raw):
        raise invalid(f"Invalid value of {parameter}.value: a decimal number with a dot and at most two digits "
                      "after it is expected, for example 1500.00", f"{parameter}.value")
    value = Decimal(raw)
    if value <= 0:
        raise invalid(f"Invalid value of {parameter}.value: the amount must be greater than 0", f"{parameter}.value")
    cur = data.get("currency")
    if not isinstance(cur, str) or not re.fullmatch(r"[A-Z]{3}", cur):
        raise invalid(f"Invalid value of {parameter}.currency: a three-letter ISO-4217 code is expected",
                      f"{parameter}.currency")
    if cur not in CURRENCIES:
        raise invalid(f"Currency {cur} isn't available for this shop (the emulated test shop accepts RUB)",
                      f"{parameter}.currency")
    if currency is not None and cur != currency:
        raise invalid(f"Currency of {parameter} ({cur}) differs from the payment currency ({currency})",
                      f"{parameter}.currency")
    return value, cur


def check_description(value, parameter: str, limit: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(f"Parameter {parameter} must be a string", parameter)
    if len(value) > limit:
        raise invalid(f"Parameter {parameter} is too long: {len(value)} characters, at most {limit} are allowed",
                      parameter)
    return value


def check_metadata(value, parameter: str = "metadata") -> dict:
    """At most 16 keys, keys up to 32 characters, values up to 512; numbers are kept as strings."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid("Parameter metadata must be an object with string values", parameter)
    if len(value) > METADATA_MAX_KEYS:
        raise invalid(f"Too many keys in metadata: {len(value)}, at most {METADATA_MAX_KEYS} are allowed", parameter)
    result = {}
    for key, item in value.items():
        if len(key) > METADATA_KEY_MAX:
            raise invalid(f"Metadata key {key[:40]!r} is longer than {METADATA_KEY_MAX} characters", parameter)
        if isinstance(item, bool) or item is None or isinstance(item, (dict, list)):
            raise invalid(f"Metadata value of {key!r} must be a string", f"{parameter}.{key}")
        item = str(item)
        if len(item) > METADATA_VALUE_MAX:
            raise invalid(f"Metadata value of {key!r} is longer than {METADATA_VALUE_MAX} characters",
                          f"{parameter}.{key}")
        result[key] = item
    return result


def check_bool(value, parameter: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise invalid(f"Parameter {parameter} must be true or false", parameter)
    return value


def _quantity(raw, parameter: str) -> Decimal:
    if isinstance(raw, bool) or raw is None:
        raise invalid(f"Parameter {parameter} is missing", parameter)
    if isinstance(raw, (int, float)):
        raw = format(Decimal(str(raw)), "f")
    if not isinstance(raw, str) or not QUANTITY_RE.match(raw):
        raise invalid(f"Invalid value of {parameter}: a number with at most 3 digits after the dot is expected",
                      parameter)
    value = Decimal(raw)
    if value <= 0:
        raise invalid(f"Invalid value of {parameter}: the quantity must be greater than 0", parameter)
    return value


def _quantity_text(value: Decimal) -> str:
    """1 -> "1.00", 1.5 -> "1.50", 1.125 -> "1.125" (as YooKassa echoes quantities)."""
    text = format(value.normalize(), "f")
    decimals = len(text.partition(".")[2])
    return f"{value:.{max(2, decimals)}f}"


def _int_code(raw, parameter: str, allowed, what: str) -> int:
    if isinstance(raw, bool) or raw is None:
        raise invalid(f"Parameter {parameter} is missing", parameter)
    if isinstance(raw, str) and raw.isdigit():
        raw = int(raw)
    if not isinstance(raw, int) or raw not in allowed:
        raise invalid(f"Invalid {what} {raw!r}; allowed: {min(allowed)}..{max(allowed)}", parameter)
    return raw


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _customer(receipt: dict, prefix: str) -> dict:
    p = prefix + "." if prefix else ""
    customer = receipt.get("customer")
    if customer is not None and not isinstance(customer, dict):
        raise invalid(f"Parameter {p}customer must be an object", f"{p}customer")
    customer = dict(customer or {})
    # The top-level receipt.email / receipt.phone of older API versions are still accepted.
    for legacy in ("email", "phone"):
        if receipt.get(legacy) and not customer.get(legacy):
            customer[legacy] = receipt[legacy]
    email, phone = customer.get("email"), customer.get("phone")
    if not email and not phone:
        raise invalid("Receipt customer contact is missing: customer.email or customer.phone is required "
                      "to send the receipt (54-FZ)", f"{p}customer")
    if email and (not isinstance(email, str) or not EMAIL_RE.match(email) or len(email) > 64):
        raise invalid(f"Invalid e-mail in {p}customer.email", f"{p}customer.email")
    if phone:
        if not isinstance(phone, str) or not PHONE_RE.match(phone):
            raise invalid(f"Invalid phone in {p}customer.phone: ITU-T E.164 digits are expected, "
                          "for example 79000000000", f"{p}customer.phone")
        customer["phone"] = phone.lstrip("+")
    if customer.get("full_name") is not None:
        check_description(customer["full_name"], f"{p}customer.full_name", 256)
    if customer.get("inn") is not None and (not isinstance(customer["inn"], str) or not INN_RE.match(customer["inn"])):
        raise invalid(f"Invalid INN in {p}customer.inn: 10 or 12 digits are expected", f"{p}customer.inn")
    return {k: customer[k] for k in ("full_name", "inn", "email", "phone") if customer.get(k)}


def _item(item, prefix: str, currency: str | None, measure_required: bool) -> tuple[dict, Decimal]:
    if not isinstance(item, dict):
        raise invalid(f"{prefix} must be an object", prefix)
    description = item.get("description")
    if not isinstance(description, str) or not description.strip():
        raise invalid(f"Parameter {prefix}.description is missing", f"{prefix}.description")
    check_description(description, f"{prefix}.description", ITEM_DESCRIPTION_MAX)
    quantity = _quantity(item.get("quantity"), f"{prefix}.quantity")
    price, cur = parse_amount(item.get("amount"), f"{prefix}.amount", currency)
    vat_code = _int_code(item.get("vat_code"), f"{prefix}.vat_code", set(VAT_CODES), "vat_code")
    subject = item.get("payment_subject")
    if subject is None:
        raise invalid(f"Parameter {prefix}.payment_subject is missing (required for Чеки от ЮKassa)",
                      f"{prefix}.payment_subject")
    if subject not in PAYMENT_SUBJECTS:
        raise invalid(f"Invalid payment_subject {subject!r}", f"{prefix}.payment_subject")
    mode = item.get("payment_mode")
    if mode is None:
        raise invalid(f"Parameter {prefix}.payment_mode is missing (required for Чеки от ЮKassa)",
                      f"{prefix}.payment_mode")
    if mode not in PAYMENT_MODES:
        raise invalid(f"Invalid payment_mode {mode!r}", f"{prefix}.payment_mode")
    measure = item.get("measure")
    if measure is None and measure_required:
        raise invalid(f"Parameter {prefix}.measure is missing (required by FFD 1.2)", f"{prefix}.measure")
    if measure is not None and measure not in MEASURES:
        raise invalid(f"Invalid measure {measure!r}", f"{prefix}.measure")
    normalized = {
        "description": description,
        "quantity": _quantity_text(quantity),
        "amount": amount_object(price, cur),
        "vat_code": vat_code,
        "payment_subject": subject,
        "payment_mode": mode,
    }
    if measure is not None:
        normalized["measure"] = measure
    for passthrough in ("country_of_origin_code", "customs_declaration_number", "excise", "product_code",
                        "mark_code_info", "mark_mode", "mark_quantity", "payment_subject_industry_details",
                        "additional_payment_subject_props", "supplier", "agent_type", "planned_status"):
        if passthrough in item:
            normalized[passthrough] = item[passthrough]
    total = (price * quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    return normalized, total


def parse_receipt(receipt, prefix: str = "receipt", *, total: Decimal | None = None, currency: str | None = None,
                  measure_required: bool = False) -> dict:
    """
    Validates a receipt given with a payment, capture or refund; returns it normalized.

    ``total``: the amount the items must add up to (sum of price x quantity).
    """
    if not isinstance(receipt, dict):
        raise invalid(f"Parameter {prefix or 'receipt'} must be an object", prefix or None)
    customer = _customer(receipt, prefix)
    items = receipt.get("items")
    if not isinstance(items, list) or not items:
        raise invalid(f"Parameter {_join(prefix, 'items')} is missing or empty", _join(prefix, "items"))
    if len(items) > RECEIPT_ITEMS_MAX:
        raise invalid(f"Too many receipt items: {len(items)}, at most {RECEIPT_ITEMS_MAX} are allowed",
                      _join(prefix, "items"))
    normalized_items, items_total = [], Decimal(0)
    for index, item in enumerate(items):
        normalized, line_total = _item(item, _join(prefix, f"items[{index}]"), currency, measure_required)
        normalized_items.append(normalized)
        items_total += line_total
    if total is not None and items_total != total:
        raise invalid(f"The sum of the receipt items ({money(items_total)}) doesn't match the amount "
                      f"({money(total)}); item amount is the price of one unit, multiplied by quantity",
                      prefix or "items")
    result = {"customer": customer, "items": normalized_items}
    if receipt.get("tax_system_code") is not None:
        result["tax_system_code"] = _int_code(receipt["tax_system_code"], _join(prefix, "tax_system_code"),
                                              TAX_SYSTEM_CODES, "tax_system_code")
    for passthrough in ("internet", "timezone", "receipt_industry_details", "receipt_operational_details"):
        if passthrough in receipt:
            result[passthrough] = receipt[passthrough]
    result["_total"] = money(items_total)
    return result


def parse_settlements(settlements, prefix: str = "settlements") -> tuple[list, Decimal]:
    if not isinstance(settlements, list) or not settlements:
        raise invalid(f"Parameter {prefix} is missing or empty", prefix)
    result, total = [], Decimal(0)
    for index, settlement in enumerate(settlements):
        where = f"{prefix}[{index}]"
        if not isinstance(settlement, dict):
            raise invalid(f"{where} must be an object", where)
        kind = settlement.get("type")
        if kind not in SETTLEMENT_TYPES:
            raise invalid(f"Invalid settlement type {kind!r}; allowed: {', '.join(sorted(SETTLEMENT_TYPES))}",
                          f"{where}.type")
        value, cur = parse_amount(settlement.get("amount"), f"{where}.amount")
        result.append({"type": kind, "amount": amount_object(value, cur)})
        total += value
    return result, total


def parse_confirmation(confirmation) -> dict:
    if not isinstance(confirmation, dict):
        raise invalid("Parameter confirmation must be an object", "confirmation")
    kind = confirmation.get("type")
    if kind not in CONFIRMATION_TYPES:
        raise invalid(f"Invalid confirmation type {kind!r}", "confirmation.type")
    result = {"type": kind}
    return_url = confirmation.get("return_url")
    if kind in ("redirect", "mobile_application"):
        if not isinstance(return_url, str) or not return_url:
            raise invalid(f"Parameter confirmation.return_url is required for confirmation type {kind}",
                          "confirmation.return_url")
    if return_url is not None:
        if not isinstance(return_url, str) or len(return_url) > RETURN_URL_MAX:
            raise invalid(f"Invalid confirmation.return_url (at most {RETURN_URL_MAX} characters)",
                          "confirmation.return_url")
        result["return_url"] = return_url
    for key in ("locale", "enforce"):
        if key in confirmation:
            result[key] = confirmation[key]
    if "locale" in result and result["locale"] not in ("ru_RU", "en_US"):
        raise invalid("Invalid confirmation.locale: ru_RU or en_US", "confirmation.locale")
    return result
