"""
Checks of Russian requisites, each raising a translated ``ValidationError`` that names the requisite, so a form
shows "ИНН: …" next to the field and a buyer knows what to correct.

ИНН and ОГРН/ОГРНИП are checked by python-stdnum (a pretix dependency, ``stdnum.ru``): its checksums are the Federal
Tax Service's. stdnum has no КПП, БИК or bank accounts; those are here: КПП is a format only (no checksum exists),
an account is checked with the Bank of Russia's control key (weights 7-1-3 over the 3 БИК digits + the account,
the last digit of every product summed must end in 0).
"""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.ru import inn as stdnum_inn
from stdnum.ru import ogrn as stdnum_ogrn

KPP_RE = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")
WEIGHTS = (7, 1, 3)


def digits_only(value: str) -> str:
    """The value without spaces (people paste "40702 810 …"); other characters are left for the check to refuse."""
    return re.sub(r"\s+", "", str(value or ""))


def validate_inn(value: str) -> str:
    """ИНН: 10 digits for an organisation, 12 for a sole proprietor (ИП) or a person, with its check digits."""
    number = digits_only(value)
    if not number.isdigit() or len(number) not in (10, 12):
        raise ValidationError(_("ИНН: enter 10 digits for an organisation or 12 digits for a sole proprietor."),
                              code="inn_length")
    try:
        stdnum_inn.validate(number)
    except StdnumError:
        raise ValidationError(_("ИНН: the check digit does not match; please check the number."),
                              code="inn_checksum") from None
    return number


def is_company_inn(inn: str) -> bool:
    """A 10-digit ИНН is an organisation's (which has a КПП); 12 digits are a sole proprietor's (no КПП)."""
    return len(digits_only(inn)) == 10


def validate_kpp(value: str) -> str:
    """КПП: 9 characters, 4 digits (tax office), 2 digits or capital letters (reason), 3 digits."""
    number = digits_only(value).upper()
    if not KPP_RE.match(number):
        raise ValidationError(_("КПП: enter the 9 characters of the code (for example 770101001)."), code="kpp")
    return number


def validate_ogrn(value: str) -> str:
    """ОГРН (13 digits, an organisation) or ОГРНИП (15 digits, a sole proprietor), with its check digit."""
    number = digits_only(value)
    try:
        stdnum_ogrn.validate(number)
    except InvalidChecksum:
        raise ValidationError(_("ОГРН: the check digit does not match; please check the number."),
                              code="ogrn_checksum") from None
    except (InvalidLength, StdnumError):
        raise ValidationError(_("ОГРН: enter 13 digits (ОГРН) or 15 digits (ОГРНИП)."), code="ogrn_length") from None
    return number


def validate_bik(value: str) -> str:
    """БИК: the 9 digits of a Russian bank's identifier, starting with 04 (the Bank of Russia's country code)."""
    number = digits_only(value)
    if not (len(number) == 9 and number.isdigit() and number.startswith("04")):
        raise ValidationError(_("БИК: enter the 9 digits of the bank's identifier (they start with 04)."), code="bik")
    return number


def _control_key_ok(prefix: str, account: str) -> bool:
    digits = prefix + account
    return sum(int(d) * WEIGHTS[i % 3] % 10 for i, d in enumerate(digits)) % 10 == 0


def _account_digits(value: str, label) -> str:
    number = digits_only(value)
    if not (len(number) == 20 and number.isdigit()):
        raise ValidationError(_("{label}: enter the 20 digits of the account.").format(label=label), code="account")
    return number


def validate_settlement_account(value: str, bik: str) -> str:
    """Расчётный счёт: 20 digits whose control key matches the bank (the last 3 digits of its БИК)."""
    number = _account_digits(value, _("Settlement account"))
    if not _control_key_ok(digits_only(bik)[-3:], number):
        raise ValidationError(_("Settlement account: the control key does not match the БИК; please check the "
                                "account and the БИК."), code="account_key")
    return number


def validate_correspondent_account(value: str, bik: str) -> str:
    """Корреспондентский счёт: 20 digits starting 301, checked with "0" + the 5th and 6th digits of the БИК."""
    number = _account_digits(value, _("Correspondent account"))
    bik = digits_only(bik)
    if not number.startswith("301") or not _control_key_ok("0" + bik[4:6], number) or number[-3:] != bik[-3:]:
        raise ValidationError(_("Correspondent account: it does not belong to the bank with this БИК; please check "
                                "the account and the БИК."), code="corr_account_key")
    return number
