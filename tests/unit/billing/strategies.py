"""Hypothesis strategies: any tariff, customer type and history the vend calculation may meet."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from gridvend.billing import (
    ChargeItem,
    ChargeMethod,
    CustomerTypeTerms,
    DebtRepayment,
    PayTypeChangeCarry,
    PriceStep,
    PurchaseHistory,
    PurchasePeriods,
    RepaymentMethod,
    SinglePriceTariff,
    SteppedTariff,
    Tariff,
    VendContext,
    VendPolicy,
    from_minor,
)

prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal(5), places=4)
percentages = st.decimals(min_value=Decimal(0), max_value=Decimal(30), places=2)
PERIOD_CHOICES = (
    PurchasePeriods(True, True, True),
    PurchasePeriods(False, True, True),
    PurchasePeriods(False, True, False),
    PurchasePeriods(False, False, False),
)


def money(decimals: int, max_minor: int) -> st.SearchStrategy[Decimal]:
    return st.integers(min_value=0, max_value=max_minor).map(lambda minor: from_minor(minor, decimals))


@st.composite
def tariffs(draw: st.DrawFn) -> Tariff:
    if draw(st.booleans()):
        return SinglePriceTariff(draw(prices))
    uppers = sorted(draw(st.lists(st.integers(min_value=1, max_value=800), max_size=3, unique=True)))
    steps = [PriceStep(Decimal(upper), draw(prices)) for upper in uppers]
    return SteppedTariff((*steps, PriceStep(None, draw(prices))))


@st.composite
def charge_items(draw: st.DrawFn) -> tuple[ChargeItem, ...]:
    methods = draw(st.lists(st.sampled_from(list(ChargeMethod)), max_size=4))
    items = []
    for index, method in enumerate(methods):
        is_percent = method is ChargeMethod.AMOUNT_PERCENT
        value = draw(percentages if is_percent else money(2, 2000))
        items.append(ChargeItem(f"C{index}", f"Charge {index}", method, value, taxed=draw(st.booleans())))
    return tuple(items)


@st.composite
def repayments(draw: st.DrawFn) -> DebtRepayment | None:
    method = draw(st.none() | st.sampled_from(list(RepaymentMethod)))
    if method is None:
        return None
    value = draw(percentages if method is RepaymentMethod.PERCENTAGE else money(2, 3000))
    return DebtRepayment(method, value)


@st.composite
def vend_contexts(draw: st.DrawFn) -> VendContext:
    decimals = draw(st.sampled_from([0, 1, 2]))
    periods = draw(st.sampled_from(PERIOD_CHOICES))
    month_energy = Decimal(0)
    if not periods.first_of_month:
        month_energy = Decimal(draw(st.integers(min_value=0, max_value=15000))) / 10
    terms = CustomerTypeTerms(
        vat_percent=draw(percentages),
        vending_charges=draw(charge_items()),
        repayment=draw(repayments()),
    )
    carry = PayTypeChangeCarry(
        prearranged=draw(money(decimals, 500)),
        receivable=draw(money(decimals, 500)),
        remain=draw(money(decimals, 500)),
    )
    history = PurchaseHistory(
        periods=periods,
        month_energy_kwh=month_energy,
        outstanding_debt=draw(money(decimals, 50000)),
        pay_type_change=carry,
        carried_credit=draw(money(decimals, 50)),
    )
    return VendContext(
        tariff=draw(tariffs()),
        terms=terms,
        history=history,
        policy=VendPolicy(decimals=decimals),
        pre_installed_amount=draw(money(2, 1000)),
    )
