"""Requests for an office's devices other than the secure module: the voucher printer and the IC
card reader. They travel on the same topics as the secure module's BridgeRequests, told apart by
`op`, with the same envelope: {version, op, args, correlation_id, office, tenant}; answers are the
bridge's one answer envelope (BridgeAnswer), {version, correlation_id, ok, result} or {..., ok: false,
error: {code, message}}.

Arguments per operation:
    print_voucher   {"voucher": Voucher}                 -> {"printed_at", "receipt_no"}
    read_card       {}                                   -> CardRead
    write_purchase  PurchaseWrite                        -> CardRead (the card after writing)
    make_card       {"content": CardContent}             -> CardRead
    device_status   {}                                   -> {"devices": [...]}
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, JsonValue, model_validator

from gridvend.iot.bridge_cards import CardContent, CardRead, PurchaseWrite
from gridvend.secure.bridge_messages import BRIDGE_SCHEMA_VERSION, BridgeAnswer

_NAME = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$"
_TOKEN = r"^[0-9]{20}$"

__all__ = ["CardContent", "CardRead", "PurchaseWrite"]


class DeviceOperation(StrEnum):
    PRINT_VOUCHER = "print_voucher"
    READ_CARD = "read_card"
    WRITE_PURCHASE = "write_purchase"
    MAKE_CARD = "make_card"
    DEVICE_STATUS = "device_status"


class DeviceErrorCode(StrEnum):
    INVALID_REQUEST = "INVALID_REQUEST"
    WRONG_OFFICE = "WRONG_OFFICE"
    DEVICE_NOT_CONFIGURED = "DEVICE_NOT_CONFIGURED"
    PRINTER_UNAVAILABLE = "PRINTER_UNAVAILABLE"
    CARD_READER_UNAVAILABLE = "CARD_READER_UNAVAILABLE"
    CARD_ABSENT = "CARD_ABSENT"
    CARD_UNREADABLE = "CARD_UNREADABLE"
    CARD_REFUSED = "CARD_REFUSED"  # the card does not allow this (wrong kind, wrong meter, credit still on it)
    DEVICE_FAILURE = "DEVICE_FAILURE"


class DeviceRequest(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    version: Literal[1] = BRIDGE_SCHEMA_VERSION
    op: DeviceOperation
    args: dict[str, JsonValue] = Field(default_factory=dict)
    correlation_id: str = Field(pattern=_NAME)
    office: str = Field(pattern=_NAME)
    tenant: str = Field(pattern=_NAME)


class DeviceError(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    code: DeviceErrorCode
    message: str = Field(default="", max_length=1000)


class DeviceResponse(BridgeAnswer[DeviceError]):
    """The answer to a printer or card reader request: the bridge's one envelope, with a DeviceError."""

    @classmethod
    def failed(cls, correlation_id: str, code: DeviceErrorCode, message: str = "") -> DeviceResponse:
        return cls.failure(correlation_id, DeviceError(code=code, message=message[:1000]))


class VoucherLine(BaseModel):
    """One priced line of a voucher: a charge item, VAT, debt recovered."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str = Field(min_length=1, max_length=40)
    amount: Decimal = Field(max_digits=14, decimal_places=4)


class Voucher(BaseModel):
    """What the customer takes home from a vend: the token(s) and the money they cost."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    receipt_no: str = Field(min_length=1, max_length=40)
    issued_at: datetime
    utility: str = Field(min_length=1, max_length=48)
    office: str = Field(default="", max_length=48)
    operator: str = Field(default="", max_length=48)
    customer_name: str = Field(default="", max_length=48)
    customer_code: str = Field(default="", max_length=40)
    meter_serial: str = Field(min_length=1, max_length=40)
    tariff: str = Field(default="", max_length=48)
    tokens: list[str] = Field(min_length=1, max_length=5)
    energy: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    energy_unit: str = Field(default="kWh", max_length=8)
    amount_paid: Decimal = Field(ge=0, max_digits=14, decimal_places=4)
    currency: str = Field(default="", max_length=8)
    lines: list[VoucherLine] = Field(default_factory=list, max_length=20)
    footer: list[str] = Field(default_factory=list, max_length=6)

    @model_validator(mode="after")
    def _tokens_are_twenty_digits(self) -> Self:
        if not all(len(token) == 20 and token.isdigit() for token in self.tokens):
            raise ValueError("tokens are 20 digits each")
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at carries its UTC offset")
        return self


def is_device_operation(op: object) -> bool:
    return isinstance(op, str) and op in DeviceOperation.__members__.values()
