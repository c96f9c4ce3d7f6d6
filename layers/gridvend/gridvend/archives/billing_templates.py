"""The archive schema of a billing report template (seed 004 §6.1-6.2): list name, file type and sheet name,
and its fields, each a title and a value from gridvend.reports.billing.BILLING_FIELDS."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from gridvend.archives.fields import ArchiveInput

FIELD_VALUES = (
    "meter", "customer_code", "customer_name", "period_from", "period_to", "first_reading_at", "last_reading_at",
    "start_reading_kwh", "end_reading_kwh", "consumption_kwh", "export_kwh", "reading_days",
)


class BillingFieldInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: Annotated[str, StringConstraints(max_length=60)] = ""
    value: str

    @field_validator("value")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in FIELD_VALUES:
            raise ValueError(f"one of {', '.join(FIELD_VALUES)}")
        return value


class BillingTemplateInput(ArchiveInput):
    file_type: Literal["csv", "xlsx", "pdf"] = "xlsx"
    file_name: Annotated[str, StringConstraints(max_length=100, pattern=r"^[A-Za-z0-9 _.\-]*$")] = ""
    sheet_name: Annotated[str, StringConstraints(max_length=31)] = ""
    fields: Annotated[list[BillingFieldInput], Field(min_length=1, max_length=40)]
