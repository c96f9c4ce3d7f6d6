"""Stock bill requests: meters into a branch's warehouse (new, returned, transferred in) and out of it
(for installation, to another branch). Meters come as a list of serials or a numeric serial range."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from gridvend.archives.fields import RecordId, Text
from gridvend.meters.identity import BaseDate, Dkga, Ea, Iin, KeyExpiry, KeyType, Krn, Sgc, Ti
from gridvend.meters.schemas import Serial
from gridvend.meters.states import MeterState

# One bill is checked in one DynamoDB transaction (at most 100 items): a write per meter, plus the bill,
# its audit entry and the reference counts of the branches and model involved.
MAX_METERS_PER_BILL = 90
LIMIT_REASON = (
    f"at most {MAX_METERS_PER_BILL} meters per bill: a bill is checked in one DynamoDB transaction, "
    "which holds at most 100 items; split the meters over several bills"
)


class SerialRange(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    first: Serial = Field(alias="from")
    last: Serial = Field(alias="to")


class StockLines(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    serials: list[Serial] | None = None
    serial_range: SerialRange | None = None
    date: dt.date | None = None
    remark: Text = ""


class StockInKind(StrEnum):
    NEW = "new"
    REPLACEMENT_RETURN = "replacement_return"
    CONTRACT_RETURN = "contract_return"
    UNUSED_RETURN = "unused_return"  # drawn for installation, brought back unused
    TRANSFER_IN = "transfer_in"  # stocked out to this branch by another


class StockCondition(StrEnum):
    GOOD = "good"
    MAINTENANCE = "maintenance"
    SCRAP = "scrap"


CONDITION_STATES = {
    StockCondition.GOOD: MeterState.IN_WAREHOUSE,
    StockCondition.MAINTENANCE: MeterState.MAINTENANCE,
    StockCondition.SCRAP: MeterState.SCRAPPED,
}
STOCK_IN_SOURCES: dict[StockInKind, tuple[MeterState, ...]] = {
    StockInKind.REPLACEMENT_RETURN: (MeterState.REPLACED,),
    StockInKind.CONTRACT_RETURN: (MeterState.REPLACED,),
    StockInKind.UNUSED_RETURN: (MeterState.OUT_FOR_INSTALLATION,),
    StockInKind.TRANSFER_IN: (MeterState.IN_TRANSIT,),
}


class StockInRequest(StockLines):
    kind: StockInKind = StockInKind.NEW
    branch_id: RecordId
    condition: StockCondition = StockCondition.GOOD
    source_bill: Annotated[str, StringConstraints(max_length=40)] = ""  # the replacement/transfer bill's number
    # New meters only: their model and STS identity (each meter's DRN is its serial).
    model_id: RecordId | None = None
    factory_date: dt.date | None = None
    iin: Iin | None = None
    sgc: Sgc | None = None
    ti: Ti | None = None
    krn: Krn | None = None
    key_type: KeyType | None = None
    ea: Ea | None = None
    dkga: Dkga | None = None
    base_date: BaseDate | None = None
    key_expiry: KeyExpiry | None = None


class StockOutKind(StrEnum):
    INSTALLATION = "installation"
    TO_BRANCH = "to_branch"


class StockOutRequest(StockLines):
    kind: StockOutKind = StockOutKind.INSTALLATION
    branch_id: RecordId
    to_branch_id: RecordId | None = None
    drawer: Annotated[str, StringConstraints(max_length=100)] = ""
