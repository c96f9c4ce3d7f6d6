"""Engineering orders: the fields each kind needs, key change plans, token requests that fit their fields."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from gridvend.sts.errors import InvalidField
from gridvend.sts.keys import MeterKeyIdentity
from gridvend.sts.token_requests import ClearCreditToken, CreditToken, PowerLimitToken
from gridvend.vending.engineering import (
    EngineeringKind,
    EngineeringOrder,
    KeyChangeRefused,
    key_change_plan,
    token_request,
)

NOW = datetime(2025, 6, 1, 12, 0)
IDENTITY = MeterKeyIdentity(iin="600727", drn="01234567890", key_type=2, sgc="123456", ti=1, krn=1, base_date=1993)


def test_each_kind_asks_for_its_fields() -> None:
    with pytest.raises(ValidationError):
        EngineeringOrder(kind=EngineeringKind.POWER_LIMIT, reason="r")
    with pytest.raises(ValidationError):
        EngineeringOrder(kind=EngineeringKind.FREE_CREDIT, reason="r")
    with pytest.raises(ValidationError):
        EngineeringOrder(kind=EngineeringKind.KEY_CHANGE, reason="r")
    with pytest.raises(ValidationError):
        EngineeringOrder(kind=EngineeringKind.CLEAR_TAMPER, reason=" ")


def test_rollover_plan_moves_to_2014_with_the_next_revision_and_not_to_2035_yet() -> None:
    order = EngineeringOrder(kind=EngineeringKind.KEY_CHANGE, reason="r", rollover=True)
    plan = key_change_plan(order, IDENTITY, NOW)
    assert (plan.new.base_date, plan.new.krn, plan.rollover) == (2014, 2, True)
    with pytest.raises(KeyChangeRefused):
        key_change_plan(order, plan.new, NOW)
    same = EngineeringOrder(kind=EngineeringKind.KEY_CHANGE, reason="r", to_krn=1)
    with pytest.raises(KeyChangeRefused):
        key_change_plan(same, IDENTITY, NOW)


def test_token_requests_of_each_kind() -> None:
    power = EngineeringOrder(kind=EngineeringKind.POWER_LIMIT, reason="r", watts=Decimal(5000))
    assert isinstance(token_request(power, 7, 1), PowerLimitToken)
    free = EngineeringOrder(kind=EngineeringKind.FREE_CREDIT, reason="r", energy=Decimal("2.5"))
    assert token_request(free, 7, 1) == CreditToken(subclass=0, tid=7, random=1, amount=Decimal("2.5"))
    clear = EngineeringOrder(kind=EngineeringKind.CLEAR_CREDIT, reason="r", credit_register=0)
    assert token_request(clear, 7, 1) == ClearCreditToken(tid=7, random=1, register=0)
    too_big = EngineeringOrder(kind=EngineeringKind.POWER_LIMIT, reason="r", watts=Decimal(99_999_999))
    with pytest.raises(InvalidField):
        token_request(too_big, 7, 1)
    with pytest.raises(ValueError):
        token_request(EngineeringOrder(kind=EngineeringKind.TEST, reason="r"), 7, 1)
