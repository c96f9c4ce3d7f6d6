"""Firmware images: the bytes in an object store (S3; moto server locally), what is known about each
image (version, size, SHA-256, chunking) in the tenant's table. The upgrade sends one chunk at a time."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from typing import Any, Protocol

from gridvend.errors import Conflict
from gridvend.store.items import Condition, Item, ItemStore, TransactionConflict


class ObjectStore(Protocol):
    def put(self, key: str, body: bytes) -> None: ...

    def get_range(self, key: str, start: int, end: int) -> bytes:
        """Bytes start..end-1."""
        ...


@dataclass(frozen=True)
class FirmwareImage:
    firmware_id: str
    name: str
    version: int
    size: int
    sha256: str
    chunk_size: int
    created_at: str

    @property
    def chunks(self) -> int:
        return -(-self.size // self.chunk_size)

    def public(self) -> dict[str, Any]:
        return {
            "firmware_id": self.firmware_id,
            "name": self.name,
            "version": self.version,
            "size": self.size,
            "sha256": self.sha256,
            "chunk_size": self.chunk_size,
            "chunks": self.chunks,
            "created_at": self.created_at,
        }


class FirmwareRepository:
    def __init__(self, store: ItemStore, objects: ObjectStore, tenant_id: str) -> None:
        self._store, self._objects = store, objects
        self._tenant_id = tenant_id
        self._partition = f"T#{tenant_id}#FIRMWARE"

    def _object_key(self, firmware_id: str) -> str:
        return f"{self._tenant_id}/firmware/{firmware_id}.bin"

    def add(
        self, firmware_id: str, name: str, version: int, image: bytes, chunk_size: int, created_at: str
    ) -> FirmwareImage:
        if self.get(firmware_id) is not None:
            raise Conflict(f"firmware '{firmware_id}' exists already")
        described = FirmwareImage(
            firmware_id, name, version, len(image), hashlib.sha256(image).hexdigest(), chunk_size, created_at
        )
        self._objects.put(self._object_key(firmware_id), image)
        item: Item = {"pk": self._partition, "sk": firmware_id, "entity": "firmware", "data": described.public()}
        try:
            self._store.put(item, Condition.absent())
        except TransactionConflict:
            raise Conflict(f"firmware '{firmware_id}' exists already") from None
        return described

    def get(self, firmware_id: str) -> FirmwareImage | None:
        item = self._store.get(self._partition, firmware_id)
        if item is None:
            return None
        data = item["data"]
        return FirmwareImage(
            str(data["firmware_id"]),
            str(data["name"]),
            int(data["version"]),
            int(data["size"]),
            str(data["sha256"]),
            int(data["chunk_size"]),
            str(data["created_at"]),
        )

    def all(self, limit: int = 200) -> list[FirmwareImage]:
        page = self._store.query(self._partition, limit=limit)
        return [image for item in page.items if (image := self.get(str(item["sk"]))) is not None]

    def chunk(self, image: FirmwareImage, index: int) -> bytes:
        start = index * image.chunk_size
        end = min(start + image.chunk_size, image.size)
        return self._objects.get_range(self._object_key(image.firmware_id), start, end)


class S3ObjectStore:
    def __init__(self, client: Any, bucket: str) -> None:
        self._client, self._bucket = client, bucket
        self._bucket_ready = False

    def put(self, key: str, body: bytes) -> None:
        if not self._bucket_ready:
            try:
                self._client.head_bucket(Bucket=self._bucket)
            except self._client.exceptions.ClientError:
                self._client.create_bucket(Bucket=self._bucket)
            self._bucket_ready = True
        self._client.put_object(Bucket=self._bucket, Key=key, Body=body)

    def get_range(self, key: str, start: int, end: int) -> bytes:
        reply = self._client.get_object(Bucket=self._bucket, Key=key, Range=f"bytes={start}-{end - 1}")
        body: bytes = reply["Body"].read()
        return body


class MemoryObjectStore:
    def __init__(self) -> None:
        self._objects: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def put(self, key: str, body: bytes) -> None:
        with self._lock:
            self._objects[key] = bytes(body)

    def get_range(self, key: str, start: int, end: int) -> bytes:
        with self._lock:
            return self._objects[key][start:end]
