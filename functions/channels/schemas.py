"""What the channel routes accept."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from functions.vending.schemas import Serial

Identifier = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
MessageId = Annotated[str, StringConstraints(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
Money = Annotated[Decimal, Field(gt=0, max_digits=14)]


class CommissionBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["none", "percent", "fixed"] = "none"
    value: Decimal = Field(default=Decimal(0), ge=0, max_digits=10)


class AgentCreation(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: Identifier
    name: Name
    kind: Literal["agent", "vendor"] = "agent"
    sales_point: Identifier
    commission: CommissionBody = CommissionBody()
    contact: Annotated[str, StringConstraints(max_length=100)] | None = None


class AgentChange(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: Name | None = None
    sales_point: Identifier | None = None
    commission: CommissionBody | None = None
    status: Literal["active", "suspended"] | None = None
    contact: Annotated[str, StringConstraints(max_length=100)] | None = None


class FloatChange(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    type: Literal["top-up", "withdrawal"]
    amount: Money
    reference: Annotated[str, StringConstraints(max_length=60)] = ""


class AgentVend(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    meter: Serial
    amount: Money


class VendorConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    message_id: MessageId
    meter: Serial


class VendorCreditVend(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    message_id: MessageId
    meter: Serial
    amount: Money


class VendorReversal(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    message_id: MessageId
    original_message_id: MessageId
