"""The rules shared by the backends that hold vending keys themselves (software and PKCS#11).

A backend supplies five primitives: open a wrapped key file entry, store an opened key, list and
update key descriptions, delete a key, and derive a meter's decoder key. Everything else (key
selection, the type E rule, current keys, token making) lives here once.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from dataclasses import replace

from gridvend.secure.errors import KeyNotPermitted, TokenRejected, VendingKeyNotFound
from gridvend.secure.interface import DEFAULT_KEY_EXPIRY
from gridvend.secure.key_file import KeyFile, KeyFileEntry, open_entry
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.token_reading import TokenReading
from gridvend.secure.vending_key import KeyRef, VendingKeyInfo
from gridvend.sts.errors import TokenError
from gridvend.sts.keys import MeterKeyIdentity
from gridvend.sts.token_requests import TokenRequest
from gridvend.sts.tokens import decode_token, encode_token, key_change_tokens

CREDIT_TOKEN_CLASS = 0


class KeyHoldingModule(ABC):
    def __init__(self, allow_plaintext_keys: bool = False) -> None:
        self._allow_plaintext_keys = allow_plaintext_keys
        self._lock = threading.RLock()

    # -- what a backend supplies ------------------------------------------------------------

    @abstractmethod
    def _unwrap_entry(self, key_file: KeyFile, entry: KeyFileEntry) -> SecretBytes:
        """The vending key of a wrapped entry, opened under the module's transport key."""

    @abstractmethod
    def _store_key(self, info: VendingKeyInfo, vending_key: SecretBytes) -> None: ...

    @abstractmethod
    def _key_infos(self) -> list[VendingKeyInfo]: ...

    @abstractmethod
    def _update_info(self, info: VendingKeyInfo) -> None:
        """Save a changed `current` flag of a key the module holds."""

    @abstractmethod
    def _delete_key(self, ref: KeyRef) -> bool: ...

    @abstractmethod
    def _key_info(self, ref: KeyRef) -> VendingKeyInfo | None: ...

    @abstractmethod
    def _decoder_key(self, info: VendingKeyInfo, meter: MeterKeyIdentity) -> SecretBytes: ...

    # -- the SecureModule interface ---------------------------------------------------------

    def load_key_file(self, key_file: KeyFile) -> list[VendingKeyInfo]:
        with self._lock:
            opened = [(entry.info, self._open(key_file, entry)) for entry in key_file.keys]
            try:
                for info, vending_key in opened:
                    self._store_key(info, vending_key)
                    if info.current:
                        self._make_current(info)
            finally:
                for _, vending_key in opened:
                    vending_key.wipe()
            return [self._required_info(info.ref) for info, _ in opened]

    def list_keys(self) -> list[VendingKeyInfo]:
        with self._lock:
            return sorted(self._key_infos(), key=lambda info: info.ref)

    def set_current_key(self, ref: KeyRef) -> VendingKeyInfo:
        with self._lock:
            info = self._required_info(ref)
            self._make_current(info)
            return self._required_info(ref)

    def delete_key(self, ref: KeyRef) -> None:
        with self._lock:
            if not self._delete_key(ref):
                raise VendingKeyNotFound(ref.sgc, ref.krn)

    def issue_token(self, meter: MeterKeyIdentity, request: TokenRequest) -> str:
        with self._lock:
            info = self._required_info(_ref_of(meter))
            if request.token_class == CREDIT_TOKEN_CLASS and not info.may_vend_credit:
                raise KeyNotPermitted(
                    f"the vending key of SGC {info.sgc} KRN {info.krn} is an engineering (type E) key; "
                    f"it cannot make credit tokens"
                )
            decoder_key = self._decoder_key(info, meter)
        try:
            return encode_token(request, decoder_key.reveal(), meter.ea)
        finally:
            decoder_key.wipe()

    def key_change(
        self, old_meter: MeterKeyIdentity, new_meter: MeterKeyIdentity, key_expiry: int = DEFAULT_KEY_EXPIRY
    ) -> list[str]:
        with self._lock:
            old_key = self._decoder_key(self._required_info(_ref_of(old_meter)), old_meter)
            new_key = self._decoder_key(self._required_info(_ref_of(new_meter)), new_meter)
        try:
            return key_change_tokens(
                old_key.reveal(),
                new_key.reveal(),
                ea=old_meter.ea,
                key_expiry=key_expiry,
                krn=new_meter.krn,
                rollover=old_meter.base_date != new_meter.base_date,
                key_type=new_meter.key_type,
                ti=new_meter.ti,
                sgc=new_meter.sgc,
            )
        finally:
            old_key.wipe()
            new_key.wipe()

    def decode_token(self, meter: MeterKeyIdentity, token: str) -> TokenReading:
        with self._lock:
            decoder_key = self._decoder_key(self._required_info(_ref_of(meter)), meter)
        try:
            return TokenReading.of(decode_token(token, decoder_key.reveal(), meter.ea))
        except TokenError as error:
            raise TokenRejected(f"the token does not decode for this meter: {error}") from None
        finally:
            decoder_key.wipe()

    # -- shared steps -----------------------------------------------------------------------

    def _open(self, key_file: KeyFile, entry: KeyFileEntry) -> SecretBytes:
        if entry.vending_key is not None:
            return open_entry(key_file, entry, None, self._allow_plaintext_keys)
        return self._unwrap_entry(key_file, entry)

    def _required_info(self, ref: KeyRef) -> VendingKeyInfo:
        info = self._key_info(ref)
        if info is None:
            raise VendingKeyNotFound(ref.sgc, ref.krn)
        return info

    def _make_current(self, chosen: VendingKeyInfo) -> None:
        for info in self._key_infos():
            if info.sgc == chosen.sgc and info.current != (info.krn == chosen.krn):
                self._update_info(replace(info, current=info.krn == chosen.krn))


def _ref_of(meter: MeterKeyIdentity) -> KeyRef:
    return KeyRef(meter.sgc, meter.krn)
