from decimal import Decimal

import pytest

from gridvend.billing import (
    PriceStep,
    ServiceRate,
    ServiceRateTariff,
    SinglePriceTariff,
    SteppedTariff,
    TouTariff,
)
from gridvend.errors import InvalidInput

NONE_BOUGHT = Decimal(0)


def test_seed_step_example_600_kwh_costs_445(step_tariff: SteppedTariff) -> None:
    assert step_tariff.cost_of(Decimal(600), NONE_BOUGHT) == Decimal(445)


def test_seed_step_example_445_buys_600_kwh(step_tariff: SteppedTariff) -> None:
    assert step_tariff.energy_for(Decimal(445), NONE_BOUGHT) == Decimal(600)


def test_energy_exactly_at_a_step_boundary_is_priced_by_the_lower_step(step_tariff: SteppedTariff) -> None:
    assert step_tariff.cost_of(Decimal(200), NONE_BOUGHT) == Decimal(120)
    assert step_tariff.energy_for(Decimal(120), NONE_BOUGHT) == Decimal(200)
    assert step_tariff.cost_of(Decimal("200.1"), NONE_BOUGHT) == Decimal("120.075")


def test_energy_bought_earlier_in_the_month_moves_a_purchase_up_the_steps(step_tariff: SteppedTariff) -> None:
    first = step_tariff.cost_of(Decimal(300), NONE_BOUGHT)
    second = step_tariff.cost_of(Decimal(300), Decimal(300))
    assert (first, second) == (Decimal(195), Decimal(250))  # 200*0.6+100*0.75 ; 200*0.75+100*1.0
    assert first + second == Decimal(445)
    assert step_tariff.energy_for(Decimal(250), Decimal(300)) == Decimal(300)


def test_a_purchase_starting_beyond_the_last_step_pays_the_last_price(step_tariff: SteppedTariff) -> None:
    assert step_tariff.cost_of(Decimal(10), Decimal(900)) == Decimal(10)
    assert step_tariff.energy_for(Decimal(10), Decimal(900)) == Decimal(10)


def test_a_bounded_last_step_extends_beyond_its_end() -> None:
    tariff = SteppedTariff(
        (PriceStep(Decimal(200), Decimal("0.6")), PriceStep(Decimal(1000), Decimal("1.3")))
    )
    assert tariff.cost_of(Decimal(1200), NONE_BOUGHT) == Decimal(120) + Decimal(1000) * Decimal("1.3")


def test_single_price() -> None:
    tariff = SinglePriceTariff(Decimal("0.6"))
    assert tariff.cost_of(Decimal(10), Decimal(5000)) == Decimal(6)
    assert tariff.energy_for(Decimal(6), NONE_BOUGHT) == Decimal(10)


def test_tou_scheme_is_sold_at_its_base_price() -> None:
    tariff = TouTariff(base_price=Decimal("0.75"))
    assert tariff.cost_of(Decimal(100), NONE_BOUGHT) == Decimal(75)


def test_service_rates_of_a_project_add_up_per_kwh() -> None:
    tariff = ServiceRateTariff(
        (
            ServiceRate("E1", "Energy", "electricity", Decimal("0.20")),
            ServiceRate("G1", "Grid levy", "electricity", Decimal("0.05")),
        )
    )
    assert tariff.price_per_kwh == Decimal("0.25")
    assert tariff.cost_of(Decimal(40), NONE_BOUGHT) == Decimal(10)


@pytest.mark.parametrize(
    "steps",
    [
        (),
        (PriceStep(Decimal(200), Decimal(0)),),
        (PriceStep(None, Decimal(1)), PriceStep(Decimal(500), Decimal(1))),
        (PriceStep(Decimal(500), Decimal(1)), PriceStep(Decimal(200), Decimal(1))),
        (PriceStep(Decimal(0), Decimal(1)),),
    ],
)
def test_malformed_steps_are_refused(steps: tuple[PriceStep, ...]) -> None:
    with pytest.raises(InvalidInput):
        SteppedTariff(steps)


def test_a_free_or_negative_price_is_refused() -> None:
    with pytest.raises(InvalidInput):
        SinglePriceTariff(Decimal(0))
    with pytest.raises(InvalidInput):
        TouTariff(Decimal(-1))
    with pytest.raises(InvalidInput):
        ServiceRateTariff(())
