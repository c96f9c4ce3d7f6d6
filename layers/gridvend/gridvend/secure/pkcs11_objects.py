"""The objects the PKCS#11 backend keeps in a token, and how they get there.

- transport key: AES-256, label `gridvend:transport:<id>`, derive only, never extractable;
- vending key: label `gridvend:vk:<sgc>:<krn>:<M|E>:<dkga>`, id `<sgc>:<krn>`, not modifiable;
  DKGA04 keys are HMAC keys (generic secret, sign only, never extractable);
  DKGA02 keys are DES3 keys K|K|K (encrypt only; extractable by wrap, see SECURITY.md);
- metadata: a private data object `gridvend:vk-meta:<sgc>:<krn>` holding {"current", "supplier"}.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any, TypeAlias

import pkcs11
from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass

from gridvend.secure.key_file import TransportKey
from gridvend.secure.key_wrapping import UnwrapError, binding_digest
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.vending_key import KeyRef, VendingKeyInfo, VendingKeyType

APPLICATION = "gridvend"
TRANSPORT_LABEL = "gridvend:transport:{key_id}"
VENDING_LABEL_PREFIX = "gridvend:vk:"
METADATA_LABEL = "gridvend:vk-meta:{sgc}:{krn}"
HMAC_BLOCK_BYTES = 64
_SESSION_ONLY = {Attribute.TOKEN: False, Attribute.PRIVATE: True}

# python-pkcs11 composes its key classes from capability mixins at run time; its static types
# cannot express "a secret key that can derive", so key handles are typed loosely.
TokenKey: TypeAlias = Any


def install_transport_key(session: pkcs11.Session, transport_key: TransportKey) -> None:
    """Key ceremony: put the transport key into the token, from where it can never be read back."""
    label = TRANSPORT_LABEL.format(key_id=transport_key.key_id)
    for existing in list(session.get_objects({Attribute.CLASS: ObjectClass.SECRET_KEY, Attribute.LABEL: label})):
        existing.destroy()
    session.create_object(
        {
            Attribute.CLASS: ObjectClass.SECRET_KEY,
            Attribute.KEY_TYPE: KeyType.AES,
            Attribute.VALUE: transport_key.material.reveal(),
            Attribute.LABEL: label,
            Attribute.TOKEN: True,
            Attribute.PRIVATE: True,
            Attribute.SENSITIVE: True,
            Attribute.EXTRACTABLE: False,
            Attribute.DERIVE: True,
            Attribute.ENCRYPT: False,
            Attribute.DECRYPT: False,
            Attribute.WRAP: False,
            Attribute.UNWRAP: False,
            Attribute.MODIFIABLE: False,
        }
    )


def find_transport_key(session: pkcs11.Session, key_id: str) -> TokenKey | None:
    try:
        label = TRANSPORT_LABEL.format(key_id=key_id)
        return session.get_key(ObjectClass.SECRET_KEY, KeyType.AES, label=label)
    except pkcs11.NoSuchKey:
        return None


def unwrap_to_memory(transport_key: TokenKey, binding: bytes, wrapped: bytes) -> SecretBytes:
    """Open a wrapped vending key with the in-token transport key (see key_wrapping for the scheme).

    The transport key stays in the token; the vending key comes out, because the objects it
    becomes (padded HMAC key, DES3 K|K|K) cannot be formed inside SoftHSM2.
    """
    entry_key = transport_key.derive_key(
        KeyType.AES,
        256,
        mechanism=Mechanism.AES_ECB_ENCRYPT_DATA,
        mechanism_param=binding_digest(binding),
        template={
            **_SESSION_ONLY,
            Attribute.SENSITIVE: True,
            Attribute.EXTRACTABLE: False,
            Attribute.UNWRAP: True,
        },
    )
    try:
        opened = entry_key.unwrap_key(
            ObjectClass.SECRET_KEY,
            KeyType.GENERIC_SECRET,
            wrapped,
            mechanism=Mechanism.AES_KEY_WRAP_PAD,
            template={**_SESSION_ONLY, Attribute.SENSITIVE: False, Attribute.EXTRACTABLE: True},
        )
    except pkcs11.PKCS11Error:
        raise UnwrapError() from None
    finally:
        entry_key.destroy()
    try:
        return SecretBytes(opened[Attribute.VALUE])
    finally:
        opened.destroy()


def vending_key_label(info: VendingKeyInfo) -> str:
    return f"{VENDING_LABEL_PREFIX}{info.sgc}:{info.krn}:{info.key_type.value}:{info.dkga}"


def _object_id(ref: KeyRef) -> bytes:
    return f"{ref.sgc}:{ref.krn}".encode()


def _common_vending_attributes(info: VendingKeyInfo) -> dict[Attribute, Any]:
    return {
        Attribute.CLASS: ObjectClass.SECRET_KEY,
        Attribute.LABEL: vending_key_label(info),
        Attribute.ID: _object_id(info.ref),
        Attribute.TOKEN: True,
        Attribute.PRIVATE: True,
        Attribute.SENSITIVE: True,
        Attribute.MODIFIABLE: False,
        Attribute.DERIVE: False,
        Attribute.WRAP: False,
        Attribute.UNWRAP: False,
        Attribute.DECRYPT: False,
        Attribute.VERIFY: False,
    }


def hmac_key_value(vending_key: SecretBytes, minimum_bytes: int) -> bytes:
    """HMAC pads short keys with zero bytes to its block size, so padding with zeros to the token's
    minimum HMAC key length gives the same MACs."""
    length = min(max(len(vending_key), minimum_bytes), HMAC_BLOCK_BYTES)
    if length < minimum_bytes:
        raise ValueError(f"the token needs HMAC keys of {minimum_bytes} bytes, more than a block")
    return vending_key.reveal().ljust(length, b"\x00")


def create_vending_key(
    session: pkcs11.Session, info: VendingKeyInfo, vending_key: SecretBytes, hmac_minimum_bytes: int
) -> None:
    attributes = _common_vending_attributes(info)
    if info.dkga == 4:
        attributes |= {
            Attribute.KEY_TYPE: KeyType.GENERIC_SECRET,
            Attribute.VALUE: hmac_key_value(vending_key, hmac_minimum_bytes),
            Attribute.SIGN: True,
            Attribute.ENCRYPT: False,
            Attribute.EXTRACTABLE: False,
        }
    else:
        attributes |= {
            Attribute.KEY_TYPE: KeyType.DES3,
            Attribute.VALUE: vending_key.reveal() * 3,
            Attribute.SIGN: False,
            Attribute.ENCRYPT: True,
            Attribute.EXTRACTABLE: True,
        }
    delete_vending_key(session, info.ref)
    session.create_object(attributes)
    write_metadata(session, info)


def write_metadata(session: pkcs11.Session, info: VendingKeyInfo) -> None:
    _delete_metadata(session, info.ref)
    session.create_object(
        {
            Attribute.CLASS: ObjectClass.DATA,
            Attribute.APPLICATION: APPLICATION,
            Attribute.LABEL: METADATA_LABEL.format(sgc=info.sgc, krn=info.krn),
            Attribute.VALUE: json.dumps({"current": info.current, "supplier": info.supplier}).encode(),
            Attribute.TOKEN: True,
            Attribute.PRIVATE: True,
        }
    )


def _delete_metadata(session: pkcs11.Session, ref: KeyRef) -> None:
    label = METADATA_LABEL.format(sgc=ref.sgc, krn=ref.krn)
    for existing in list(session.get_objects({Attribute.CLASS: ObjectClass.DATA, Attribute.LABEL: label})):
        existing.destroy()


def _secret_keys_with_id(session: pkcs11.Session, ref: KeyRef) -> list[TokenKey]:
    return list(session.get_objects({Attribute.CLASS: ObjectClass.SECRET_KEY, Attribute.ID: _object_id(ref)}))


def delete_vending_key(session: pkcs11.Session, ref: KeyRef) -> bool:
    found = _secret_keys_with_id(session, ref)
    for key in found:
        key.destroy()
    _delete_metadata(session, ref)
    return bool(found)


def find_vending_key(session: pkcs11.Session, ref: KeyRef) -> tuple[VendingKeyInfo, TokenKey] | None:
    found = _secret_keys_with_id(session, ref)
    for key in found:
        info = _info_from_label(session, key[Attribute.LABEL])
        if info is not None:
            return info, key
    return None


def find_key_object(session: pkcs11.Session, ref: KeyRef) -> TokenKey | None:
    """The vending key object alone, without reading its description (the fast path per token)."""
    found = _secret_keys_with_id(session, ref)
    return found[0] if len(found) == 1 else None


def list_vending_keys(session: pkcs11.Session) -> list[VendingKeyInfo]:
    infos = [
        _info_from_label(session, key[Attribute.LABEL])
        for key in list(session.get_objects({Attribute.CLASS: ObjectClass.SECRET_KEY}))
    ]
    return sorted((info for info in infos if info is not None), key=lambda info: info.ref)


def _info_from_label(session: pkcs11.Session, label: str) -> VendingKeyInfo | None:
    parts = label.removeprefix(VENDING_LABEL_PREFIX).split(":")
    if not label.startswith(VENDING_LABEL_PREFIX) or len(parts) != 4:
        return None
    sgc, krn, key_type, dkga = parts
    try:
        info = VendingKeyInfo(sgc, int(krn), VendingKeyType(key_type), int(dkga))
    except ValueError:
        return None  # an object of someone else's that happens to share our prefix
    metadata = _read_metadata(session, info.ref)
    return replace(info, current=bool(metadata.get("current", False)), supplier=str(metadata.get("supplier", "")))


def _read_metadata(session: pkcs11.Session, ref: KeyRef) -> dict[str, object]:
    label = METADATA_LABEL.format(sgc=ref.sgc, krn=ref.krn)
    for data_object in list(session.get_objects({Attribute.CLASS: ObjectClass.DATA, Attribute.LABEL: label})):
        document = json.loads(bytes(data_object[Attribute.VALUE]))
        return dict(document) if isinstance(document, dict) else {}
    return {}
