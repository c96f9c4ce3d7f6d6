"""Where the software module's master key comes from: an environment variable or a parameter store.

The value is 32 bytes (AES-256) written as 64 hex digits or as base64. The parameter store is
reached through a function the caller passes in (e.g. Powertools' `get_parameter(name,
decrypt=True)` against SSM SecureString), so this module imports nothing from AWS.
"""

from __future__ import annotations

import base64
import binascii
import os
from collections.abc import Callable, Mapping

from gridvend.secure.errors import SecureModuleUnavailable
from gridvend.secure.key_wrapping import KEK_BYTES
from gridvend.secure.secret_bytes import SecretBytes

MASTER_KEY_VARIABLE = "GRIDVEND_SECURE_MASTER_KEY"


def parse_key_text(text: str, source: str) -> SecretBytes:
    """A 32-byte key from hex or base64 text; errors name the source, never the text."""
    cleaned = text.strip()
    material: bytes | None = None
    if len(cleaned) == 2 * KEK_BYTES:
        try:
            material = bytes.fromhex(cleaned)
        except ValueError:
            material = None
    if material is None:
        try:
            material = base64.b64decode(cleaned, validate=True)
        except (binascii.Error, ValueError):
            material = None
    if material is None or len(material) != KEK_BYTES:
        raise SecureModuleUnavailable(f"{source} does not hold a {KEK_BYTES}-byte key as hex or base64")
    return SecretBytes(material)


def master_key_from_environment(
    variable: str = MASTER_KEY_VARIABLE, environment: Mapping[str, str] | None = None
) -> SecretBytes:
    values = os.environ if environment is None else environment
    text = values.get(variable)
    if not text:
        raise SecureModuleUnavailable(f"the master key variable {variable} is not set")
    return parse_key_text(text, f"environment variable {variable}")


def master_key_from_parameter(
    parameter_name: str, read_secure_parameter: Callable[[str], str]
) -> SecretBytes:
    try:
        text = read_secure_parameter(parameter_name)
    except Exception as error:
        raise SecureModuleUnavailable(
            f"the master key parameter {parameter_name} could not be read ({type(error).__name__})"
        ) from None
    return parse_key_text(text, f"parameter {parameter_name}")
