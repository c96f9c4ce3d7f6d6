"""A tenant's settings as the platform operator sets them."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo, available_timezones

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from gridvend.auth.context import PLATFORM_TENANT, TENANT_ID_PATTERN

LANGUAGES = ("en", "zh", "fr")
STS_BASE_DATES = (1993, 2014, 2035)


class TenantStatus(StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"


class TenantSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, StringConstraints(min_length=1, max_length=100)]
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    decimals: int = Field(ge=0, le=2)
    timezone: Annotated[str, StringConstraints(max_length=64)]
    languages: Annotated[list[str], Field(min_length=1, max_length=3)] = ["en"]
    region_levels: int = Field(default=3, ge=1, le=5)
    warn_amount: Decimal = Field(default=Decimal(0), ge=0, max_digits=14)
    sts_base_date: int = 2014

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value not in available_timezones():
            raise ValueError("not a known IANA time zone, e.g. Africa/Nairobi")
        return value

    @field_validator("languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        unknown = [language for language in value if language not in LANGUAGES]
        if unknown:
            raise ValueError(f"unsupported languages {unknown}; choose from {list(LANGUAGES)}")
        return list(dict.fromkeys(value))

    @field_validator("sts_base_date")
    @classmethod
    def _known_base_date(cls, value: int) -> int:
        if value not in STS_BASE_DATES:
            raise ValueError(f"one of {list(STS_BASE_DATES)}")
        return value

    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class TenantIdField(BaseModel):
    id: Annotated[str, StringConstraints(pattern=TENANT_ID_PATTERN.pattern)]

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value == PLATFORM_TENANT:
            raise ValueError("'platform' is reserved")
        return value
