"""What each command kind takes (its params), checked the same way by the API and by meter firmware.

A meter password is a secret: it travels to the meter and is never stored, so a password change is
sent once and not retried from storage (see SECRET_PARAMS).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from gridvend.iot.messages import CommandKind
from gridvend.iot.obis import obis_item

FIRMWARE_CHUNK_BYTES = 4096
MAX_VEND_TOKENS = 8
Kwh = Annotated[Decimal, Field(ge=0, le=100000, decimal_places=3)]
Rate = Annotated[int, Field(ge=1, le=4)]


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NoParams(_Params):
    pass


class ReadParams(_Params):
    obis: list[str] = Field(min_length=1, max_length=32)

    @field_validator("obis")
    @classmethod
    def _known(cls, codes: list[str]) -> list[str]:
        for code in codes:
            obis_item(code)
        return list(dict.fromkeys(codes))


class PowerThresholdParams(_Params):
    watts: int = Field(ge=0, le=1_000_000)


class AlarmAmountsParams(_Params):
    alarm_1_kwh: Kwh
    alarm_2_kwh: Kwh

    @model_validator(mode="after")
    def _ordered(self) -> AlarmAmountsParams:
        if self.alarm_2_kwh > self.alarm_1_kwh:
            raise ValueError("alarm_2_kwh must not exceed alarm_1_kwh (alarm 2 is the later, lower one)")
        return self


class HoardingLimitParams(_Params):
    kwh: Annotated[Decimal, Field(gt=0, le=100000, decimal_places=3)]


class PriceIssueParams(_Params):
    prices: dict[Rate, Annotated[Decimal, Field(ge=0, le=100000, decimal_places=4)]] = Field(min_length=1)


class TouSegment(_Params):
    start: Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
    rate: Rate

    @property
    def minute(self) -> int:
        hours, minutes = self.start.split(":")
        return int(hours) * 60 + int(minutes)


class TouDownloadParams(_Params):
    segments: list[TouSegment] = Field(min_length=1, max_length=12)

    @model_validator(mode="after")
    def _a_day(self) -> TouDownloadParams:
        minutes = [segment.minute for segment in self.segments]
        if minutes[0] != 0:
            raise ValueError("the first segment starts at 00:00")
        if minutes != sorted(set(minutes)):
            raise ValueError("segments start in increasing order")
        return self


class CtPtRatioParams(_Params):
    ct: int = Field(ge=1, le=10000)
    pt: int = Field(ge=1, le=10000)


class ChangePasswordParams(_Params):
    level: int = Field(ge=1, le=3)
    password: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{4,16}$")] = Field(repr=False)


class DeliverTokenParams(_Params):
    token: str

    @field_validator("token")
    @classmethod
    def _twenty_digits(cls, token: str) -> str:
        digits = re.sub(r"[\s-]", "", token)
        if not re.fullmatch(r"\d{20}", digits):
            raise ValueError("a token is 20 digits")
        return digits


class DeliverVendParams(_Params):
    """What an operator gives: the vend's bill number. The cloud looks its tokens up when it sends."""

    bill: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-/]{1,64}$")]


class VendTokens(_Params):
    """What the meter receives for a vend: its tokens in the order they must be entered (key change first)."""

    bill: str
    tokens: list[str] = Field(min_length=1, max_length=MAX_VEND_TOKENS)

    @field_validator("tokens")
    @classmethod
    def _twenty_digits(cls, tokens: list[str]) -> list[str]:
        if not all(re.fullmatch(r"\d{20}", token) for token in tokens):
            raise ValueError("a token is 20 digits")
        return tokens


class FirmwareUpgradeParams(_Params):
    firmware_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]{1,40}$")]


class FirmwareChunk(_Params):
    """What the meter receives for one piece of a firmware image (the cloud splits the upgrade)."""

    firmware_id: str
    version: int = Field(ge=0)
    chunk: int = Field(ge=0)
    chunks: int = Field(ge=1, le=100_000)
    size: int = Field(ge=1)
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
    data_b64: str


PARAMS: dict[CommandKind, type[_Params]] = {
    CommandKind.RELAY_CONNECT: NoParams,
    CommandKind.RELAY_DISCONNECT: NoParams,
    CommandKind.FORCED_ON: NoParams,
    CommandKind.FORCED_OFF: NoParams,
    CommandKind.PREPAYMENT_RECOVERY: NoParams,
    CommandKind.READ: ReadParams,
    CommandKind.SET_POWER_THRESHOLD: PowerThresholdParams,
    CommandKind.SET_ALARM_AMOUNTS: AlarmAmountsParams,
    CommandKind.SET_HOARDING_LIMIT: HoardingLimitParams,
    CommandKind.PRICE_ISSUE: PriceIssueParams,
    CommandKind.TOU_DOWNLOAD: TouDownloadParams,
    CommandKind.SET_CT_PT_RATIO: CtPtRatioParams,
    CommandKind.CHANGE_PASSWORD: ChangePasswordParams,
    CommandKind.DELIVER_TOKEN: DeliverTokenParams,
    CommandKind.DELIVER_VEND: DeliverVendParams,
    CommandKind.FIRMWARE_UPGRADE: FirmwareUpgradeParams,
}
UNSHADOWED = frozenset({CommandKind.CHANGE_PASSWORD, CommandKind.READ, CommandKind.DELIVER_TOKEN,
                        CommandKind.DELIVER_VEND})
SECRET_PARAMS: dict[CommandKind, tuple[str, ...]] = {CommandKind.CHANGE_PASSWORD: ("password",)}
# Relay and parameter state a command sets, for the device shadow's desired section.
DESIRED_RELAY = {
    CommandKind.RELAY_CONNECT: {"relay": "closed"},
    CommandKind.RELAY_DISCONNECT: {"relay": "open"},
    CommandKind.FORCED_ON: {"mode": "forced_on"},
    CommandKind.FORCED_OFF: {"mode": "forced_off"},
    CommandKind.PREPAYMENT_RECOVERY: {"mode": "prepayment"},
}


def params_model(kind: CommandKind) -> type[_Params]:
    return PARAMS[kind]


def stored_params(kind: CommandKind, params: _Params) -> dict[str, Any]:
    """The params as kept with the task: JSON types, secrets masked."""
    shown: dict[str, Any] = params.model_dump(mode="json")
    for name in SECRET_PARAMS.get(kind, ()):
        if name in shown:
            shown[name] = "***"
    return shown


def desired_state(kind: CommandKind, params: _Params) -> dict[str, Any]:
    """What the command asks the meter to be, in the shadow's terms (empty: nothing shadowed)."""
    if kind in DESIRED_RELAY:
        return dict(DESIRED_RELAY[kind])
    if kind in UNSHADOWED:
        return {}
    if kind is CommandKind.FIRMWARE_UPGRADE:
        return {"firmware_id": getattr(params, "firmware_id", None)}
    return {kind.value.removeprefix("set_"): params.model_dump(mode="json")}
