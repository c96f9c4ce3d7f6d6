"""Engineering (management) tokens: what each kind needs, which permission it takes, and the token request it
makes. Pure.

Kinds (seed 000 §3.6): key change (to another key revision, type or base date: the 2014 rollover), maximum power
limit, clear credit, clear tamper, maximum phase power unbalance limit, free credit (class 0 credit at no charge)
and test / display (class 1, not meter-specific). Class 2 and credit tokens take the meter's next TID from the
same vend state as sales; key change tokens carry no TID, and a rollover clears the meter's TID memory.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from gridvend.sts.keys import MeterKeyIdentity
from gridvend.sts.tid import base_datetime
from gridvend.sts.token_requests import (
    ALL_REGISTERS,
    ClearCreditToken,
    ClearTamperToken,
    CreditToken,
    PhaseUnbalanceLimitToken,
    PowerLimitToken,
    TokenRequest,
)
from gridvend.vending.rollover import NEXT_BASE_DATE


class EngineeringKind(StrEnum):
    KEY_CHANGE = "key-change"
    POWER_LIMIT = "power-limit"
    CLEAR_CREDIT = "clear-credit"
    CLEAR_TAMPER = "clear-tamper"
    PHASE_UNBALANCE = "phase-unbalance"
    FREE_CREDIT = "free-credit"
    TEST = "test"

    @property
    def permission(self) -> str:
        """The action of module `engineering-tokens` that allows this kind (named alike)."""
        return self.value

    @property
    def takes_tid(self) -> bool:
        return self not in (EngineeringKind.KEY_CHANGE, EngineeringKind.TEST)


Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class EngineeringOrder(BaseModel):
    """What to make, for whom it is made and why (the meters are named apart: one, a range or a file)."""

    model_config = ConfigDict(extra="forbid")
    kind: EngineeringKind
    reason: Reason
    watts: Decimal | None = Field(default=None, gt=0, max_digits=9, decimal_places=0)
    credit_register: int = Field(default=ALL_REGISTERS, ge=0, le=0xFFFF)
    energy: Decimal | None = Field(default=None, gt=0, max_digits=9, decimal_places=1)
    to_krn: int | None = Field(default=None, ge=1, le=9)
    to_key_type: Literal[0, 1, 2, 3] | None = None
    rollover: bool = False
    key_expiry: int = Field(default=255, ge=0, le=255)
    test_subclass: Literal[0, 1] = 0
    control: int = Field(default=0, ge=0, le=(1 << 36) - 1)
    manufacturer: int = Field(default=0, ge=0, le=0xFFFF)

    @model_validator(mode="after")
    def _fields_of_kind(self) -> EngineeringOrder:
        kind = self.kind
        if kind in (EngineeringKind.POWER_LIMIT, EngineeringKind.PHASE_UNBALANCE) and self.watts is None:
            raise ValueError("watts is required for a power or phase unbalance limit")
        if kind is EngineeringKind.FREE_CREDIT and self.energy is None:
            raise ValueError("energy (kWh) is required for free credit")
        if (
            kind is EngineeringKind.KEY_CHANGE
            and self.to_krn is None
            and not self.rollover
            and self.to_key_type is None
        ):
            raise ValueError("a key change needs to_krn, to_key_type or rollover")
        if kind is EngineeringKind.TEST:
            if self.test_subclass == 0 and self.manufacturer > 0xFF:
                raise ValueError("test subclass 0 takes an 8-bit manufacturer code")
            if self.test_subclass == 1 and self.control >= 1 << 28:
                raise ValueError("test subclass 1 takes a 28-bit control")
        return self


@dataclass(frozen=True)
class KeyChangePlan:
    old: MeterKeyIdentity
    new: MeterKeyIdentity

    @property
    def rollover(self) -> bool:
        return self.new.base_date != self.old.base_date


class KeyChangeRefused(ValueError):
    pass


def key_change_plan(order: EngineeringOrder, identity: MeterKeyIdentity, local_now: datetime) -> KeyChangePlan:
    """The meter's identity after the key change; a rollover only once the next base date has begun."""
    base_date = identity.base_date
    krn = order.to_krn if order.to_krn is not None else identity.krn
    if order.rollover:
        if base_date not in NEXT_BASE_DATE:
            raise KeyChangeRefused(f"a meter on base date {base_date} has no later base date to roll over to")
        base_date = NEXT_BASE_DATE[base_date]
        if base_datetime(base_date) > local_now:
            raise KeyChangeRefused(f"base date {base_date} has not begun: TIDs cannot count from it yet")
        if order.to_krn is None:
            krn = identity.krn + 1
    if krn > 9:
        raise KeyChangeRefused("the meter is at the last key revision")
    key_type = order.to_key_type if order.to_key_type is not None else identity.key_type
    new = replace(identity, krn=krn, base_date=base_date, key_type=key_type)
    if new == identity:
        raise KeyChangeRefused("the key change would leave the meter's key as it is")
    return KeyChangePlan(identity, new)


def token_request(order: EngineeringOrder, tid: int, random: int) -> TokenRequest:
    """The class 0 / class 2 request of a kind that takes a TID; InvalidField when its amount cannot be carried."""
    request = _request_of_kind(order, tid, random)
    request.field16()
    return request


def _request_of_kind(order: EngineeringOrder, tid: int, random: int) -> TokenRequest:
    kind = order.kind
    if kind is EngineeringKind.POWER_LIMIT:
        assert order.watts is not None
        return PowerLimitToken(tid=tid, random=random, watts=order.watts)
    if kind is EngineeringKind.PHASE_UNBALANCE:
        assert order.watts is not None
        return PhaseUnbalanceLimitToken(tid=tid, random=random, watts=order.watts)
    if kind is EngineeringKind.CLEAR_CREDIT:
        return ClearCreditToken(tid=tid, random=random, register=order.credit_register)
    if kind is EngineeringKind.CLEAR_TAMPER:
        return ClearTamperToken(tid=tid, random=random)
    if kind is EngineeringKind.FREE_CREDIT:
        assert order.energy is not None
        return CreditToken(subclass=0, tid=tid, random=random, amount=order.energy)
    raise ValueError(f"{kind.value} tokens take no TID")
