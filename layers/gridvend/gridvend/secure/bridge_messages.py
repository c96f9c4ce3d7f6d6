"""Messages between the cloud and an office's bridge agent, which drives the office's secure module.

Request: {version, op, args, correlation_id, office, tenant}; response: {version, correlation_id,
ok, result} or {version, correlation_id, ok: false, error: {code, message, key}}. Messages carry
no key material: key files travel wrapped, and results hold tokens and key descriptions only.
Arguments and results per operation are in bridge_codec.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Generic, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

BRIDGE_SCHEMA_VERSION: Literal[1] = 1
_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"


class BridgeOperation(StrEnum):
    LOAD_KEY_FILE = "load_key_file"
    LIST_KEYS = "list_keys"
    SET_CURRENT_KEY = "set_current_key"
    DELETE_KEY = "delete_key"
    ISSUE_TOKEN = "issue_token"
    KEY_CHANGE = "key_change"
    DECODE_TOKEN = "decode_token"


class BridgeErrorCode(StrEnum):
    MODULE_FAILURE = "MODULE_FAILURE"
    MODULE_UNAVAILABLE = "MODULE_UNAVAILABLE"
    KEY_NOT_FOUND = "KEY_NOT_FOUND"
    KEY_NOT_PERMITTED = "KEY_NOT_PERMITTED"
    KEY_FILE_INVALID = "KEY_FILE_INVALID"
    TOKEN_REJECTED = "TOKEN_REJECTED"
    INVALID_REQUEST = "INVALID_REQUEST"
    WRONG_OFFICE = "WRONG_OFFICE"


class BridgeRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = BRIDGE_SCHEMA_VERSION
    op: BridgeOperation
    args: dict[str, JsonValue] = Field(default_factory=dict)
    correlation_id: str = Field(pattern=_NAME)
    office: str = Field(pattern=_NAME)
    tenant: str = Field(pattern=_NAME)


class ErrorKey(BaseModel):
    """The vending key an error is about (SGC and KRN only)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sgc: str
    krn: int


class BridgeError(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: BridgeErrorCode
    message: str = Field(default="", max_length=1000)
    key: ErrorKey | None = None


ErrorT = TypeVar("ErrorT", bound=BaseModel)


class BridgeAnswer(BaseModel, Generic[ErrorT]):
    """The one answer envelope of the bridge, for every device behind it: {version, correlation_id, ok,
    result} or {version, correlation_id, ok: false, error}. The secure module's answers carry a BridgeError
    (BridgeResponse), the printer's and card reader's a DeviceError (gridvend.iot.bridge_devices)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = BRIDGE_SCHEMA_VERSION
    correlation_id: str = Field(pattern=_NAME)
    ok: bool
    result: JsonValue = None
    error: ErrorT | None = None

    @model_validator(mode="after")
    def _result_or_error(self) -> Self:
        if self.ok == (self.error is not None):
            raise ValueError("a response is ok with a result, or not ok with an error")
        return self

    @classmethod
    def success(cls, correlation_id: str, result: Any) -> Self:
        return cls(correlation_id=correlation_id, ok=True, result=result)

    @classmethod
    def failure(cls, correlation_id: str, error: ErrorT) -> Self:
        return cls(correlation_id=correlation_id, ok=False, error=error)


class BridgeResponse(BridgeAnswer[BridgeError]):
    """The answer to a secure module operation."""
