"""Vending keys wrapped under a key-encryption key (transport key or master key).

Scheme, the same in software and inside a PKCS#11 token:
- entry key = AES-256-ECB(KEK, SHA-256(binding)), a 256-bit key per vending key
  (PKCS#11: CKM_AES_ECB_ENCRYPT_DATA with the SHA-256 digest as data);
- wrapped key = AES key wrap with padding (RFC 5649) of the vending key under the entry key
  (PKCS#11: CKM_AES_KEY_WRAP_PAD).
The binding names SGC, KRN, key type and DKGA, so a wrapped key moved to another entry, or an
entry relabelled from E to M, no longer unwraps.
"""

from __future__ import annotations

import hashlib

from Crypto.Cipher import AES

from gridvend.secure.secret_bytes import SecretBytes

KEK_BYTES = 32


class UnwrapError(ValueError):
    """The wrapped key does not open under this KEK and binding (altered, relabelled or wrong KEK)."""

    def __init__(self) -> None:
        super().__init__("the wrapped key does not open under this key-encryption key and binding")


def binding_digest(binding: bytes) -> bytes:
    return hashlib.sha256(binding).digest()


def check_kek(kek: SecretBytes) -> None:
    if len(kek) != KEK_BYTES:
        raise ValueError(f"a key-encryption key has {KEK_BYTES} bytes (AES-256), not {len(kek)}")


def _entry_key(kek: SecretBytes, binding: bytes) -> bytes:
    check_kek(kek)
    return AES.new(kek.reveal(), AES.MODE_ECB).encrypt(binding_digest(binding))


def wrap_key(kek: SecretBytes, binding: bytes, key: SecretBytes) -> bytes:
    return AES.new(_entry_key(kek, binding), AES.MODE_KWP).seal(key.reveal())


def unwrap_key(kek: SecretBytes, binding: bytes, wrapped: bytes) -> SecretBytes:
    try:
        return SecretBytes(AES.new(_entry_key(kek, binding), AES.MODE_KWP).unseal(wrapped))
    except ValueError:
        raise UnwrapError() from None
