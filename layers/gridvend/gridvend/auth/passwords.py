"""Password hashing with Argon2id (a slow, memory-hard KDF)."""

from __future__ import annotations

import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gridvend.errors import InvalidInput

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


def _hasher() -> PasswordHasher:
    # Tests may lower the cost through the environment; production keeps the library's defaults.
    time_cost = int(os.environ.get("GRIDVEND_ARGON2_TIME_COST", "3"))
    memory_kib = int(os.environ.get("GRIDVEND_ARGON2_MEMORY_KIB", "65536"))
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib)


def check_password_policy(password: str, field_name: str = "password") -> None:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise InvalidInput.for_field(
            field_name, f"must be {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters long"
        )


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
