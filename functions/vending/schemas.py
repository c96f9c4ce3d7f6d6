"""What a vend request carries, as the API accepts it."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

Serial = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9-]+$")
]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
IdempotencyKey = Annotated[str, StringConstraints(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9_.:\-]+$")]


class VendRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    meter: Serial
    amount: Decimal | None = Field(default=None, gt=0, max_digits=14)
    energy: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=1)
    payment_term: Code = "CASH"
    paid: Decimal | None = Field(default=None, ge=0, max_digits=14)
    cheque_number: Annotated[str, StringConstraints(max_length=40)] | None = None
    bank_id: Annotated[str, StringConstraints(max_length=40)] | None = None
    sales_point_id: Annotated[str, StringConstraints(max_length=40)] | None = None
    confirmed: bool = False
    deliver: Literal["remote"] | None = None  # "remote": the tokens also go straight to the meter (a task)

    @model_validator(mode="after")
    def _amount_or_energy(self) -> VendRequest:
        if (self.amount is None) == (self.energy is None):
            raise ValueError("give exactly one of amount (money paid) or energy (kWh wanted)")
        return self


class ModuleCreation(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    id: Annotated[str, StringConstraints(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    backend: Annotated[str, StringConstraints(pattern=r"^(software|bridge)$")] = "software"
    office: Annotated[str, StringConstraints(max_length=40, pattern=r"^[A-Za-z0-9_-]*$")] | None = None
    is_default: bool = False


class CreditTransfer(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Annotated[str, StringConstraints(pattern=r"^(replace|add|decrease)$")]
    energy_kwh: Decimal = Field(ge=0, max_digits=10, decimal_places=1)
