"""A holder for key material that never shows its bytes in repr(), str(), logs or pickles."""

from __future__ import annotations

import hmac
from typing import NoReturn


class SecretBytes:
    """Key material. Read it with `reveal()` at the point of use; `wipe()` overwrites the copy held here.

    Python cannot promise that no other copy exists (bytes objects are immutable), so wiping is
    best effort: it shortens the time the holder keeps the secret, not the lifetime of every copy.
    """

    __slots__ = ("_material",)

    def __init__(self, material: bytes | bytearray) -> None:
        self._material = bytearray(material)

    @classmethod
    def from_hex(cls, hex_text: str) -> SecretBytes:
        try:
            return cls(bytes.fromhex(hex_text))
        except ValueError:
            raise ValueError("key material is not valid hexadecimal") from None

    def reveal(self) -> bytes:
        return bytes(self._material)

    def __len__(self) -> int:
        return len(self._material)

    def wipe(self) -> None:
        for index in range(len(self._material)):
            self._material[index] = 0

    def __repr__(self) -> str:
        return f"SecretBytes(<{len(self._material)} bytes redacted>)"

    __str__ = __repr__

    def __format__(self, format_spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SecretBytes):
            return NotImplemented
        return hmac.compare_digest(self._material, other._material)

    def __reduce__(self) -> NoReturn:
        raise TypeError("SecretBytes cannot be pickled")
