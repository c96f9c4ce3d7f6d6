"""Request bodies for meters: a new meter, and the changes a PATCH may make."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

from gridvend.archives.fields import RecordId, Text
from gridvend.meters.identity import BaseDate, Dkga, Drn, Ea, Iin, KeyExpiry, KeyType, Krn, Sgc, StsIdentityInput, Ti
from gridvend.meters.serials import SERIAL_PATTERN
from gridvend.meters.states import MeterState


def _normal_text(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


Serial = Annotated[str, BeforeValidator(_normal_text), StringConstraints(pattern=SERIAL_PATTERN.pattern)]
Ratio = Annotated[int, Field(ge=1, le=100000)]
InitialState = Literal["in_warehouse", "maintenance", "scrapped"]


class MeterDetails(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    model_id: RecordId
    branch_id: RecordId | None = None
    ct_ratio: Ratio | None = None  # None: the meter model's
    pt_ratio: Ratio | None = None
    install_date: date | None = None
    factory_date: date | None = None
    remark: Text = ""


class NewMeter(StsIdentityInput, MeterDetails):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    serial: Serial
    state: InitialState = "in_warehouse"


class MeterPatch(BaseModel):
    """Only the fields sent change; `state` moves only between warehouse states (other moves come from bills)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    iin: Iin | None = None
    drn: Drn | None = None
    sgc: Sgc | None = None
    ti: Ti | None = None
    krn: Krn | None = None
    key_type: KeyType | None = None
    ea: Ea | None = None
    dkga: Dkga | None = None
    base_date: BaseDate | None = None
    key_expiry: KeyExpiry | None = None
    model_id: RecordId | None = None
    branch_id: RecordId | None = None
    ct_ratio: Ratio | None = None
    pt_ratio: Ratio | None = None
    install_date: date | None = None
    factory_date: date | None = None
    remark: Text | None = None
    state: MeterState | None = None
    reason: Annotated[str, StringConstraints(max_length=200)] = ""
    version: int | None = None


# Fields a PATCH may set to null (clearing them); every other field sent as null is refused.
CLEARABLE_FIELDS = frozenset({"branch_id", "install_date", "factory_date"})
READ_ONLY_FIELDS = ("ratio", "created_at", "updated_at", "transfer_to", "module_id", "concentrator_id")
