"""IC card records (seed 001 §1.6, §5.1): card assets, and a consumer card's life with its customer.
Records only: reading and writing the cards is the office bridge's work."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

MAX_CARD_HISTORY = 100


class CardType(StrEnum):
    CONSUMER = "consumer"  # the customer buys electricity with it
    AUTHORITY = "authority"  # a salesperson's selling-authority card
    PRESET = "preset"  # presets parameters (customer type) into new meters
    TARIFF = "tariff"  # carries a tariff to meters
    TEST = "test"  # meter software test card
    RELAY_TEST = "relay_test"
    CANCELLATION = "cancellation"  # a blank account-cancellation card


class CardStatus(StrEnum):
    IN_STOCK = "in_stock"
    ISSUED = "issued"
    LOST = "lost"  # reported lost; still the customer's until made up
    BLOCKED = "blocked"  # replaced by a made-up card: refused everywhere
    CANCELLED = "cancelled"  # the account it served was settled and closed
    SCRAPPED = "scrapped"


@dataclass(frozen=True)
class CardEvent:
    at: str
    action: str
    by: str
    note: str = ""


@dataclass(frozen=True)
class Card:
    card_no: str
    card_type: CardType
    asset_no: str = ""
    status: CardStatus = CardStatus.IN_STOCK
    customer_code: str | None = None
    serial: str | None = None  # the meter the consumer card buys for
    issued_at: str | None = None
    replaced_by: str | None = None  # the made-up card that replaced this one
    cancellation: dict[str, Any] = field(default_factory=dict)  # stage written/read, remaining credit read back
    remark: str = ""
    history: tuple[CardEvent, ...] = ()
    created_at: str = ""
    updated_at: str = ""
    version: int = 1

    def after(self, event: CardEvent, **changes: Any) -> Card:
        return replace(self, history=(*self.history, event)[-MAX_CARD_HISTORY:], **changes)

    def stored(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("version")
        data["card_type"] = self.card_type.value
        data["status"] = self.status.value
        data["history"] = [asdict(event) for event in self.history]
        return data

    def public(self) -> dict[str, Any]:
        return {**self.stored(), "version": self.version}

    @staticmethod
    def from_stored(data: dict[str, Any], version: int) -> Card:
        known = {name: data[name] for name in Card.__dataclass_fields__ if name in data and name != "version"}
        known["card_type"] = CardType(data["card_type"])
        known["status"] = CardStatus(data["status"])
        known["history"] = tuple(CardEvent(**event) for event in data.get("history") or [])
        known["cancellation"] = dict(data.get("cancellation") or {})
        return Card(**known, version=version)
