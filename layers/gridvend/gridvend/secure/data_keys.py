"""Per-module data keys: the key-encryption key a software secure module wraps its vending keys under.

A key service makes each data key and keeps it only wrapped, bound to its tenant and module (the encryption
context): KMS in the cloud and on the local stack (gridvend.secure.kms_data_keys), the platform's master key in
a process with no key service. The table holds the wrapped data key and the vending keys wrapped under the data
key, never either in the clear; a wrapped key copied to another module or tenant does not open.
"""

from __future__ import annotations

import json
import os
from typing import Protocol

from gridvend.secure.errors import SecureModuleFailure
from gridvend.secure.key_wrapping import KEK_BYTES, UnwrapError, unwrap_key, wrap_key
from gridvend.secure.secret_bytes import SecretBytes

DataKeyContext = dict[str, str]


def module_context(tenant_id: str, module_id: str) -> DataKeyContext:
    return {"tenant": tenant_id, "module": module_id}


class DataKeys(Protocol):
    def new_data_key(self, context: DataKeyContext) -> tuple[SecretBytes, bytes]:
        """A fresh data key and its wrapped form, bound to the context."""
        ...

    def open_data_key(self, wrapped: bytes, context: DataKeyContext) -> SecretBytes:
        """The data key, when `wrapped` was made for this context; SecureModuleFailure otherwise."""
        ...

    def rewrap(self, wrapped: bytes, context: DataKeyContext, new_context: DataKeyContext) -> bytes:
        """The same data key wrapped for another context (a module restored into another tenant)."""
        ...


class MasterKeyDataKeys:
    """Data keys wrapped under the platform's master key (AES key wrap bound to the context)."""

    def __init__(self, master_key: SecretBytes) -> None:
        self._master_key = master_key

    def new_data_key(self, context: DataKeyContext) -> tuple[SecretBytes, bytes]:
        data_key = SecretBytes(os.urandom(KEK_BYTES))
        return data_key, wrap_key(self._master_key, _binding(context), data_key)

    def open_data_key(self, wrapped: bytes, context: DataKeyContext) -> SecretBytes:
        try:
            return unwrap_key(self._master_key, _binding(context), wrapped)
        except UnwrapError:
            raise SecureModuleFailure(f"the data key of {_binding(context).decode()} does not open") from None


    def rewrap(self, wrapped: bytes, context: DataKeyContext, new_context: DataKeyContext) -> bytes:
        data_key = self.open_data_key(wrapped, context)
        try:
            return wrap_key(self._master_key, _binding(new_context), data_key)
        finally:
            data_key.wipe()


def _binding(context: DataKeyContext) -> bytes:
    return f"gridvend.data-key.v1|{json.dumps(context, sort_keys=True)}".encode()
