"""The payloads on the topics, as pydantic models: what a device sends (readings, events, command
acknowledgements) and what the cloud sends it (commands). Every uplink carries a message id the
device makes unique; a redelivered message carries the same id and is stored once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from gridvend.iot.obis import obis_item
from gridvend.meters.serials import SERIAL_PATTERN

MAX_PAYLOAD_BYTES = 128 * 1024  # IoT Core's message limit
MessageId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]{8,64}$")]
Serial = Annotated[str, StringConstraints(pattern=SERIAL_PATTERN.pattern)]
CommandId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-.#]{8,80}$")]
Scalar = str | int | float | bool | None


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a time needs its UTC offset (e.g. 2025-01-31T12:00:00Z)")
    return moment.astimezone(UTC)


UtcTime = Annotated[datetime, AfterValidator(_utc)]


def _known_codes(values: dict[str, Decimal]) -> dict[str, Decimal]:
    for code, value in values.items():
        obis_item(code)
        if not value.is_finite():
            raise ValueError(f"{code}: not a finite number")
    return values


Registers = Annotated[dict[str, Decimal], AfterValidator(_known_codes)]


class EventCode(StrEnum):
    POWER_OFF = "power_off"
    POWER_ON = "power_on"
    COVER_OPEN = "cover_open"
    COVER_CLOSED = "cover_closed"
    TAMPER = "tamper"
    LOW_CREDIT_1 = "low_credit_1"
    LOW_CREDIT_2 = "low_credit_2"
    CREDIT_EXHAUSTED = "credit_exhausted"
    RELAY_OPEN = "relay_open"
    RELAY_CLOSED = "relay_closed"
    OVERLOAD = "overload"
    TOKEN_ACCEPTED = "token_accepted"
    TOKEN_REJECTED = "token_rejected"
    MODULE_ONLINE = "module_online"
    MODULE_OFFLINE = "module_offline"
    FIRMWARE_UPDATED = "firmware_updated"


class CommandKind(StrEnum):
    RELAY_CONNECT = "relay_connect"
    RELAY_DISCONNECT = "relay_disconnect"
    FORCED_ON = "forced_on"
    FORCED_OFF = "forced_off"
    PREPAYMENT_RECOVERY = "prepayment_recovery"
    READ = "read"
    SET_POWER_THRESHOLD = "set_power_threshold"
    SET_ALARM_AMOUNTS = "set_alarm_amounts"
    SET_HOARDING_LIMIT = "set_hoarding_limit"
    PRICE_ISSUE = "price_issue"
    TOU_DOWNLOAD = "tou_download"
    SET_CT_PT_RATIO = "set_ct_pt_ratio"
    CHANGE_PASSWORD = "change_password"
    DELIVER_TOKEN = "deliver_token"
    DELIVER_VEND = "deliver_vend"  # a vend's tokens, in order, from its bill number
    FIRMWARE_UPGRADE = "firmware_upgrade"


class AckStatus(StrEnum):
    RECEIVED = "received"  # the device has the command and works on it
    PROGRESS = "progress"  # part of a long command is done (a firmware chunk)
    DONE = "done"
    FAILED = "failed"


class _Uplink(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    msg_id: MessageId
    meter: Serial
    at: UtcTime


class ReadingMessage(_Uplink):
    """Register values at one moment, by OBIS code (gridvend.iot.obis)."""

    registers: Registers = Field(min_length=1, max_length=64)


class EventMessage(_Uplink):
    code: EventCode
    value: Scalar = None
    detail: dict[Annotated[str, StringConstraints(max_length=40)], Scalar] = Field(default_factory=dict, max_length=16)


class AckMessage(_Uplink):
    command_id: CommandId
    status: AckStatus
    progress: int | None = Field(default=None, ge=0, le=100)
    reason: Annotated[str, StringConstraints(max_length=200)] = ""
    result: dict[Annotated[str, StringConstraints(max_length=40)], Scalar] = Field(default_factory=dict, max_length=64)

    @field_validator("result")
    @classmethod
    def _small(cls, result: dict[str, Scalar]) -> dict[str, Scalar]:
        for value in result.values():
            if isinstance(value, str) and len(value) > 200:
                raise ValueError("result values are at most 200 characters")
        return result


UplinkMessage = ReadingMessage | EventMessage | AckMessage


class CommandMessage(BaseModel):
    """A command to one meter, on its thing's down/cmd topic. A concentrator relays it to the meter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    command_id: CommandId
    meter: Serial
    kind: CommandKind
    params: dict[str, Any] = Field(default_factory=dict)
    attempt: int = Field(default=1, ge=1)
    sent_at: UtcTime


def wire_json(message: BaseModel) -> bytes:
    return message.model_dump_json(exclude_none=False).encode()



def utc_stamp(moment: datetime) -> str:
    """Fixed-width UTC time for keys and comparisons: 2025-01-31T12:00:00.000+00:00."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")
