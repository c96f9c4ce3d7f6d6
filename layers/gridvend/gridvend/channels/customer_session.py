"""A customer's self-service session: `<payload>.<signature>`, the payload naming tenant, meter and expiry, the
signature an HMAC under a server key. It opens only the self-service routes, never an operator's."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass

SESSION_SECONDS = 3600
_PURPOSE = b"gridvend-customer-session-v1"


@dataclass(frozen=True)
class CustomerSession:
    tenant_id: str
    meter: str
    expires_at: int


def _key(master_key: bytes) -> bytes:
    return hmac.new(master_key, _PURPOSE, hashlib.sha256).digest()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def issue_session(master_key: bytes, tenant_id: str, meter: str, now: float) -> tuple[str, CustomerSession]:
    session = CustomerSession(tenant_id, meter, int(now) + SESSION_SECONDS)
    payload = _b64(json.dumps({"t": tenant_id, "m": meter, "e": session.expires_at}, separators=(",", ":")).encode())
    signature = _b64(hmac.new(_key(master_key), payload.encode(), hashlib.sha256).digest())
    return f"{payload}.{signature}", session


def open_session(master_key: bytes, token: str, now: float) -> CustomerSession | None:
    payload, _, signature = token.strip().partition(".")
    expected = _b64(hmac.new(_key(master_key), payload.encode(), hashlib.sha256).digest())
    if not payload or not hmac.compare_digest(expected, signature):
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        session = CustomerSession(str(claims["t"]), str(claims["m"]), int(claims["e"]))
    except (ValueError, KeyError, TypeError):
        return None
    return session if session.expires_at > now else None
