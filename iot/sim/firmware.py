"""A meter's firmware receiver: chunks arrive one by one (possibly again, after a retry), the image is
checked against its SHA-256 when the last one is in, then the new version runs."""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from gridvend.ami.commands import FirmwareChunk


class FirmwareRejected(ValueError):
    pass


@dataclass
class FirmwareReceiver:
    firmware_id: str = ""
    chunks: dict[int, bytes] = field(default_factory=dict)

    def receive(self, chunk: FirmwareChunk) -> tuple[int, bool]:
        """Stores a chunk; returns (percent received, whether the image is complete and verified)."""
        if chunk.firmware_id != self.firmware_id:
            self.firmware_id, self.chunks = chunk.firmware_id, {}
        if chunk.chunk >= chunk.chunks:
            raise FirmwareRejected("chunk index past the last chunk")
        try:
            self.chunks[chunk.chunk] = base64.b64decode(chunk.data_b64, validate=True)
        except (binascii.Error, ValueError):
            raise FirmwareRejected("chunk data is not base64") from None
        percent = len(self.chunks) * 100 // chunk.chunks
        if len(self.chunks) < chunk.chunks:
            return percent, False
        image = b"".join(self.chunks[index] for index in range(chunk.chunks))
        self.chunks = {}
        if len(image) != chunk.size or hashlib.sha256(image).hexdigest() != chunk.sha256:
            raise FirmwareRejected("the image does not match its size and SHA-256")
        return 100, True
