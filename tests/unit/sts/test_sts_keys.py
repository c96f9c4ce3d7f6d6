"""Decoder key generation: PAN and Luhn, DKGA02, DKGA04, key types and identity checks."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from gridvend.sts import InvalidField, InvalidKey, MeterKeyIdentity, UnsupportedAlgorithm, pan
from gridvend.sts.keys import derive_decoder_key, dkga02, dkga02_data_block, dkga04, dkga04_message

VK02 = bytes.fromhex("abababababababab")
VK04 = bytes.fromhex("abababababababab949494949494949401234567")
PAN_A = MeterKeyIdentity(iin="600727", drn="00000000000", key_type=2, sgc="123456", ti=1, krn=1)
PAN_B = MeterKeyIdentity(iin="0000", drn="0100000000008", key_type=2, sgc="123456", ti=1, krn=1)
PAN_A_04 = MeterKeyIdentity(iin="600727", drn="00000000000", key_type=2, sgc="123457", ti=1, krn=1)


def test_pan_appends_the_luhn_digit_for_six_and_four_digit_iins() -> None:
    assert pan("600727", "00000000000") == "600727000000000009"
    assert pan("0000", "0100000000008") == "000001000000000082"
    assert pan("600727", "12345678901") == "600727123456789014"


def test_pan_refuses_a_drn_that_does_not_make_17_digits() -> None:
    with pytest.raises(InvalidField):
        pan("600727", "0000000000")
    with pytest.raises(InvalidField):
        pan("60072", "000000000000")


def test_dkga02_data_block_is_pan_block_xor_control_block() -> None:
    pan_block = bytes.fromhex("0072700000000000")
    control_block = bytes.fromhex("2123456011FFFFFF")
    assert dkga02_data_block(PAN_A) == bytes(p ^ c for p, c in zip(pan_block, control_block, strict=True))


def test_dkga02_gives_the_compliance_keys() -> None:
    assert dkga02(VK02, PAN_A).hex().upper() == "E653341F9D5BF36F"
    assert dkga02(VK02, PAN_B).hex().upper() == "E94023262E9993C2"


def test_common_key_type_ignores_the_drn() -> None:
    one = MeterKeyIdentity(iin="600727", drn="12345678901", key_type=3, sgc="123456", ti=1, krn=1)
    other = MeterKeyIdentity(iin="600727", drn="98765432109", key_type=3, sgc="123456", ti=1, krn=1)
    unique = MeterKeyIdentity(iin="600727", drn="12345678901", key_type=2, sgc="123456", ti=1, krn=1)
    assert dkga02(VK02, one) == dkga02(VK02, other)
    assert dkga04(VK04, one) == dkga04(VK04, other)
    assert dkga02(VK02, one) != dkga02(VK02, unique)
    pan_block, control_block = bytes.fromhex("0072700000000000"), bytes.fromhex("3123456011FFFFFF")
    assert dkga02_data_block(one) == bytes(p ^ c for p, c in zip(pan_block, control_block, strict=True))


@pytest.mark.parametrize("key_type", [0, 1, 2, 3])
def test_every_key_type_gives_its_own_key(key_type: int) -> None:
    identity = MeterKeyIdentity(iin="600727", drn="12345678901", key_type=key_type, sgc="123456", ti=1, krn=1)
    others = {
        dkga02(VK02, MeterKeyIdentity(iin="600727", drn="12345678901", key_type=kt, sgc="123456", ti=1, krn=1))
        for kt in range(4)
        if kt != key_type
    }
    assert dkga02(VK02, identity) not in others


def test_dkga04_gives_the_compliance_key() -> None:
    assert dkga04(VK04, PAN_A_04).hex().upper() == "AA4BAA8749C10D27"


def test_dkga04_message_carries_every_input_in_order() -> None:
    message = dkga04_message(PAN_A_04)
    assert message == (
        b"\x04\x0204\x0293\x0207\x0201\x00\x04\x06123457\x012\x011\x12600727000000000009\x00\x00\x00\x40"
    )
    assert dkga04(VK04, PAN_A_04) == hmac.new(VK04, message, hashlib.sha256).digest()[:8]


def test_dkga04_base_date_and_ea_change_the_key() -> None:
    base_2014 = MeterKeyIdentity(iin="600727", drn="00000000000", key_type=2, sgc="123457", ti=1, krn=1, base_date=2014)
    dea = MeterKeyIdentity(iin="600727", drn="00000000000", key_type=2, sgc="123457", ti=1, krn=1, ea=9)
    keys = {dkga04(VK04, PAN_A_04), dkga04(VK04, base_2014), dkga04(VK04, dea)}
    assert len(keys) == 3
    assert b"\x0214\x02" in dkga04_message(base_2014)


def test_dkga04_makes_128_bit_keys_for_misty1() -> None:
    identity = MeterKeyIdentity(
        iin="600727", drn="00000000000", key_type=2, sgc="123457", ti=1, krn=1, ea=11, key_bits=128
    )
    key = dkga04(VK04, identity)
    assert len(key) == 16
    assert dkga04_message(identity).endswith(b"\x00\x00\x00\x80")
    assert key[:8] != dkga04(VK04, PAN_A_04)


def test_derive_decoder_key_dispatches_on_dkga() -> None:
    assert derive_decoder_key(2, VK02, PAN_A) == dkga02(VK02, PAN_A)
    assert derive_decoder_key(4, VK04, PAN_A_04) == dkga04(VK04, PAN_A_04)
    with pytest.raises(UnsupportedAlgorithm):
        derive_decoder_key(3, VK02, PAN_A)


def test_vending_keys_of_the_wrong_length_are_refused() -> None:
    with pytest.raises(InvalidKey, match="8 bytes"):
        dkga02(VK04, PAN_A)
    with pytest.raises(InvalidKey, match="20 bytes"):
        dkga04(VK02, PAN_A)


def test_dkga02_refuses_128_bit_identities() -> None:
    misty = MeterKeyIdentity(
        iin="600727", drn="00000000000", key_type=2, sgc="123456", ti=1, krn=1, ea=11, key_bits=128
    )
    with pytest.raises(InvalidField, match="64-bit"):
        dkga02(VK02, misty)


@pytest.mark.parametrize(
    "change",
    [
        {"iin": "60072"},
        {"drn": "0000000000a"},
        {"key_type": 4},
        {"sgc": "12345"},
        {"ti": 100},
        {"krn": 0},
        {"base_date": 2000},
        {"ea": 8},
        {"key_bits": 96},
        {"ea": 11},
        {"key_bits": 128},
    ],
)
def test_identity_refuses_out_of_range_fields(change: dict[str, object]) -> None:
    fields: dict[str, object] = {
        "iin": "600727",
        "drn": "00000000000",
        "key_type": 2,
        "sgc": "123456",
        "ti": 1,
        "krn": 1,
    }
    fields.update(change)
    with pytest.raises(InvalidField):
        MeterKeyIdentity(**fields)  # type: ignore[arg-type]
