"""The platform's master key (it wraps secure-module keys and seals channel secrets): from an SSM SecureString
parameter in the cloud (GRIDVEND_SECURE_MASTER_KEY_PARAMETER), from the environment locally. Read once."""

from __future__ import annotations

import functools
import os

import boto3

from gridvend.secure.master_key import master_key_from_environment, master_key_from_parameter
from gridvend.secure.secret_bytes import SecretBytes

PARAMETER_VARIABLE = "GRIDVEND_SECURE_MASTER_KEY_PARAMETER"


def _read_secure_parameter(name: str) -> str:
    reply = boto3.client("ssm").get_parameter(Name=name, WithDecryption=True)
    return str(reply["Parameter"]["Value"])


@functools.lru_cache(maxsize=1)
def _from_parameter(name: str) -> SecretBytes:
    return master_key_from_parameter(name, _read_secure_parameter)


def secure_master_key() -> SecretBytes:
    parameter = os.environ.get(PARAMETER_VARIABLE)
    return _from_parameter(parameter) if parameter else master_key_from_environment()
