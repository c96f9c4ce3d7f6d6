from decimal import Decimal

from gridvend.billing import SinglePriceTariff, SteppedTariff, deliverable_energy, floor_energy

NONE_BOUGHT = Decimal(0)


def test_floor_energy_rounds_down_to_a_tenth_of_a_kwh() -> None:
    assert floor_energy(Decimal("12.39")) == Decimal("12.3")
    assert floor_energy(Decimal("12.3")) == Decimal("12.3")


def test_deliverable_energy_never_costs_more_than_the_money() -> None:
    tariff = SinglePriceTariff(Decimal("1.3"))
    energy = deliverable_energy(tariff, Decimal("10.00"), NONE_BOUGHT)  # 7.69 kWh
    assert energy == Decimal("7.6")
    assert tariff.cost_of(energy, NONE_BOUGHT) <= Decimal(10)
    assert tariff.cost_of(energy + Decimal("0.1"), NONE_BOUGHT) > Decimal(10)


def test_money_that_buys_exactly_whole_tenths_gets_all_of_them() -> None:
    tariff = SinglePriceTariff(Decimal(3) / Decimal(7))  # a price whose inverse no Decimal holds exactly
    money = tariff.cost_of(Decimal("0.7"), NONE_BOUGHT)
    assert deliverable_energy(tariff, money, NONE_BOUGHT) == Decimal("0.7")
    assert deliverable_energy(tariff, money - Decimal("1e-20"), NONE_BOUGHT) == Decimal("0.6")


def test_stepped_deliverable_energy_follows_the_month_position(step_tariff: SteppedTariff) -> None:
    assert deliverable_energy(step_tariff, Decimal(445), NONE_BOUGHT) == Decimal(600)
    assert deliverable_energy(step_tariff, Decimal(250), Decimal(300)) == Decimal(300)


def test_no_money_buys_no_energy() -> None:
    assert deliverable_energy(SinglePriceTariff(Decimal(1)), Decimal(0), NONE_BOUGHT) == 0
