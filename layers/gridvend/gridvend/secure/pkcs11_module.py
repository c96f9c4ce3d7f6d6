"""The PKCS#11 secure module: vending keys are token objects (SoftHSM2, CloudHSM or any HSM).

DKGA04 runs inside the token (CKM_SHA256_HMAC); those vending keys cannot leave it. DKGA02 runs
its DES step inside the token (CKM_DES3_ECB with K|K|K) but ends with an XOR with the vending key
itself, which the token cannot do for us: the key is exported under a session wrapping key into
this process for that one derivation and wiped after. SECURITY.md beside this file says more.
"""

from __future__ import annotations

import os
from types import TracebackType
from typing import Self

import pkcs11
from Crypto.Cipher import AES
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass

from gridvend.secure import pkcs11_objects as token_objects
from gridvend.secure.errors import KeyFileInvalid, SecureModuleFailure, VendingKeyNotFound
from gridvend.secure.key_file import KeyFile, KeyFileEntry, check_transport_key_id
from gridvend.secure.key_wrapping import UnwrapError
from gridvend.secure.local_module import KeyHoldingModule
from gridvend.secure.pkcs11_objects import TokenKey
from gridvend.secure.pkcs11_session import Pkcs11Settings, open_user_session
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.vending_key import KeyRef, VendingKeyInfo, check_vending_key_length
from gridvend.sts.keys import MeterKeyIdentity, dkga02_data_block, dkga04_message

EXPORT_KEY_BYTES = 32


class Pkcs11SecureModule(KeyHoldingModule):
    """Owns one logged-in session; calls are serialised by the module's lock."""

    def __init__(self, session: pkcs11.Session, transport_key_id: str, allow_plaintext_keys: bool = False) -> None:
        super().__init__(allow_plaintext_keys)
        self._session = session
        self._closed = False
        self._transport_key_id = transport_key_id
        self._hmac_minimum_bytes = _hmac_minimum_key_bytes(session)
        self._export_material = SecretBytes(os.urandom(EXPORT_KEY_BYTES))
        self._export_key: TokenKey = session.create_object(
            {
                Attribute.CLASS: ObjectClass.SECRET_KEY,
                Attribute.KEY_TYPE: KeyType.AES,
                Attribute.VALUE: self._export_material.reveal(),
                Attribute.TOKEN: False,
                Attribute.PRIVATE: True,
                Attribute.SENSITIVE: True,
                Attribute.EXTRACTABLE: False,
                Attribute.WRAP: True,
                Attribute.UNWRAP: False,
                Attribute.ENCRYPT: False,
                Attribute.DECRYPT: False,
            }
        )

    @classmethod
    def open(
        cls, settings: Pkcs11Settings, transport_key_id: str, allow_plaintext_keys: bool = False
    ) -> Pkcs11SecureModule:
        return cls(open_user_session(settings), transport_key_id, allow_plaintext_keys)

    def close(self) -> None:
        with self._lock:
            if not self._closed:
                self._closed = True
                self._export_material.wipe()
                self._session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Pkcs11SecureModule(token={self._session.token.label!r}, transport_key_id={self._transport_key_id!r})"

    # -- primitives -------------------------------------------------------------------------

    def _unwrap_entry(self, key_file: KeyFile, entry: KeyFileEntry) -> SecretBytes:
        check_transport_key_id(key_file, self._transport_key_id)
        transport_key = token_objects.find_transport_key(self._session, self._transport_key_id)
        if transport_key is None:
            raise KeyFileInvalid(f"the token holds no transport key {self._transport_key_id!r}")
        assert entry.wrapped_key is not None
        try:
            vending_key = token_objects.unwrap_to_memory(
                transport_key, entry.info.binding(), bytes.fromhex(entry.wrapped_key)
            )
        except UnwrapError:
            raise KeyFileInvalid(
                f"the key for SGC {entry.sgc} KRN {entry.krn} does not unwrap: the file was altered "
                f"or made for another transport key"
            ) from None
        try:
            check_vending_key_length(entry.dkga, len(vending_key))
        except ValueError as error:
            raise KeyFileInvalid(f"SGC {entry.sgc} KRN {entry.krn}: {error}") from None
        return vending_key

    def _store_key(self, info: VendingKeyInfo, vending_key: SecretBytes) -> None:
        token_objects.create_vending_key(self._session, info, vending_key, self._hmac_minimum_bytes)

    def _key_infos(self) -> list[VendingKeyInfo]:
        return token_objects.list_vending_keys(self._session)

    def _key_info(self, ref: KeyRef) -> VendingKeyInfo | None:
        found = token_objects.find_vending_key(self._session, ref)
        return found[0] if found else None

    def _update_info(self, info: VendingKeyInfo) -> None:
        token_objects.write_metadata(self._session, info)

    def _delete_key(self, ref: KeyRef) -> bool:
        return token_objects.delete_vending_key(self._session, ref)

    def _decoder_key(self, info: VendingKeyInfo, meter: MeterKeyIdentity) -> SecretBytes:
        key_object = token_objects.find_key_object(self._session, info.ref)
        if key_object is None:
            raise VendingKeyNotFound(info.sgc, info.krn)
        try:
            if info.dkga == 4:
                mac = key_object.sign(dkga04_message(meter), mechanism=Mechanism.SHA256_HMAC)
                return SecretBytes(mac[: meter.key_bits // 8])
            return self._dkga02(key_object, meter)
        except pkcs11.PKCS11Error as error:
            raise SecureModuleFailure(
                f"the token failed to derive with the key of {info.ref} ({type(error).__name__})"
            ) from None

    def _dkga02(self, key_object: TokenKey, meter: MeterKeyIdentity) -> SecretBytes:
        """DES_VK(block) in the token, then the XOR with the block and the exported vending key."""
        block = dkga02_data_block(meter)
        encrypted = key_object.encrypt(block, mechanism=Mechanism.DES3_ECB)
        wrapped = self._export_key.wrap_key(key_object, mechanism=Mechanism.AES_KEY_WRAP)
        triple_key = SecretBytes(AES.new(self._export_material.reveal(), AES.MODE_KW).unseal(wrapped))
        try:
            vending_key = triple_key.reveal()[:8]
            return SecretBytes(bytes(e ^ d ^ v for e, d, v in zip(encrypted, block, vending_key, strict=True)))
        finally:
            triple_key.wipe()


def _hmac_minimum_key_bytes(session: pkcs11.Session) -> int:
    """The shortest HMAC key the token accepts (SoftHSM2: 32 bytes, more than a 160-bit vending key)."""
    try:
        return session.token.slot.get_mechanism_info(Mechanism.SHA256_HMAC).min_key_length or 0
    except pkcs11.PKCS11Error:
        return 0
