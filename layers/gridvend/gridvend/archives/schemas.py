"""Input schemas of every archive kind. Reference fields end in `_id` / `_ids` and name another kind."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gridvend.archives.fields import (
    ArchiveInput,
    Code,
    Money,
    Percent,
    Phone,
    Quantity,
    RecordId,
    Text,
)

IdList = Annotated[list[RecordId], Field(max_length=50)]


class RegionLevelInput(ArchiveInput):
    level: int = Field(ge=1, le=5)


class RegionInput(ArchiveInput):
    parent_id: RecordId | None = None


class BranchInput(ArchiveInput):
    region_id: RecordId | None = None
    address: Text = ""
    phone: Phone = ""
    manager: Annotated[str, Field(max_length=100)] = ""


class SalesPointStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"


class SalesPointInput(ArchiveInput):
    branch_id: RecordId
    address: Text = ""
    phone: Phone = ""
    status: SalesPointStatus = SalesPointStatus.ACTIVE
    # The secure module that sells here (e.g. the office's own module behind its bridge); empty: the default one.
    secure_module_id: Annotated[str, Field(max_length=40, pattern=r"^[A-Za-z0-9_.:-]*$")] = ""


class PaymentTermInput(ArchiveInput):
    needs_bank_details: bool = False
    gives_change: bool = True
    is_default: bool = False


class BankInput(ArchiveInput):
    branch_name: Annotated[str, Field(max_length=100)] = ""
    account_number: Annotated[str, Field(max_length=40, pattern=r"^[A-Za-z0-9\- ]*$")] = ""
    swift: Annotated[str, Field(max_length=11, pattern=r"^[A-Z0-9]*$")] = ""


class ChargeMethod(StrEnum):
    PER_TIMES = "per_times"
    AMOUNT_PERCENT = "amount_percent"
    MONTHLY = "monthly"
    YEARLY = "yearly"


class ChargeItemInput(ArchiveInput):
    method: ChargeMethod
    amount: Money | None = None
    percent: Percent | None = None
    taxed: bool = False

    @model_validator(mode="after")
    def _value_matches_method(self) -> ChargeItemInput:
        if self.method is ChargeMethod.AMOUNT_PERCENT:
            if self.percent is None:
                raise ValueError("percent is required when method is amount_percent")
        elif self.amount is None:
            raise ValueError("amount is required for this method")
        return self


class DebtRepayment(StrEnum):
    NONE = "none"
    PER_TIMES = "per_times"
    MONTHLY = "monthly"
    YEARLY = "yearly"
    PERCENT = "percent"


class CustomerTypeInput(ArchiveInput):
    vat_percent: Percent = Decimal(0)
    charge_item_ids: IdList = []
    registration_charge_item_ids: IdList = []
    debt_repayment: DebtRepayment = DebtRepayment.NONE
    debt_repayment_amount: Money | None = None
    debt_repayment_percent: Percent | None = None


class Phase(StrEnum):
    SINGLE = "single"
    THREE = "three"


class MeterModelInput(ArchiveInput):
    manufacturer: Annotated[str, Field(max_length=100)] = ""
    phase: Phase = Phase.SINGLE
    prepaid: bool = True
    ct_ratio: int = Field(default=1, ge=1, le=100000)
    pt_ratio: int = Field(default=1, ge=1, le=100000)
    pre_installed_kwh: Quantity = Decimal(0)
    life_years: int = Field(default=10, ge=1, le=50)
    communication: Annotated[str, Field(max_length=20, pattern=r"^[a-z0-9_]*$")] = "none"


class ReplacementReasonInput(ArchiveInput):
    charge_item_ids: IdList = []


class EventTypeInput(ArchiveInput):
    alarm: bool = False
    severity: int = Field(default=1, ge=1, le=5)


class VoltageLevelInput(ArchiveInput):
    kilovolts: Quantity


class LineInput(ArchiveInput):
    parent_id: RecordId | None = None
    voltage_level_id: RecordId | None = None


class TransformerInput(ArchiveInput):
    line_id: RecordId
    capacity_kva: Quantity = Decimal(0)


class SiteInput(ArchiveInput):
    address: Text = ""
    latitude: Decimal | None = Field(default=None, ge=-90, le=90)
    longitude: Decimal | None = Field(default=None, ge=-180, le=180)


class ProjectInput(ArchiveInput):
    site_id: RecordId


class PowerGridInput(ArchiveInput):
    project_id: RecordId


class ServiceTypeInput(ArchiveInput):
    unit: Annotated[str, Field(max_length=20)] = "kWh"


class ServiceRateInput(ArchiveInput):
    service_type_id: RecordId
    price: Money


class VendAmountInput(ArchiveInput):
    amount: Money = Field(gt=0)


class TariffType(StrEnum):
    SINGLE = "single"
    STEP = "step"
    TOU = "tou"


class TariffStep(BaseModel):
    model_config = ConfigDict(extra="forbid")
    up_to_kwh: Quantity | None = None
    price: Money


class TouPeriod(BaseModel):
    model_config = ConfigDict(extra="forbid")
    start: Annotated[str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    rate_index: int = Field(ge=1, le=8)
    price: Money


class TariffInput(ArchiveInput):
    type: TariffType
    price: Money
    steps: Annotated[list[TariffStep], Field(max_length=10)] = []
    periods: Annotated[list[TouPeriod], Field(max_length=48)] = []

    @model_validator(mode="after")
    def _shape_matches_type(self) -> TariffInput:
        if self.type is TariffType.STEP:
            bounds = [step.up_to_kwh for step in self.steps]
            if len(bounds) < 2 or bounds[-1] is not None or any(b is None for b in bounds[:-1]):
                raise ValueError("steps need two or more bands, each with up_to_kwh but the last")
            finite = [b for b in bounds if b is not None]
            if finite != sorted(set(finite)):
                raise ValueError("step bounds must increase")
        if self.type is TariffType.TOU and not self.periods:
            raise ValueError("a TOU tariff needs periods")
        return self


class NumberingPart(StrEnum):
    PREFIX = "prefix"
    BRANCH = "branch"
    SALES_POINT = "sales_point"
    YEAR = "yyyy"
    YEAR_MONTH = "yyyymm"
    DATE = "yyyymmdd"


class NumberingReset(StrEnum):
    MONTHLY = "monthly"
    YEARLY = "yearly"
    NEVER = "never"


class NumberingRuleInput(ArchiveInput):
    code: Code  # the bill type it numbers: vend, register, cancel, stock_in, ...
    prefix: Annotated[str, Field(max_length=8, pattern=r"^[A-Z0-9]*$")] = ""
    parts: Annotated[list[NumberingPart], Field(max_length=5)] = [NumberingPart.PREFIX, NumberingPart.DATE]
    serial_digits: int = Field(default=6, ge=3, le=12)
    reset: NumberingReset = NumberingReset.NEVER


class RoleInput(ArchiveInput):
    permissions: Annotated[list[Annotated[str, Field(max_length=80)]], Field(max_length=400)] = []
