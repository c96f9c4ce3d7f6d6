"""Shared secrets the server must read back (a provider's HMAC secret) are kept encrypted: AES-256-GCM under a
key derived from the platform master key, bound to the record they belong to (associated data)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_PURPOSE = b"gridvend-channel-secrets-v1"


class SecretUnreadable(Exception):
    """The sealed secret does not open with this key and binding."""


def _derived_key(master_key: bytes) -> bytes:
    return hmac.new(master_key, _PURPOSE, hashlib.sha256).digest()


def seal(master_key: bytes, secret: bytes, binding: str) -> str:
    nonce = os.urandom(12)
    sealed = AESGCM(_derived_key(master_key)).encrypt(nonce, secret, binding.encode())
    return base64.b64encode(nonce + sealed).decode()


def open_sealed(master_key: bytes, sealed_text: str, binding: str) -> bytes:
    try:
        raw = base64.b64decode(sealed_text)
        return AESGCM(_derived_key(master_key)).decrypt(raw[:12], raw[12:], binding.encode())
    except (InvalidTag, ValueError) as error:
        raise SecretUnreadable("the sealed secret does not open") from error
