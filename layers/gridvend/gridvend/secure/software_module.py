"""The software secure module: vending keys wrapped under a master key at rest, opened per call.

For development and small operators. The master key comes from the environment or a parameter
store (see master_key); the transport key opens key files from the key management centre.
"""

from __future__ import annotations

from gridvend.secure.errors import SecureModuleFailure, VendingKeyNotFound
from gridvend.secure.key_file import KeyFile, KeyFileEntry, TransportKey, open_entry
from gridvend.secure.key_wrapping import UnwrapError, check_kek, unwrap_key, wrap_key
from gridvend.secure.local_module import KeyHoldingModule
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.vending_key import KeyRef, VendingKeyInfo
from gridvend.secure.wrapped_key_store import (
    InMemoryWrappedKeyStore,
    StoredVendingKey,
    WrappedKeyStore,
    with_current_flag,
)
from gridvend.sts.keys import MeterKeyIdentity, derive_decoder_key


class SoftwareSecureModule(KeyHoldingModule):
    def __init__(
        self,
        master_key: SecretBytes,
        transport_key: TransportKey | None = None,
        store: WrappedKeyStore | None = None,
        allow_plaintext_keys: bool = False,
    ) -> None:
        super().__init__(allow_plaintext_keys)
        check_kek(master_key)
        self._master_key = master_key
        self._transport_key = transport_key
        self._store: WrappedKeyStore = store if store is not None else InMemoryWrappedKeyStore()

    def __repr__(self) -> str:
        transport = self._transport_key.key_id if self._transport_key else None
        return f"SoftwareSecureModule(transport_key_id={transport!r}, keys={len(self._store.all())})"

    def _unwrap_entry(self, key_file: KeyFile, entry: KeyFileEntry) -> SecretBytes:
        return open_entry(key_file, entry, self._transport_key, allow_plaintext=False)

    def _store_key(self, info: VendingKeyInfo, vending_key: SecretBytes) -> None:
        wrapped = wrap_key(self._master_key, info.binding(), vending_key)
        self._store.put(StoredVendingKey(info, wrapped))

    def _key_infos(self) -> list[VendingKeyInfo]:
        return [stored.info for stored in self._store.all()]

    def _key_info(self, ref: KeyRef) -> VendingKeyInfo | None:
        stored = self._store.get(ref)
        return stored.info if stored else None

    def _update_info(self, info: VendingKeyInfo) -> None:
        stored = self._store.get(info.ref)
        if stored is not None:
            self._store.put(with_current_flag(stored, info.current))

    def _delete_key(self, ref: KeyRef) -> bool:
        return self._store.delete(ref)

    def _decoder_key(self, info: VendingKeyInfo, meter: MeterKeyIdentity) -> SecretBytes:
        stored = self._store.get(info.ref)
        if stored is None:
            raise VendingKeyNotFound(info.sgc, info.krn)
        try:
            vending_key = unwrap_key(self._master_key, stored.info.binding(), stored.wrapped_key)
        except UnwrapError:
            raise SecureModuleFailure(
                f"the stored key of {info.ref} does not open: wrong master key or an altered key store"
            ) from None
        try:
            return SecretBytes(derive_decoder_key(info.dkga, vending_key.reveal(), meter))
        finally:
            vending_key.wipe()
