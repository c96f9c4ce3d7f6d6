"""Keys never show in an exception message or in the repr of any object."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gridvend.sts import (
    CreditToken,
    MeterDecoder,
    MeterDecoderState,
    MeterKeyIdentity,
    StsError,
    block_cipher,
    decode_token,
    derive_decoder_key,
    encode_token,
    key_change_tokens,
)

OLD_KEY = bytes.fromhex("E653341F9D5BF36F")
NEW_KEY = bytes.fromhex("060B8643C59A27F1")
MISTY_KEY = bytes.fromhex("F94B6ED353C3BFDB113E2D3A7EA3C41D")
VENDING_KEY = bytes.fromhex("ABABABABABABABAB")
IDENTITY = MeterKeyIdentity(iin="600727", drn="00000000000", key_type=2, sgc="123456", ti=1, krn=1)


def spellings(key: bytes) -> list[str]:
    """Ways a key could leak into text: hex both cases, bytes repr, integer, and each 32-bit half."""
    number = int.from_bytes(key, "big")
    forms = [key.hex(), key.hex().upper(), repr(key), str(number), str(list(key))]
    if len(key) == 8:
        forms += [str(number >> 32), str(number & 0xFFFFFFFF), f"{number >> 32:x}", f"{number & 0xFFFFFFFF:x}"]
    return forms


def assert_hidden(text: str, *keys: bytes) -> None:
    for key in keys:
        for form in spellings(key):
            assert form.lower() not in text.lower(), f"key material in {text!r}"


def test_cipher_objects_hide_their_key() -> None:
    for ea, key in ((7, OLD_KEY), (9, OLD_KEY), (11, MISTY_KEY)):
        cipher = block_cipher(ea, key)
        assert_hidden(repr(cipher), key)
        assert_hidden(str(cipher), key)


def test_decoded_key_change_tokens_hide_the_new_key() -> None:
    decoded = [decode_token(token, OLD_KEY, 7) for token in key_change_tokens(OLD_KEY, NEW_KEY, 7, 255, 1, False, 2, 1)]
    for token in decoded:
        assert_hidden(repr(token), NEW_KEY)
        assert_hidden(str(token.public_fields()), NEW_KEY)


def test_meter_decoder_and_its_state_and_outcomes_hide_keys() -> None:
    decoder = MeterDecoder(MeterDecoderState(decoder_key=OLD_KEY.hex()))
    outcomes = [decoder.enter(token) for token in key_change_tokens(OLD_KEY, NEW_KEY, 7, 255, 1, False, 2, 1)]
    half = MeterDecoder(MeterDecoderState(decoder_key=NEW_KEY.hex()))
    half.enter(key_change_tokens(NEW_KEY, OLD_KEY, 7, 255, 1, False, 2, 1)[0])
    for text in (repr(decoder), repr(decoder.state), repr(half.state), *map(repr, outcomes)):
        assert_hidden(text, OLD_KEY, NEW_KEY)


@pytest.mark.parametrize(
    "call",
    [
        lambda: encode_token(CreditToken(0, 1, 1, Decimal(1)), OLD_KEY, 11),
        lambda: encode_token(CreditToken(0, 1, 1, Decimal(1)), OLD_KEY, 8),
        lambda: encode_token(CreditToken(0, 1, 1, Decimal(-1)), OLD_KEY, 7),
        lambda: decode_token("1" * 20, OLD_KEY, 7),
        lambda: decode_token("2" * 21, OLD_KEY, 7),
        lambda: key_change_tokens(OLD_KEY, NEW_KEY + b"\x00", 7, 255, 1, False, 2, 1),
        lambda: key_change_tokens(OLD_KEY, NEW_KEY, 7, 999, 1, False, 2, 1),
        lambda: derive_decoder_key(4, VENDING_KEY, IDENTITY),
        lambda: derive_decoder_key(2, VENDING_KEY + b"\x01", IDENTITY),
        lambda: MeterDecoderState(decoder_key=OLD_KEY.hex(), ea=11),
    ],
)
def test_error_messages_hold_no_key(call: object) -> None:
    with pytest.raises(StsError) as caught:
        call()  # type: ignore[operator]
    assert_hidden(str(caught.value), OLD_KEY, NEW_KEY, VENDING_KEY)
    assert_hidden(repr(caught.value), OLD_KEY, NEW_KEY, VENDING_KEY)
