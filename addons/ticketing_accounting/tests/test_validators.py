"""Checksums of Russian requisites on real, public values (known good) and on the same values with one digit
changed (known bad)."""
import pytest
from django.core.exceptions import ValidationError

from ..requisites import validators as v

SBER_BIK, SBER_CORR = "044525225", "30101810400000000225"


@pytest.mark.parametrize("inn", ["7707083893", "7841000026", "500100732259", " 7707 083893 "])
def test_inn_known_good(inn):
    assert v.validate_inn(inn) == inn.replace(" ", "")


@pytest.mark.parametrize("inn,code", [("7707083894", "inn_checksum"), ("500100732250", "inn_checksum"),
                                      ("77070838", "inn_length"), ("77070838AB", "inn_length"), ("", "inn_length")])
def test_inn_known_bad_names_the_field(inn, code):
    with pytest.raises(ValidationError) as e:
        v.validate_inn(inn)
    assert e.value.code == code and "ИНН" in e.value.messages[0]


def test_kpp_format():
    assert v.validate_kpp("773601001") == "773601001"
    assert v.validate_kpp("7736ab001") == "7736AB001"
    for bad in ("77360100", "7736010011", "77A601001", "773601O0X"):
        with pytest.raises(ValidationError, match="КПП"):
            v.validate_kpp(bad)


def test_ogrn_and_ogrnip():
    assert v.validate_ogrn("1027700132195") == "1027700132195"
    assert v.validate_ogrn("304500116000157") == "304500116000157"
    with pytest.raises(ValidationError, match="ОГРН") as e:
        v.validate_ogrn("1027700132196")
    assert e.value.code == "ogrn_checksum"
    with pytest.raises(ValidationError, match="ОГРН"):
        v.validate_ogrn("12345")


def test_bik():
    assert v.validate_bik(SBER_BIK) == SBER_BIK
    for bad in ("04452522", "0445252250", "144525225", "04452522x"):
        with pytest.raises(ValidationError, match="БИК"):
            v.validate_bik(bad)


@pytest.mark.parametrize("bik,corr", [(SBER_BIK, SBER_CORR), ("044525974", "30101810145250000974"),
                                      ("044030653", "30101810500000000653")])
def test_correspondent_account_known_good(bik, corr):
    assert v.validate_correspondent_account(corr, bik) == corr


def test_correspondent_account_of_another_bank_is_refused():
    with pytest.raises(ValidationError) as e:
        v.validate_correspondent_account("30101810400000000225", "044525974")
    assert e.value.code == "corr_account_key"
    with pytest.raises(ValidationError) as e:
        v.validate_correspondent_account("30101810400000000226", SBER_BIK)
    assert e.value.code == "corr_account_key"


def test_settlement_account_control_key():
    assert v.validate_settlement_account("40702810438000034726", SBER_BIK) == "40702810438000034726"
    with pytest.raises(ValidationError) as e:  # one digit changed
        v.validate_settlement_account("40702810438000034727", SBER_BIK)
    assert e.value.code == "account_key"
    with pytest.raises(ValidationError) as e:  # the right account at the wrong bank
        v.validate_settlement_account("40702810438000034726", "044525974")
    assert e.value.code == "account_key"
    with pytest.raises(ValidationError) as e:
        v.validate_settlement_account("4070281043800003472", SBER_BIK)
    assert e.value.code == "account"
