"""What an IC card for a card-based prepayment meter holds, by kind (the six kinds of card business):

    authority   the salesperson's electricity selling authority card
    preset      scheme card: presets a new meter's customer type and overuse limit
    tariff      rate card: the prices a meter applies
    consumer    the customer's purchase card: credit bought at the office, taken by the meter
    meter_test  the meter writes its consumption onto it for the office to read
    relay_test  makes the meter switch its relay off and on, to test it

The office writes purchases onto consumer cards: each purchase has the next sequence number, and
the card keeps it as pending credit until the meter takes it (and sets `pending` back to 0).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

_ID = Field(min_length=1, max_length=24, pattern=r"^[A-Za-z0-9_.:-]+$")
_ENERGY = Field(ge=0, max_digits=10, decimal_places=2)


class CardKind(StrEnum):
    AUTHORITY = "authority"
    PRESET = "preset"
    TARIFF = "tariff"
    CONSUMER = "consumer"
    METER_TEST = "meter_test"
    RELAY_TEST = "relay_test"


class OverusePolicy(StrEnum):
    PROHIBIT = "prohibit"  # A: no overuse
    SWITCH_OFF_AT_LIMIT = "switch_off_at_limit"  # B: overuse up to a limit, then switched off
    GRACE_AT_LIMIT = "grace_at_limit"  # C: overuse up to a limit, then some hours more


class _Card(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    utility: str = _ID


class AuthorityCard(_Card):
    kind: Literal[CardKind.AUTHORITY] = CardKind.AUTHORITY
    operator: str = _ID
    valid_until: date


class PresetCard(_Card):
    kind: Literal[CardKind.PRESET] = CardKind.PRESET
    policy: OverusePolicy
    overuse_limit: Decimal = _ENERGY
    grace_hours: int = Field(default=0, ge=0, le=720)


class TariffStep(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    up_to: Decimal | None = Field(default=None, ge=0, max_digits=10, decimal_places=2)  # None: no upper bound
    price: Decimal = Field(ge=0, max_digits=10, decimal_places=4)


class TariffCard(_Card):
    kind: Literal[CardKind.TARIFF] = CardKind.TARIFF
    tariff: str = _ID
    effective_from: date
    steps: list[TariffStep] = Field(min_length=1, max_length=8)


class Purchase(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    sequence: int = Field(ge=1, le=65535)
    energy: Decimal = _ENERGY
    amount: Decimal = Field(ge=0, max_digits=14, decimal_places=4)
    at: datetime


class ConsumerCard(_Card):
    kind: Literal[CardKind.CONSUMER] = CardKind.CONSUMER
    meter_serial: str = _ID
    customer_code: str = _ID
    purchases: int = Field(default=0, ge=0, le=65535)  # sequence number of the last purchase written
    pending: Decimal = Field(default=Decimal(0), ge=0, max_digits=10, decimal_places=2)  # not yet taken by the meter
    last_purchase: Purchase | None = None


class MeterTestCard(_Card):
    kind: Literal[CardKind.METER_TEST] = CardKind.METER_TEST
    meter_serial: str | None = None  # written by the meter, with what follows
    total_energy: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    remaining_credit: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    read_at: datetime | None = None


class RelayTestCard(_Card):
    kind: Literal[CardKind.RELAY_TEST] = CardKind.RELAY_TEST
    off_seconds: int = Field(default=10, ge=1, le=600)


CardContent = Annotated[
    AuthorityCard | PresetCard | TariffCard | ConsumerCard | MeterTestCard | RelayTestCard,
    Field(discriminator="kind"),
]


class CardRead(BaseModel):
    """A card as the reader found it: its serial number (from the card, not writable) and content;
    content is None for a blank card."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    card_serial: str
    content: CardContent | None


class PurchaseWrite(BaseModel):
    """Put a purchase onto the customer's card. `sequence` must be the card's next one; writing the
    same purchase again finds it already there and changes nothing."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    card_serial: str | None = None  # when given, the card in the reader must be this one
    meter_serial: str = _ID
    purchase: Purchase
