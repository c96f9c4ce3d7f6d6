from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from gridvend.iot.bridge_cards import (
    AuthorityCard,
    ConsumerCard,
    MeterTestCard,
    OverusePolicy,
    PresetCard,
    Purchase,
    PurchaseWrite,
    RelayTestCard,
    TariffCard,
    TariffStep,
)
from gridvend_bridge.cards.card_file import CardDataInvalid, decode_card, encode_card
from gridvend_bridge.cards.card_service import CardRefused, CardService
from gridvend_bridge.cards.emulated_card import EmulatedCard, EmulatedReader
from gridvend_bridge.cards.iso7816 import EF_DATA, CardAbsent, CardCommandFailed, update_binary

PIN = b"87654321"


def _service(card: EmulatedCard | None = None, pin: bytes = PIN) -> tuple[CardService, EmulatedReader]:
    reader = EmulatedReader()
    if card is not None:
        reader.insert(card)
    return CardService(reader, pin), reader


def _consumer(meter: str = "M-1") -> ConsumerCard:
    return ConsumerCard(utility="demo", meter_serial=meter, customer_code="C-1")


def _purchase(sequence: int, energy: str = "10.00") -> PurchaseWrite:
    purchase = Purchase(sequence=sequence, energy=Decimal(energy), amount=Decimal("8"), at=datetime.now(UTC))
    return PurchaseWrite(meter_serial="M-1", purchase=purchase)


ALL_KINDS = [
    AuthorityCard(utility="demo", operator="alice", valid_until=date(2030, 1, 1)),
    PresetCard(utility="demo", policy=OverusePolicy.GRACE_AT_LIMIT, overuse_limit=Decimal("5"), grace_hours=24),
    TariffCard(
        utility="demo",
        tariff="T1",
        effective_from=date(2025, 1, 1),
        steps=[TariffStep(up_to=Decimal("50"), price=Decimal("0.10")), TariffStep(price=Decimal("0.15"))],
    ),
    _consumer(),
    MeterTestCard(utility="demo"),
    RelayTestCard(utility="demo", off_seconds=5),
]


@pytest.mark.parametrize("content", ALL_KINDS, ids=lambda content: content.kind.value)
def test_every_kind_of_card_is_made_and_read_back(content: object) -> None:
    service, _ = _service(EmulatedCard("CARD-1", PIN))

    made = service.make_card(content)  # type: ignore[arg-type]

    assert made.content == content
    assert service.read() == made
    assert made.card_serial == "CARD-1"


def test_a_blank_card_reads_as_blank() -> None:
    service, _ = _service(EmulatedCard("CARD-2", PIN))

    assert service.read().content is None


def test_purchases_add_up_as_pending_credit_in_sequence() -> None:
    service, _ = _service(EmulatedCard("CARD-3", PIN))
    service.make_card(_consumer())

    service.write_purchase(_purchase(1, "10.00"))
    card = service.write_purchase(_purchase(2, "2.50"))

    assert isinstance(card.content, ConsumerCard)
    assert (card.content.purchases, card.content.pending) == (2, Decimal("12.50"))


def test_the_same_purchase_written_again_changes_nothing() -> None:
    card = EmulatedCard("CARD-4", PIN)
    service, _ = _service(card)
    service.make_card(_consumer())
    purchase = _purchase(1)
    service.write_purchase(purchase)
    writes = card.writes

    again = service.write_purchase(purchase)

    assert card.writes == writes
    assert isinstance(again.content, ConsumerCard) and again.content.pending == Decimal("10.00")


@pytest.mark.parametrize(
    ("setup", "order", "reason"),
    [
        (_consumer("M-9"), _purchase(1), "belongs to meter M-9"),
        (_consumer(), _purchase(3), "next purchase is number 1"),
        (PresetCard(utility="demo", policy=OverusePolicy.PROHIBIT, overuse_limit=Decimal(0)), _purchase(1), "preset"),
    ],
)
def test_purchases_that_do_not_fit_the_card_are_refused(setup: object, order: PurchaseWrite, reason: str) -> None:
    service, _ = _service(EmulatedCard("CARD-5", PIN))
    service.make_card(setup)  # type: ignore[arg-type]

    with pytest.raises(CardRefused, match=reason):
        service.write_purchase(order)


def test_a_card_with_credit_on_it_is_not_overwritten() -> None:
    service, _ = _service(EmulatedCard("CARD-6", PIN))
    service.make_card(_consumer())
    service.write_purchase(_purchase(1))

    with pytest.raises(CardRefused, match="still holds"):
        service.make_card(RelayTestCard(utility="demo"))


def test_the_wrong_pin_writes_nothing() -> None:
    card = EmulatedCard("CARD-8", PIN)
    service, _ = _service(card, pin=b"00000000")

    with pytest.raises(CardCommandFailed, match="VERIFY"):
        service.make_card(_consumer())
    assert card.writes == 0 and not any(card.data)


def test_a_card_refuses_writes_without_the_pin() -> None:
    card = EmulatedCard("CARD-9", PIN)
    card.transmit(bytes.fromhex("00A4000C02") + EF_DATA.to_bytes(2, "big"))

    _, status_word = card.transmit(update_binary(0, b"evil"))

    assert status_word == 0x6982


def test_no_card_in_the_reader() -> None:
    service, _ = _service()

    with pytest.raises(CardAbsent):
        service.read()


def test_a_damaged_card_is_reported_not_trusted() -> None:
    data = bytearray(encode_card(_consumer()))
    data[12] ^= 0x01

    with pytest.raises(CardDataInvalid, match="damaged"):
        decode_card(bytes(data))
