"""Identifiers that sort by creation time (ULID-style, Crockford base32), monotonic within a process."""

from __future__ import annotations

import os
import threading
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RANDOM_BITS = 80
_lock = threading.Lock()
_last: tuple[int, int] = (0, 0)


def _base32(number: int, length: int) -> str:
    chars = []
    for _ in range(length):
        number, digit = divmod(number, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


def new_id() -> str:
    """26 characters: 48 bits of milliseconds then 80 random bits; ids made in the same millisecond by
    this process still sort in the order they were made."""
    global _last
    with _lock:
        millis = time.time_ns() // 1_000_000
        last_millis, last_random = _last
        if millis <= last_millis and last_random + 1 < 1 << _RANDOM_BITS:
            millis, randomness = last_millis, last_random + 1
        else:
            randomness = int.from_bytes(os.urandom(_RANDOM_BITS // 8), "big") >> 1
        _last = (millis, randomness)
    return _base32(millis, 10) + _base32(randomness, 16)
