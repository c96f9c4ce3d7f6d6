"""The card business at the office: read a card, put a purchase on a consumer card, make a card of
any kind. Every write reads the card first and checks it, and reads it back after.

Rules for purchases (consumer cards): the card must belong to the purchase's meter; the purchase
must carry the card's next sequence number; credit still on the card (not yet taken by the meter)
is kept and the new purchase added to it. A purchase whose sequence is already on the card with the
same energy is not written again (a retried request after a lost answer).
"""

from __future__ import annotations

from gridvend.iot.bridge_cards import CardRead, ConsumerCard, PurchaseWrite
from gridvend.iot.bridge_devices import CardContent
from gridvend_bridge.cards.card_file import DATA_FILE_SIZE, decode_card, encode_card
from gridvend_bridge.cards.iso7816 import (
    EF_DATA,
    EF_SERIAL,
    CardChannel,
    CardReader,
    checked,
    read_file,
    verify_pin,
    write_file,
)

SERIAL_LENGTH = 16


class CardRefused(Exception):
    """The card in the reader does not allow what was asked (operator-readable reason)."""


class CardService:
    def __init__(self, reader: CardReader, write_pin: bytes) -> None:
        self._reader = reader
        self._write_pin = write_pin

    def __repr__(self) -> str:
        return f"CardService(reader={self._reader.describe()!r})"

    def describe(self) -> str:
        return self._reader.describe()

    def read(self) -> CardRead:
        channel = self._reader.connect()
        try:
            return _read(channel)
        finally:
            channel.close()

    def write_purchase(self, order: PurchaseWrite) -> CardRead:
        channel = self._reader.connect()
        try:
            card = _read(channel)
            content = card.content
            if order.card_serial is not None and order.card_serial != card.card_serial:
                raise CardRefused(f"the card in the reader is {card.card_serial}, not {order.card_serial}")
            if not isinstance(content, ConsumerCard):
                kind = content.kind.value if content is not None else "blank"
                raise CardRefused(f"purchases go onto consumer cards; this card is {kind}")
            if content.meter_serial != order.meter_serial:
                raise CardRefused(f"this card belongs to meter {content.meter_serial}, not {order.meter_serial}")
            purchase = order.purchase
            if content.last_purchase == purchase:
                return card
            if purchase.sequence != content.purchases + 1:
                raise CardRefused(
                    f"the card's next purchase is number {content.purchases + 1}, not {purchase.sequence}"
                )
            updated = content.model_copy(
                update={
                    "purchases": purchase.sequence,
                    "pending": content.pending + purchase.energy,
                    "last_purchase": purchase,
                }
            )
            return self._write(channel, card.card_serial, updated)
        finally:
            channel.close()

    def make_card(self, content: CardContent) -> CardRead:
        """Write a new card of any kind. A consumer card still holding credit is not overwritten."""
        channel = self._reader.connect()
        try:
            card = _read(channel)
            if isinstance(card.content, ConsumerCard) and card.content.pending > 0:
                raise CardRefused(
                    f"this consumer card still holds {card.content.pending} the meter has not taken; "
                    "let the meter take it first"
                )
            return self._write(channel, card.card_serial, content)
        finally:
            channel.close()

    def _write(self, channel: CardChannel, card_serial: str, content: CardContent) -> CardRead:
        checked(channel, verify_pin(self._write_pin), "VERIFY")
        write_file(channel, EF_DATA, encode_card(content))
        written = _read(channel)
        if written.card_serial != card_serial or written.content != content:
            raise CardRefused("the card did not keep what was written; keep the card in the reader and try again")
        return written


def _read(channel: CardChannel) -> CardRead:
    serial = read_file(channel, EF_SERIAL, SERIAL_LENGTH).rstrip(b"\x00 ").decode("ascii", errors="replace")
    content = decode_card(read_file(channel, EF_DATA, DATA_FILE_SIZE))
    return CardRead(card_serial=serial, content=content)
