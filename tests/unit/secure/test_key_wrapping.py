from __future__ import annotations

import pytest

from gridvend.secure.key_wrapping import UnwrapError, unwrap_key, wrap_key
from gridvend.secure.secret_bytes import SecretBytes
from tests.unit.secure import vectors

KEY = SecretBytes.from_hex(vectors.DKGA04_VENDING_KEY)
BINDING = vectors.DKGA04_INFO.binding()


def test_wrapped_key_opens_under_the_same_kek_and_binding() -> None:
    wrapped = wrap_key(vectors.MASTER_KEY, BINDING, KEY)

    assert unwrap_key(vectors.MASTER_KEY, BINDING, wrapped) == KEY
    assert KEY.reveal() not in wrapped


def test_wrapped_key_does_not_open_under_another_binding() -> None:
    wrapped = wrap_key(vectors.MASTER_KEY, BINDING, KEY)

    with pytest.raises(UnwrapError):
        unwrap_key(vectors.MASTER_KEY, vectors.ENGINEERING_INFO.binding(), wrapped)


def test_altered_wrapped_key_does_not_open() -> None:
    wrapped = bytearray(wrap_key(vectors.MASTER_KEY, BINDING, KEY))
    wrapped[5] ^= 1

    with pytest.raises(UnwrapError):
        unwrap_key(vectors.MASTER_KEY, BINDING, bytes(wrapped))


def test_binding_names_the_key_type() -> None:
    assert b"type=E" in vectors.ENGINEERING_INFO.binding()
    assert b"type=M" in vectors.DKGA02_INFO.binding()


def test_kek_must_be_256_bits() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        wrap_key(SecretBytes(bytes(16)), BINDING, KEY)
