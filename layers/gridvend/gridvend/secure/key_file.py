"""The key file: what a key management centre hands to a secure module (our JSON form of a KMF file).

```json
{"format": "gridvend-keyfile/1", "issuer": "KMC", "transport_key_id": "tk-2024-01",
 "keys": [{"sgc": "123456", "krn": 1, "key_type": "M", "dkga": 2, "current": true,
           "supplier": "Star", "wrapped_key": "<hex: RFC 5649 wrap, see key_wrapping>"}]}
```

For development only an entry may carry `"vending_key": "<plain hex>"` instead of `wrapped_key`;
modules refuse such entries unless they were built to allow them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator

from gridvend.secure.errors import KeyFileInvalid
from gridvend.secure.key_wrapping import UnwrapError, unwrap_key, wrap_key
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.vending_key import VendingKeyInfo, VendingKeyType, check_vending_key_length

KEY_FILE_FORMAT: Literal["gridvend-keyfile/1"] = "gridvend-keyfile/1"
_HEX = r"^([0-9a-fA-F]{2})+$"


@dataclass(frozen=True)
class TransportKey:
    """The AES-256 key a key management centre wraps vending keys under for one module (or fleet)."""

    key_id: str
    material: SecretBytes


class KeyFileEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sgc: str = Field(pattern=r"^\d{6}$")
    krn: int = Field(ge=1, le=9)
    key_type: VendingKeyType
    dkga: Literal[2, 4]
    current: bool = False
    supplier: str = Field(default="", max_length=100)
    wrapped_key: str | None = Field(default=None, pattern=_HEX, repr=False)
    vending_key: SecretStr | None = Field(default=None, repr=False)

    @model_validator(mode="after")
    def _one_form_of_key(self) -> Self:
        if (self.wrapped_key is None) == (self.vending_key is None):
            raise ValueError("an entry carries exactly one of wrapped_key and vending_key")
        return self

    @property
    def info(self) -> VendingKeyInfo:
        return VendingKeyInfo(
            sgc=self.sgc,
            krn=self.krn,
            key_type=self.key_type,
            dkga=self.dkga,
            current=self.current,
            supplier=self.supplier,
        )


class KeyFile(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    format: Literal["gridvend-keyfile/1"] = KEY_FILE_FORMAT
    issuer: str = Field(default="", max_length=100)
    transport_key_id: str | None = Field(default=None, max_length=100)
    keys: list[KeyFileEntry] = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        refs = [(entry.sgc, entry.krn) for entry in self.keys]
        if len(set(refs)) != len(refs):
            raise ValueError("a key file names each SGC and KRN once")
        if self.transport_key_id is None and any(entry.wrapped_key for entry in self.keys):
            raise ValueError("wrapped keys need the transport_key_id they are wrapped under")
        return self

    @property
    def has_plaintext_keys(self) -> bool:
        return any(entry.vending_key is not None for entry in self.keys)

    def to_json(self) -> str:
        """The file's text; plain development keys are written out as they came in."""
        document = self.model_dump(mode="json", exclude_none=True)
        for entry_document, entry in zip(document["keys"], self.keys, strict=True):
            if entry.vending_key is not None:
                entry_document["vending_key"] = entry.vending_key.get_secret_value()
        return json.dumps(document, indent=2)


def parse_key_file(text: str | bytes) -> KeyFile:
    """Parse and validate a key file. Errors name the field, never the value found there."""
    try:
        return KeyFile.model_validate_json(text)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or 'file'}: {problem['msg']}"
            for problem in error.errors(include_input=False, include_url=False, include_context=False)
        )
        raise KeyFileInvalid(f"key file rejected: {problems}") from None


def open_entry(
    key_file: KeyFile,
    entry: KeyFileEntry,
    transport_key: TransportKey | None,
    allow_plaintext: bool,
) -> SecretBytes:
    """The vending key of one entry, unwrapped under the transport key (or plain, if allowed)."""
    if entry.vending_key is not None:
        if not allow_plaintext:
            raise KeyFileInvalid(
                f"plain vending keys are for development only; this module refuses them "
                f"(SGC {entry.sgc} KRN {entry.krn})"
            )
        try:
            vending_key = SecretBytes.from_hex(entry.vending_key.get_secret_value())
        except ValueError:
            raise KeyFileInvalid(f"SGC {entry.sgc} KRN {entry.krn}: vending key is not hex") from None
    else:
        vending_key = _unwrap_entry(key_file, entry, transport_key)
    try:
        check_vending_key_length(entry.dkga, len(vending_key))
    except ValueError as error:
        raise KeyFileInvalid(f"SGC {entry.sgc} KRN {entry.krn}: {error}") from None
    return vending_key


def _unwrap_entry(key_file: KeyFile, entry: KeyFileEntry, transport_key: TransportKey | None) -> SecretBytes:
    check_transport_key(key_file, transport_key)
    assert transport_key is not None and entry.wrapped_key is not None
    try:
        return unwrap_key(transport_key.material, entry.info.binding(), bytes.fromhex(entry.wrapped_key))
    except UnwrapError:
        raise KeyFileInvalid(
            f"the key for SGC {entry.sgc} KRN {entry.krn} does not unwrap: the file was altered "
            f"or made for another transport key"
        ) from None


def check_transport_key(key_file: KeyFile, transport_key: TransportKey | None) -> None:
    check_transport_key_id(key_file, transport_key.key_id if transport_key else None)


def check_transport_key_id(key_file: KeyFile, held_key_id: str | None) -> None:
    if held_key_id is None:
        raise KeyFileInvalid("this module holds no transport key to unwrap key files")
    if key_file.transport_key_id != held_key_id:
        raise KeyFileInvalid(
            f"the key file is wrapped under transport key {key_file.transport_key_id!r}; "
            f"this module holds {held_key_id!r}"
        )


def seal_key_file(
    keys: Iterable[tuple[VendingKeyInfo, SecretBytes]],
    transport_key: TransportKey,
    issuer: str = "",
) -> KeyFile:
    """What a key management centre does: wrap each vending key under the transport key."""
    entries = []
    for info, vending_key in keys:
        check_vending_key_length(info.dkga, len(vending_key))
        wrapped = wrap_key(transport_key.material, info.binding(), vending_key)
        entries.append(_entry_for(info, wrapped_key=wrapped.hex()))
    return KeyFile(issuer=issuer, transport_key_id=transport_key.key_id, keys=entries)


def plaintext_key_file(keys: Iterable[tuple[VendingKeyInfo, SecretBytes]], issuer: str = "dev") -> KeyFile:
    """A development key file with plain keys; only modules built with allow_plaintext load it."""
    entries = [
        _entry_for(info, vending_key=SecretStr(vending_key.reveal().hex())) for info, vending_key in keys
    ]
    return KeyFile(issuer=issuer, keys=entries)


def _entry_for(
    info: VendingKeyInfo, wrapped_key: str | None = None, vending_key: SecretStr | None = None
) -> KeyFileEntry:
    return KeyFileEntry(
        sgc=info.sgc,
        krn=info.krn,
        key_type=info.key_type,
        dkga=info.dkga,  # type: ignore[arg-type]
        current=info.current,
        supplier=info.supplier,
        wrapped_key=wrapped_key,
        vending_key=vending_key,
    )
