"""The secure module: vending keys, decoder key derivation and token making behind one interface.

Backends: `SoftwareSecureModule` (keys wrapped under a master key), `Pkcs11SecureModule` in
`gridvend.secure.pkcs11_module` (imported on its own: it needs python-pkcs11) and
`BridgeSecureModule` (an office's module reached through its bridge agent). `ModuleCredit` is the
module's credit as a value the vending transaction stores. SECURITY.md explains where keys live.
"""

from gridvend.secure.bridge_messages import BridgeRequest, BridgeResponse
from gridvend.secure.bridge_module import BridgeSecureModule, BridgeTransport
from gridvend.secure.bridge_responder import BridgeResponder
from gridvend.secure.credit import CreditTransferType, ModuleCredit, credit_drawn_by
from gridvend.secure.errors import (
    BridgeFailure,
    BridgeTimeout,
    CreditExhausted,
    CreditLimitExceeded,
    KeyFileInvalid,
    KeyNotPermitted,
    SecureModuleFailure,
    SecureModuleUnavailable,
    TokenRejected,
    VendingKeyNotFound,
)
from gridvend.secure.interface import SecureModule
from gridvend.secure.key_file import KeyFile, TransportKey, parse_key_file, seal_key_file
from gridvend.secure.master_key import master_key_from_environment, master_key_from_parameter
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend.secure.token_reading import KeyChangeHeader, TokenReading
from gridvend.secure.vending_key import KeyRef, VendingKeyInfo, VendingKeyType

__all__ = [
    "BridgeFailure",
    "BridgeRequest",
    "BridgeResponder",
    "BridgeResponse",
    "BridgeSecureModule",
    "BridgeTimeout",
    "BridgeTransport",
    "CreditExhausted",
    "CreditLimitExceeded",
    "CreditTransferType",
    "KeyChangeHeader",
    "KeyFile",
    "KeyFileInvalid",
    "KeyNotPermitted",
    "KeyRef",
    "ModuleCredit",
    "SecretBytes",
    "SecureModule",
    "SecureModuleFailure",
    "SecureModuleUnavailable",
    "SoftwareSecureModule",
    "TokenReading",
    "TokenRejected",
    "TransportKey",
    "VendingKeyInfo",
    "VendingKeyNotFound",
    "VendingKeyType",
    "credit_drawn_by",
    "master_key_from_environment",
    "master_key_from_parameter",
    "parse_key_file",
    "seal_key_file",
]
