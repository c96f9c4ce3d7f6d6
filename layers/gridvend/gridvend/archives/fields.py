"""Field types shared by archive schemas."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.\-]+$")
]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, max_length=32, pattern=r"^[0-9+()\- ]*$")]
RecordId = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_\-]+$")]
Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=7, decimal_places=4)]


class MoneyMarker:
    """Marks a Decimal field as money: stored as integer minor units at the tenant's decimals."""


Money = Annotated[Decimal, Field(ge=0, max_digits=14), MoneyMarker()]
Quantity = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=4)]


class ArchiveInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    code: Code
    name: Name
    remark: Text = ""
