"""The one interface every secure module backend offers (software, PKCS#11, bridge).

A vending key is selected by the meter's SGC and KRN (both part of `MeterKeyIdentity`). Decoder
keys are derived inside the backend for each call and never returned: there is no method that
hands out a vending key or a decoder key.
"""

from __future__ import annotations

from typing import Protocol

from gridvend.secure.key_file import KeyFile
from gridvend.secure.token_reading import TokenReading
from gridvend.secure.vending_key import KeyRef, VendingKeyInfo
from gridvend.sts.keys import MeterKeyIdentity
from gridvend.sts.token_requests import TokenRequest

DEFAULT_KEY_EXPIRY = 255  # KEN: the key does not expire


class SecureModule(Protocol):
    def load_key_file(self, key_file: KeyFile) -> list[VendingKeyInfo]:
        """Install every key of the file (all or none); returns what was installed."""
        ...

    def list_keys(self) -> list[VendingKeyInfo]: ...

    def set_current_key(self, ref: KeyRef) -> VendingKeyInfo:
        """Mark one key current for its SGC; the others of that SGC become old keys."""
        ...

    def delete_key(self, ref: KeyRef) -> None: ...

    def issue_token(self, meter: MeterKeyIdentity, request: TokenRequest) -> str:
        """A 20-digit token for the meter. Credit tokens need a type M key (KeyNotPermitted)."""
        ...

    def key_change(
        self, old_meter: MeterKeyIdentity, new_meter: MeterKeyIdentity, key_expiry: int = DEFAULT_KEY_EXPIRY
    ) -> list[str]:
        """Key change tokens moving the meter from its old identity to the new one (2, or 4 for
        128-bit keys); the rollover bit is set when the base date changes."""
        ...

    def decode_token(self, meter: MeterKeyIdentity, token: str) -> TokenReading:
        """Decode a token made for the meter, e.g. to verify a printed or disputed token."""
        ...
