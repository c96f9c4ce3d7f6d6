"""Data keys from KMS (see gridvend.secure.data_keys): GenerateDataKey and Decrypt under one customer managed key,
with the tenant and module as the encryption context, so a key policy can allow only the selling functions to
open them. The KMS client is passed in (a boto3 `kms` client); this module imports nothing from AWS itself."""

from __future__ import annotations

from typing import Any

from gridvend.secure.data_keys import DataKeyContext
from gridvend.secure.errors import SecureModuleFailure
from gridvend.secure.secret_bytes import SecretBytes


class KmsDataKeys:
    def __init__(self, client: Any, key_id: str) -> None:
        self._client = client
        self._key_id = key_id

    def new_data_key(self, context: DataKeyContext) -> tuple[SecretBytes, bytes]:
        reply = self._client.generate_data_key(KeyId=self._key_id, KeySpec="AES_256", EncryptionContext=context)
        return SecretBytes(reply["Plaintext"]), bytes(reply["CiphertextBlob"])

    def open_data_key(self, wrapped: bytes, context: DataKeyContext) -> SecretBytes:
        errors = self._client.exceptions
        try:
            reply = self._client.decrypt(CiphertextBlob=wrapped, EncryptionContext=context, KeyId=self._key_id)
        except (errors.InvalidCiphertextException, errors.IncorrectKeyException, errors.NotFoundException):
            raise SecureModuleFailure(
                f"the data key of module {context.get('module')!r} does not open: load its key file again"
            ) from None
        return SecretBytes(reply["Plaintext"])

    def rewrap(self, wrapped: bytes, context: DataKeyContext, new_context: DataKeyContext) -> bytes:
        """ReEncrypt: KMS opens and wraps again inside itself; the data key never leaves it in the clear."""
        reply = self._client.re_encrypt(
            CiphertextBlob=wrapped, SourceEncryptionContext=context, SourceKeyId=self._key_id,
            DestinationKeyId=self._key_id, DestinationEncryptionContext=new_context,
        )
        return bytes(reply["CiphertextBlob"])
