"""The key service that wraps software secure modules' data keys (gridvend.secure.data_keys): KMS where the
template names a key (GRIDVEND_VENDING_KEYS_KMS_KEY: the cloud and the local stack), the platform's master key in
a process without one (the in-process tests)."""

from __future__ import annotations

import functools
import os

from functions.common.master_key import secure_master_key
from gridvend.secure.data_keys import DataKeys, MasterKeyDataKeys
from gridvend.secure.kms_data_keys import KmsDataKeys

KMS_KEY_VARIABLE = "GRIDVEND_VENDING_KEYS_KMS_KEY"


def data_keys() -> DataKeys:
    key_id = os.environ.get(KMS_KEY_VARIABLE)
    if key_id:
        return _kms_data_keys(key_id)
    return MasterKeyDataKeys(secure_master_key())


@functools.lru_cache(maxsize=4)
def _kms_data_keys(key_id: str) -> KmsDataKeys:
    import boto3

    return KmsDataKeys(boto3.client("kms"), key_id)
