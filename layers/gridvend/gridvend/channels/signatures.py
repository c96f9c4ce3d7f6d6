"""Signed callbacks: HMAC-SHA256 over `<timestamp>.<raw body>` with a shared secret, and a timestamp window
that makes an old (replayed) callback useless even with a valid signature."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

REPLAY_WINDOW_SECONDS = 300


@dataclass(frozen=True)
class SignatureVerdict:
    accepted: bool
    reason: str = ""  # why not: "missing", "malformed timestamp", "stale", "bad signature"


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    return hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def verify(
    secret: bytes,
    body: bytes,
    signature: str | None,
    timestamp_text: str | None,
    now_seconds: float,
    window_seconds: int = REPLAY_WINDOW_SECONDS,
) -> SignatureVerdict:
    if not signature or not timestamp_text:
        return SignatureVerdict(False, "missing signature or timestamp")
    if not timestamp_text.isdigit() or len(timestamp_text) > 12:
        return SignatureVerdict(False, "malformed timestamp")
    timestamp = int(timestamp_text)
    if abs(now_seconds - timestamp) > window_seconds:
        return SignatureVerdict(False, "stale timestamp")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.strip().lower()):
        return SignatureVerdict(False, "bad signature")
    return SignatureVerdict(True)
