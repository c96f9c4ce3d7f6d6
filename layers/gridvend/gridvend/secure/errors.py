"""Errors of the secure module. Messages name keys by SGC and KRN only, never by key material.

Each error carries a stable `code`; the bridge sends the code across the wire and the far side
rebuilds the same error type from it.
"""

from __future__ import annotations

from decimal import Decimal

from gridvend.errors import Conflict, GridvendError, InvalidInput, NotFound, Unprocessable


class SecureModuleFailure(GridvendError):
    """Base of every failure of the secure module; the generic code means an internal fault."""

    status = 500
    title = "Secure module failure"
    code = "MODULE_FAILURE"


class SecureModuleUnavailable(SecureModuleFailure):
    status = 503
    title = "Secure module unavailable"
    code = "MODULE_UNAVAILABLE"


class VendingKeyNotFound(SecureModuleFailure, NotFound):
    status = 404
    title = "Vending key not found"
    code = "KEY_NOT_FOUND"

    def __init__(self, sgc: str, krn: int) -> None:
        super().__init__(f"the secure module holds no vending key for SGC {sgc} KRN {krn}")
        self.sgc = sgc
        self.krn = krn


class KeyNotPermitted(SecureModuleFailure, Unprocessable):
    """An engineering (type E) vending key was asked for a credit token."""

    status = 422
    title = "Key not permitted"
    code = "KEY_NOT_PERMITTED"


class KeyFileInvalid(SecureModuleFailure, InvalidInput):
    """The key file is malformed, altered, or wrapped under a transport key this module lacks."""

    status = 400
    title = "Invalid key file"
    code = "KEY_FILE_INVALID"


class TokenRejected(SecureModuleFailure, Unprocessable):
    """A token did not decode under the meter's key (wrong key, bad CRC or bad format)."""

    status = 422
    title = "Token rejected"
    code = "TOKEN_REJECTED"


class InvalidCreditAmount(SecureModuleFailure, InvalidInput):
    status = 400
    title = "Invalid credit amount"
    code = "INVALID_CREDIT_AMOUNT"


class CreditExhausted(SecureModuleFailure, Unprocessable):
    """The module's credit does not cover the amount; transfer credit to the module first."""

    status = 422
    title = "Secure module credit exhausted"
    code = "CREDIT_EXHAUSTED"

    def __init__(self, balance: Decimal, requested: Decimal) -> None:
        super().__init__(f"secure module credit {balance} does not cover {requested}")
        self.balance = balance
        self.requested = requested


class CreditLimitExceeded(SecureModuleFailure, Conflict):
    status = 409
    title = "Secure module credit limit exceeded"
    code = "CREDIT_LIMIT_EXCEEDED"

    def __init__(self, resulting_balance: Decimal, limit: Decimal) -> None:
        super().__init__(f"credit would become {resulting_balance}; the module holds less than {limit}")
        self.resulting_balance = resulting_balance
        self.limit = limit


class BridgeFailure(SecureModuleFailure):
    """The office's bridge agent answered with a failure it did not classify further."""

    status = 502
    title = "Bridge agent failure"
    code = "BRIDGE_FAILURE"


class BridgeTimeout(BridgeFailure):
    status = 504
    title = "Bridge agent timeout"
    code = "BRIDGE_TIMEOUT"

    def __init__(self, office: str, operation: str, correlation_id: str) -> None:
        super().__init__(
            f"the bridge agent of office {office} did not answer {operation} in time "
            f"(correlation id {correlation_id})"
        )
        self.office = office
        self.operation = operation
        self.correlation_id = correlation_id


class BridgeRequestInvalid(SecureModuleFailure, InvalidInput):
    """A bridge message that does not follow the schema (named fields, never their values)."""

    status = 400
    title = "Invalid bridge request"
    code = "INVALID_REQUEST"


class WrongOffice(BridgeFailure):
    """A bridge agent received a request addressed to another office or tenant."""

    status = 502
    title = "Request for another office"
    code = "WRONG_OFFICE"
