"""Token building and reading: every class and subclass, CRC_C, key change sets, decode failures."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from gridvend.sts import (
    BadCrc,
    BadTokenFormat,
    ClearCreditToken,
    ClearTamperToken,
    CreditToken,
    InvalidField,
    InvalidKey,
    PhaseUnbalanceLimitToken,
    PowerLimitToken,
    TariffRateToken,
    TidOutOfRange,
    TokenError,
    UnsupportedToken,
    WaterMeterFactorToken,
    class1_token,
    decode_token,
    encode_token,
    key_change_tokens,
)
from gridvend.sts.ciphers import block_cipher
from gridvend.sts.crc import crc16, token_crc
from gridvend.sts.layout import data_block, extract_class, format_token, insert_class

KEY_A = bytes.fromhex("E653341F9D5BF36F")
NEW_KEY = bytes.fromhex("060B8643C59A27F1")
MISTY_KEY = bytes.fromhex("F94B6ED353C3BFDB113E2D3A7EA3C41D")
VECTORS = [
    json.loads(line)
    for line in (Path(__file__).parents[3].parent / "shared/sts/vectors.jsonl").read_text().splitlines()
    if line.strip()
]


def test_crc_of_the_standards_example_is_stored_byte_swapped() -> None:
    assert crc16(bytes.fromhex("000B19EB230100")) == 0x07C2
    assert token_crc(0x000B19EB230100) == 0xC207


def test_currency_credit_uses_crc_c() -> None:
    payload = (5 << 40) | (1000 << 16) | 256
    assert token_crc((0 << 48) | (4 << 44) | payload, currency=True) != token_crc((4 << 44) | payload)
    assert data_block(0, 4, payload) & 0xFFFF == token_crc((4 << 44) | payload, currency=True)
    for subclass in range(4, 8):
        token = encode_token(CreditToken(subclass, 1000, 5, Decimal("25.6")), KEY_A, 7)
        assert decode_token(token, KEY_A, 7).amount == Decimal("25.6")


def test_class_bits_swap_places_with_block_bits_28_and_27() -> None:
    encrypted = (1 << 28) | (0 << 27) | 0x5
    number = insert_class(encrypted, 2)
    assert number >> 64 == 0b10
    assert (number >> 27) & 3 == 2
    assert extract_class(number) == (2, encrypted)


@pytest.mark.parametrize("subclass", range(8))
@pytest.mark.parametrize("ea", [7, 9, 11])
def test_credit_tokens_round_trip_for_every_subclass_and_algorithm(subclass: int, ea: int) -> None:
    key = MISTY_KEY if ea == 11 else KEY_A
    token = encode_token(CreditToken(subclass, 5871715, 9, Decimal("123.4")), key, ea)
    assert len(token) == 20 and token.isdigit()
    decoded = decode_token(token, key, ea)
    assert (decoded.token_class, decoded.subclass, decoded.random, decoded.tid) == (0, subclass, 9, 5871715)
    assert decoded.amount == Decimal("123.4")


@pytest.mark.parametrize(
    ("request_", "field", "expected"),
    [
        (PowerLimitToken(10, 1, Decimal(1000)), "amount", Decimal(1000)),
        (ClearCreditToken(10, 1, 3), "register", 3),
        (TariffRateToken(10, 1, 4321), "value", 4321),
        (ClearTamperToken(10, 1), "register", None),
        (PhaseUnbalanceLimitToken(10, 1, Decimal(250)), "amount", Decimal(250)),
        (WaterMeterFactorToken(10, 1, 77), "value", 77),
    ],
)
def test_management_tokens_round_trip(request_: object, field: str, expected: object) -> None:
    token = encode_token(request_, KEY_A, 7)  # type: ignore[arg-type]
    decoded = decode_token(token, KEY_A, 7)
    assert decoded.token_class == 2
    assert decoded.subclass == request_.subclass  # type: ignore[attr-defined]
    assert decoded.tid == 10
    assert getattr(decoded, field) == expected


def test_class1_tokens_of_both_subclasses_decode_with_any_key() -> None:
    zero = class1_token(0, (1 << 36) - 1, 0xAB)
    one = class1_token(1, 0x0ABCDEF, 0xBEEF)
    assert len(zero) == len(one) == 20
    assert decode_token(zero, bytes(8), 7).control == (1 << 36) - 1
    assert decode_token(zero, MISTY_KEY, 11).manufacturer == 0xAB
    decoded = decode_token(one, bytes(8), 9)
    assert (decoded.token_class, decoded.subclass, decoded.control, decoded.manufacturer) == (1, 1, 0x0ABCDEF, 0xBEEF)
    with pytest.raises(InvalidField):
        class1_token(1, 1 << 28, 0)
    with pytest.raises(InvalidField):
        class1_token(2, 0, 0)


def test_64_bit_key_change_is_two_tokens_carrying_the_new_key() -> None:
    tokens = key_change_tokens(KEY_A, NEW_KEY, 7, key_expiry=0xA5, krn=3, rollover=True, key_type=1, ti=42)
    assert len(tokens) == 2
    one, two = (decode_token(token, KEY_A, 7) for token in tokens)
    assert (one.subclass, two.subclass) == (3, 4)
    assert one.key_change is not None and two.key_change is not None
    assert (one.key_change.key_expiry_nibble, two.key_change.key_expiry_nibble) == (0xA, 0x5)
    assert (one.key_change.krn, one.key_change.rollover, one.key_change.key_type) == (3, True, 1)
    assert two.key_change.ti == 42
    assert (one.key_change.key_part << 32) | two.key_change.key_part == int.from_bytes(NEW_KEY, "big")


def test_128_bit_key_change_is_four_tokens_with_the_sgc() -> None:
    new_key = bytes(range(16))
    tokens = key_change_tokens(MISTY_KEY, new_key, 11, 255, 1, False, 2, 1, sgc="654321")
    assert len(tokens) == 4
    parts = {}
    for token in tokens:
        decoded = decode_token(token, MISTY_KEY, 11)
        assert decoded.key_change is not None
        parts[decoded.key_change.set_number] = decoded.key_change
    assert [decode_token(t, MISTY_KEY, 11).subclass for t in tokens] == [3, 4, 8, 9]
    key = (parts[1].key_part << 96) | (parts[4].key_part << 64) | (parts[3].key_part << 32) | parts[2].key_part
    assert key.to_bytes(16, "big") == new_key
    assert ((parts[4].sgc_part or 0) << 12) | (parts[3].sgc_part or 0) == 654321


def test_key_change_checks_its_fields() -> None:
    with pytest.raises(InvalidKey):
        key_change_tokens(KEY_A, bytes(12), 7, 255, 1, False, 2, 1)
    with pytest.raises(InvalidKey):
        key_change_tokens(KEY_A, NEW_KEY, 11, 255, 1, False, 2, 1)
    with pytest.raises(InvalidField):
        key_change_tokens(KEY_A, NEW_KEY, 7, 256, 1, False, 2, 1)
    with pytest.raises(InvalidField):
        key_change_tokens(KEY_A, NEW_KEY, 7, 255, 1, 2, 2, 1)  # type: ignore[arg-type]


def test_a_token_made_with_another_key_fails_the_crc() -> None:
    token = encode_token(CreditToken(0, 5871715, 5, Decimal("0.1")), KEY_A, 7)
    with pytest.raises(BadCrc, match="wrong key"):
        decode_token(token, NEW_KEY, 7)
    with pytest.raises(BadCrc):
        decode_token(token, KEY_A, 9)


@pytest.mark.parametrize("text", ["", "1234", "2371610050118319419x", "9" * 20, "123456789012345678901"])
def test_malformed_tokens_fail_as_bad_format(text: str) -> None:
    with pytest.raises(BadTokenFormat):
        decode_token(text, KEY_A, 7)


def test_grouped_digits_are_read() -> None:
    assert decode_token("2371 6100 5011 8319 4197", KEY_A, 7).tid == 5871715
    assert decode_token("2371-6100-5011-8319-4197", KEY_A, 7).tid == 5871715


def test_class_3_is_reserved() -> None:
    block = data_block(3, 0, 0)
    with pytest.raises(UnsupportedToken):
        decode_token(format_token(insert_class(block, 3)), KEY_A, 7)


def test_unknown_class_2_subclass_is_unsupported() -> None:
    block = data_block(2, 12, 0)
    token = format_token(insert_class(block_cipher(7, KEY_A).encrypt(block), 2))
    with pytest.raises(UnsupportedToken):
        decode_token(token, KEY_A, 7)


def test_requests_check_their_fields() -> None:
    with pytest.raises(TidOutOfRange):
        CreditToken(0, 1 << 24, 0, Decimal(1))
    with pytest.raises(InvalidField):
        CreditToken(8, 0, 0, Decimal(1))
    with pytest.raises(InvalidField):
        ClearTamperToken(0, 16)
    with pytest.raises(InvalidField):
        ClearCreditToken(0, 0, 0x10000)


def test_every_single_digit_change_of_every_vector_token_is_detected() -> None:
    checked = 0
    for vector in VECTORS:
        request = vector["request"]
        if request["op"] not in ("token", "class1"):
            continue
        token = vector["expect"]["token"]
        key = bytes.fromhex(request.get("decoder_key", "00" * 8))
        for position in range(20):
            for digit in "0123456789":
                if digit == token[position]:
                    continue
                with pytest.raises(TokenError):
                    decode_token(token[:position] + digit + token[position + 1 :], key, request.get("ea", 7))
                checked += 1
    assert checked == 15 * 20 * 9
