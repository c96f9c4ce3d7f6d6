"""Tariffs: what energy costs. Single price, stepped (block) prices over the month, TOU, service rates.

Every tariff answers two exact questions for a purchase that starts after `month_energy_before_kwh`
already bought this calendar month: what does this much energy cost, and how much energy does this
much money buy. Only stepped prices care about the month's energy; the others ignore it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from gridvend.errors import InvalidInput

ZERO = Decimal(0)


class Tariff(Protocol):
    def cost_of(self, energy_kwh: Decimal, month_energy_before_kwh: Decimal) -> Decimal:
        """Exact (unrounded) money for `energy_kwh` bought after the month's earlier purchases."""
        ...

    def energy_for(self, money: Decimal, month_energy_before_kwh: Decimal) -> Decimal:
        """Energy that `money` buys, to Decimal precision; callers re-check it with cost_of."""
        ...


def _require_positive_price(price: Decimal, field_name: str) -> None:
    if not price > 0:
        raise InvalidInput.for_field(field_name, f"price must be above zero, not {price}")


class FlatPriceTariff(ABC):
    """Shared arithmetic of tariffs with one price per kWh whatever the month's energy."""

    @property
    @abstractmethod
    def price_per_kwh(self) -> Decimal: ...

    def cost_of(self, energy_kwh: Decimal, month_energy_before_kwh: Decimal) -> Decimal:
        return energy_kwh * self.price_per_kwh

    def energy_for(self, money: Decimal, month_energy_before_kwh: Decimal) -> Decimal:
        return money / self.price_per_kwh


@dataclass(frozen=True)
class SinglePriceTariff(FlatPriceTariff):
    price: Decimal

    def __post_init__(self) -> None:
        _require_positive_price(self.price, "price")

    @property
    def price_per_kwh(self) -> Decimal:
        return self.price


@dataclass(frozen=True)
class TouTariff(FlatPriceTariff):
    """Time-of-use scheme: the meter applies the period prices itself; we sell at the base price.

    The day/week/season/holiday tables and the index prices travel to the meter with the scheme.
    """

    base_price: Decimal

    def __post_init__(self) -> None:
        _require_positive_price(self.base_price, "base_price")

    @property
    def price_per_kwh(self) -> Decimal:
        return self.base_price


@dataclass(frozen=True)
class ServiceRate:
    """One rate of a project's service type, per kWh (an energy rate, a levy, a service fee)."""

    code: str
    name: str
    service_type: str
    price_per_kwh: Decimal


@dataclass(frozen=True)
class ServiceRateTariff(FlatPriceTariff):
    """The rates associated with a project; a kWh costs the sum of them."""

    rates: tuple[ServiceRate, ...]

    def __post_init__(self) -> None:
        if not self.rates:
            raise InvalidInput.for_field("rates", "a project needs at least one service rate")
        for rate in self.rates:
            if rate.price_per_kwh < 0:
                raise InvalidInput.for_field("rates", f"rate {rate.code} is negative")
        _require_positive_price(self.price_per_kwh, "rates")

    @property
    def price_per_kwh(self) -> Decimal:
        return sum((rate.price_per_kwh for rate in self.rates), ZERO)


@dataclass(frozen=True)
class PriceStep:
    """A block of the month's energy up to `upper_kwh` (None: no upper end) at `price` per kWh."""

    upper_kwh: Decimal | None
    price: Decimal


@dataclass(frozen=True)
class SteppedTariff:
    """Block prices accumulated over the calendar month across purchases.

    Steps start at 0 kWh, each ends where the next begins. Energy beyond the last step's upper end
    is sold at the last step's price.
    """

    steps: tuple[PriceStep, ...]

    def __post_init__(self) -> None:
        if not self.steps:
            raise InvalidInput.for_field("steps", "a stepped tariff needs at least one step")
        lower = ZERO
        for index, step in enumerate(self.steps):
            _require_positive_price(step.price, f"steps[{index}].price")
            is_last = index == len(self.steps) - 1
            if step.upper_kwh is None and not is_last:
                raise InvalidInput.for_field(f"steps[{index}]", "only the last step may be open-ended")
            if step.upper_kwh is not None:
                if step.upper_kwh <= lower:
                    raise InvalidInput.for_field(f"steps[{index}]", "steps must end above where they start")
                lower = step.upper_kwh

    def _blocks(self) -> Iterator[tuple[Decimal, Decimal | None, Decimal]]:
        """(lower, upper or None, price) for each block, the last one open-ended."""
        lower = ZERO
        for index, step in enumerate(self.steps):
            upper = None if index == len(self.steps) - 1 else step.upper_kwh
            yield lower, upper, step.price
            if upper is not None:
                lower = upper

    def cost_of(self, energy_kwh: Decimal, month_energy_before_kwh: Decimal) -> Decimal:
        start = month_energy_before_kwh
        end = month_energy_before_kwh + energy_kwh
        cost = ZERO
        for lower, upper, price in self._blocks():
            block_start = max(start, lower)
            block_end = end if upper is None else min(end, upper)
            if block_end > block_start:
                cost += (block_end - block_start) * price
        return cost

    def energy_for(self, money: Decimal, month_energy_before_kwh: Decimal) -> Decimal:
        position = month_energy_before_kwh
        money_left = money
        energy = ZERO
        for lower, upper, price in self._blocks():
            if upper is not None and position >= upper:
                continue
            position = max(position, lower)
            if upper is not None:
                block_cost = (upper - position) * price
                if money_left > block_cost:
                    energy += upper - position
                    money_left -= block_cost
                    position = upper
                    continue
            return energy + money_left / price
        return energy
