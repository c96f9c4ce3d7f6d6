from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridvend.secure.credit import CreditTransferType, ModuleCredit, credit_drawn_by
from gridvend.secure.errors import CreditExhausted, CreditLimitExceeded, InvalidCreditAmount
from gridvend.sts.token_requests import ClearTamperToken, CreditToken

tenths = st.integers(min_value=0, max_value=17_999_999).map(lambda units: Decimal(units).scaleb(-1))


def test_transfers_follow_the_credit_page() -> None:
    credit = ModuleCredit(Decimal("500.0"))

    assert credit.transfer(CreditTransferType.REPLACE, Decimal(200)).balance == Decimal("200.0")
    assert credit.transfer(CreditTransferType.ADD, Decimal(200)).balance == Decimal("700.0")
    assert credit.transfer(CreditTransferType.DECREASE, Decimal(200)).balance == Decimal("300.0")


def test_credit_stays_below_the_module_limit() -> None:
    with pytest.raises(CreditLimitExceeded):
        ModuleCredit(Decimal("1799999.9")).add(Decimal("0.1"))
    with pytest.raises(CreditLimitExceeded):
        ModuleCredit().replace(Decimal(1_800_000))


def test_decrease_below_zero_is_refused() -> None:
    with pytest.raises(CreditExhausted):
        ModuleCredit(Decimal(5)).decrease(Decimal("5.1"))


def test_vend_draws_the_credit_down_to_zero_and_no_further() -> None:
    credit = ModuleCredit(Decimal("10.0"))

    empty = credit.draw(Decimal("10.0"))

    assert empty.balance == 0
    with pytest.raises(CreditExhausted) as exhausted:
        empty.draw(Decimal("0.1"))
    assert (exhausted.value.balance, exhausted.value.requested) == (Decimal(0), Decimal("0.1"))
    assert exhausted.value.status == 422


def test_draws_finer_than_a_tenth_round_up() -> None:
    assert ModuleCredit(Decimal(1)).draw(Decimal("0.01")).balance == Decimal("0.9")


@pytest.mark.parametrize("amount", [Decimal(-1), Decimal("NaN"), Decimal("Infinity"), Decimal("0.05"), 5])
def test_transfer_amounts_must_be_tenths_of_a_unit(amount: Decimal) -> None:
    with pytest.raises(InvalidCreditAmount):
        ModuleCredit().add(amount)


def test_credit_token_draws_what_the_token_carries() -> None:
    # 200001 tenths need exponent 2 (steps of 100 tenths above 180224): the token carries 20002.4 kWh.
    request = CreditToken(subclass=0, tid=1, random=0, amount=Decimal("20000.1"))

    assert credit_drawn_by(request) == Decimal("20002.4")
    assert credit_drawn_by(ClearTamperToken(tid=1, random=0)) == 0


@given(balance=tenths, drawn=tenths)
def test_a_draw_takes_exactly_its_amount_or_nothing(balance: Decimal, drawn: Decimal) -> None:
    credit = ModuleCredit(balance)

    if drawn <= balance:
        assert credit.draw(drawn).balance + drawn == balance
    else:
        with pytest.raises(CreditExhausted):
            credit.draw(drawn)


@given(balance=tenths)
def test_storage_in_tenths_round_trips(balance: Decimal) -> None:
    credit = ModuleCredit(balance)

    assert ModuleCredit.from_tenths(credit.to_tenths()) == credit
