"""Vendor API keys: `gvk.<tenant>.<key id>.<secret>`. The tenant and key id find the record in that tenant's
own partition; only a hash of the secret is kept, so the tenant a key names counts only once the secret matches.

The secret is 256 random bits, so one SHA-256 (peppered with the key id) is enough to store it: a slow password
hash guards low-entropy secrets, which these are not.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

KEY_PREFIX = "gvk"
_KEY_PATTERN = re.compile(r"^gvk\.([a-z][a-z0-9-]{1,30}[a-z0-9])\.([0-9a-f]{16})\.([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class IssuedKey:
    key_id: str
    plain: str  # shown once to the tenant, never stored
    secret_hash: str


def secret_hash(key_id: str, secret: str) -> str:
    return hashlib.sha256(f"{key_id}:{secret}".encode()).hexdigest()


def issue_key(tenant_id: str) -> IssuedKey:
    key_id = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return IssuedKey(key_id, f"{KEY_PREFIX}.{tenant_id}.{key_id}.{secret}", secret_hash(key_id, secret))


@dataclass(frozen=True)
class PresentedKey:
    tenant_id: str
    key_id: str
    secret: str


def parse_key(presented: str) -> PresentedKey | None:
    """The parts of a well-formed key, else None."""
    found = _KEY_PATTERN.match(presented.strip())
    return PresentedKey(found.group(1), found.group(2), found.group(3)) if found else None


def secret_matches(key_id: str, secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(secret_hash(key_id, secret), stored_hash)
