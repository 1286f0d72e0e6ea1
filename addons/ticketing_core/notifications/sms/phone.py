"""
Phone numbers as customers type them ("8 (916) 123-45-67", "+7 916 123 45 67", "9161234567") turned into
E.164 ("+79161234567"), the one form we store and hand to a gateway.

Parsing uses Google's libphonenumber port, which pretix already installs (``phonenumberslite``, the variant
without geocoding and carrier data: we only need validity and the number type). Russian habits are handled
by its metadata for region RU: the trunk prefix 8 is dropped, and eleven digits starting with 7 are read as
the country code.
"""
import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

# A landline cannot receive SMS; numbering plans that do not tell the two apart answer FIXED_LINE_OR_MOBILE.
SMS_CAPABLE_TYPES = frozenset({PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE,
                               PhoneNumberType.PAGER, PhoneNumberType.UNKNOWN})


class InvalidPhone(ValueError):
    """The text is not a valid phone number (or not one that can receive SMS, when that was asked for)."""


def normalize_phone(raw: str, region: str = "RU", *, mobile_only: bool = False) -> str:
    """
    ``raw`` in E.164, e.g. ``normalize_phone("8 (916) 123-45-67") == "+79161234567"``.

    ``region`` is where a number without "+" is assumed to be (Russia: our customers type national numbers
    with 8 or without any prefix). Numbers libphonenumber considers impossible or invalid for their country
    are refused with :class:`InvalidPhone` rather than passed on: a gateway would charge for them or refuse
    them later, far from the form where the customer can still correct the typo. ``mobile_only`` also refuses
    numbers known to be landlines, which cannot receive SMS.
    """
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidPhone("empty phone number")
    try:
        number = phonenumbers.parse(raw.strip(), region)
    except NumberParseException as error:
        raise InvalidPhone(f"not a phone number: {error}") from None
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise InvalidPhone(f"{raw!r} is not a valid phone number")
    if mobile_only and phonenumbers.number_type(number) not in SMS_CAPABLE_TYPES:
        raise InvalidPhone(f"{raw!r} is not a mobile number")
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def is_e164(value: str) -> bool:
    """The shape of E.164 ("+" and 7..15 digits, no leading zero), without checking the numbering plan."""
    digits = value[1:] if isinstance(value, str) and value.startswith("+") else ""
    return digits.isascii() and digits.isdigit() and 7 <= len(digits) <= 15 and digits[0] != "0"


def mask_phone(value: str) -> str:
    """+79161234567 → +7916•••••67: enough for staff to recognise a number, not to copy it."""
    if len(value) < 8:
        return value
    return value[:5] + "•" * (len(value) - 7) + value[-2:]
