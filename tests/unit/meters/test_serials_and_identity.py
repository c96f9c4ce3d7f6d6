"""Serial ranges and the STS identity a meter gets by default."""

from __future__ import annotations

import pytest

from gridvend.errors import InvalidInput
from gridvend.meters.identity import StsIdentityInput, resolved_identity
from gridvend.meters.serials import RangeTooLong, SerialRangeError, expand_range, is_valid_serial, normal_serial


def test_a_range_keeps_leading_zeros_and_includes_both_ends() -> None:
    assert expand_range("0099", "0101", 10) == ["0099", "0100", "0101"]


@pytest.mark.parametrize(("first", "last"), [("A1", "A2"), ("001", "0002"), ("005", "004")])
def test_bad_ranges_are_refused(first: str, last: str) -> None:
    with pytest.raises(SerialRangeError):
        expand_range(first, last, 10)


def test_a_range_longer_than_allowed_says_how_long_it_is() -> None:
    with pytest.raises(RangeTooLong) as raised:
        expand_range("1", "9", 5)
    assert raised.value.count == 9


def test_serials_are_upper_case_without_spaces() -> None:
    assert normal_serial("  ab-12 ") == "AB-12"
    assert is_valid_serial("AB-12") and not is_valid_serial("-AB") and not is_valid_serial("A B")


def test_a_numeric_serial_is_the_drn_and_the_tenant_gives_the_base_date() -> None:
    identity = resolved_identity(StsIdentityInput(sgc="123456"), "01234567890", 2014)
    assert identity == {"iin": "600727", "drn": "01234567890", "sgc": "123456", "ti": 1, "krn": 1, "key_type": 2,
                        "ea": 7, "dkga": 2, "base_date": 2014, "key_expiry": 255}


def test_a_four_digit_iin_takes_a_thirteen_digit_drn() -> None:
    identity = resolved_identity(StsIdentityInput(iin="0000", sgc="123456", base_date=1993), "1234567890123", 2014)
    assert (identity["drn"], identity["base_date"]) == ("1234567890123", 1993)


@pytest.mark.parametrize(("serial", "drn"), [("ABC123", None), ("123", None), ("01234567890", "123")])
def test_an_unusable_drn_names_the_drn_field(serial: str, drn: str | None) -> None:
    with pytest.raises(InvalidInput) as raised:
        resolved_identity(StsIdentityInput(sgc="123456", drn=drn), serial, 2014)
    assert raised.value.problems[0].field == "drn"
