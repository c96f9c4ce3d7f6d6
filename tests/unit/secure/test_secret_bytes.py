from __future__ import annotations

import copy
import pickle

import pytest

from gridvend.secure.secret_bytes import SecretBytes

HEX = "abababababababab"


def test_secret_never_shows_in_text_forms() -> None:
    secret = SecretBytes.from_hex(HEX)

    shown = [repr(secret), str(secret), f"{secret}", f"{secret!r}", "%s" % secret, repr([secret])]  # noqa: UP031

    assert [text for text in shown if "ab" in text.lower() or "\\xab" in text] == []
    assert "8 bytes redacted" in repr(secret)


def test_secret_refuses_pickling() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(SecretBytes.from_hex(HEX))
    with pytest.raises(TypeError):
        copy.copy(SecretBytes.from_hex(HEX))


def test_wipe_overwrites_the_held_copy() -> None:
    secret = SecretBytes.from_hex(HEX)

    secret.wipe()

    assert secret.reveal() == bytes(8)


def test_equal_secrets_compare_equal() -> None:
    assert SecretBytes.from_hex(HEX) == SecretBytes(bytes.fromhex(HEX))
    assert SecretBytes.from_hex(HEX) != SecretBytes(bytes(8))


def test_bad_hex_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError) as refusal:
        SecretBytes.from_hex("abababXZ")

    assert "abab" not in str(refusal.value)
