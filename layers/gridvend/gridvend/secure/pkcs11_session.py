"""Opening a logged-in session on a PKCS#11 token (SoftHSM2 in tests; CloudHSM or any HSM in use)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

import pkcs11

from gridvend.secure.errors import SecureModuleUnavailable
from gridvend.secure.secret_bytes import SecretBytes

KNOWN_SOFTHSM_LIBRARIES = (
    "/usr/lib/softhsm/libsofthsm2.so",
    "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    "/usr/lib64/pkcs11/libsofthsm2.so",
    "/usr/local/lib/softhsm/libsofthsm2.so",
    "/opt/homebrew/lib/softhsm/libsofthsm2.so",
)


def find_softhsm_library(candidates: Iterable[str] = KNOWN_SOFTHSM_LIBRARIES) -> str | None:
    return next((path for path in candidates if os.path.exists(path)), None)


@dataclass(frozen=True)
class Pkcs11Settings:
    library_path: str
    token_label: str
    user_pin: SecretBytes


def open_user_session(settings: Pkcs11Settings) -> pkcs11.Session:
    """A read-write session logged in as the token's user; failures never echo the PIN.

    Closing a logged-in session logs out every session of this process on that token, so keep
    one module per token per process.
    """
    try:
        library = pkcs11.lib(settings.library_path)
    except (OSError, RuntimeError) as error:
        raise SecureModuleUnavailable(
            f"PKCS#11 library {settings.library_path} could not be loaded ({type(error).__name__})"
        ) from None
    try:
        token = library.get_token(token_label=settings.token_label)
    except pkcs11.NoSuchToken:
        raise SecureModuleUnavailable(f"no PKCS#11 token is labelled {settings.token_label!r}") from None
    try:
        return token.open(rw=True, user_pin=settings.user_pin.reveal().decode())
    except pkcs11.UserAlreadyLoggedIn:
        # PKCS#11 logs in per process and token: another session of ours is logged in already, and
        # a session opened without a PIN shares that login (closing it will not log the others out).
        return token.open(rw=True)
    except pkcs11.PinIncorrect:
        raise SecureModuleUnavailable(f"the token {settings.token_label!r} refused the user PIN") from None
    except pkcs11.PKCS11Error as error:
        raise SecureModuleUnavailable(
            f"the token {settings.token_label!r} could not be opened ({type(error).__name__})"
        ) from None
