"""Where the software module keeps its vending keys: wrapped under the master key, never plain."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from gridvend.secure.vending_key import KeyRef, VendingKeyInfo, VendingKeyType


@dataclass(frozen=True)
class StoredVendingKey:
    info: VendingKeyInfo
    wrapped_key: bytes  # see key_wrapping: bound to info.binding() under the master key


class WrappedKeyStore(Protocol):
    def put(self, stored: StoredVendingKey) -> None: ...

    def get(self, ref: KeyRef) -> StoredVendingKey | None: ...

    def delete(self, ref: KeyRef) -> bool: ...

    def all(self) -> list[StoredVendingKey]: ...


class InMemoryWrappedKeyStore:
    def __init__(self) -> None:
        self._records: dict[KeyRef, StoredVendingKey] = {}
        self._lock = threading.Lock()

    def put(self, stored: StoredVendingKey) -> None:
        with self._lock:
            self._records[stored.info.ref] = stored

    def get(self, ref: KeyRef) -> StoredVendingKey | None:
        with self._lock:
            return self._records.get(ref)

    def delete(self, ref: KeyRef) -> bool:
        with self._lock:
            return self._records.pop(ref, None) is not None

    def all(self) -> list[StoredVendingKey]:
        with self._lock:
            return [self._records[ref] for ref in sorted(self._records)]


class JsonFileWrappedKeyStore(InMemoryWrappedKeyStore):
    """The in-memory store, saved to a JSON file (mode 0600) after every change."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        if path.exists():
            for record in json.loads(path.read_text())["keys"]:
                stored = _from_document(record)
                self._records[stored.info.ref] = stored

    def put(self, stored: StoredVendingKey) -> None:
        super().put(stored)
        self._save()

    def delete(self, ref: KeyRef) -> bool:
        deleted = super().delete(ref)
        self._save()
        return deleted

    def _save(self) -> None:
        document = {"keys": [_to_document(stored) for stored in self.all()]}
        self._path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self._path.parent, prefix=".keys-")
        with os.fdopen(handle, "w") as file:
            json.dump(document, file, indent=2)
        os.chmod(temporary, 0o600)
        os.replace(temporary, self._path)


def with_current_flag(stored: StoredVendingKey, current: bool) -> StoredVendingKey:
    return replace(stored, info=replace(stored.info, current=current))


def _to_document(stored: StoredVendingKey) -> dict[str, object]:
    info = stored.info
    return {
        "sgc": info.sgc,
        "krn": info.krn,
        "key_type": info.key_type.value,
        "dkga": info.dkga,
        "current": info.current,
        "supplier": info.supplier,
        "wrapped_key": stored.wrapped_key.hex(),
    }


def _from_document(record: dict[str, object]) -> StoredVendingKey:
    info = VendingKeyInfo(
        sgc=str(record["sgc"]),
        krn=int(str(record["krn"])),
        key_type=VendingKeyType(str(record["key_type"])),
        dkga=int(str(record["dkga"])),
        current=bool(record["current"]),
        supplier=str(record.get("supplier", "")),
    )
    return StoredVendingKey(info, bytes.fromhex(str(record["wrapped_key"])))
