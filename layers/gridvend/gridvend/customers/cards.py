"""IC card business (seed 001 §5.1): register card assets, issue a consumer card to a customer, report it
lost and make up a new one (the old card is blocked), and the account-cancellation card flow: the card is
written as a cancellation card, taken to the meter, read back with the credit left, and the settlement
that closes the account uses that reading and cancels the card."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, StringConstraints

from gridvend.archives.fields import Money, Text
from gridvend.customers.card_model import Card, CardEvent, CardStatus, CardType
from gridvend.customers.model import Customer
from gridvend.customers.schemas import ShortText, Strict
from gridvend.customers.workspace import Workspace
from gridvend.errors import Conflict, FieldProblem, InvalidInput
from gridvend.meters.schemas import Serial
from gridvend.money import from_minor, to_minor
from gridvend.store.customers import CardRepository, normal_code, now_text
from gridvend.store.guarded import Guarded

CardNo = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32, pattern=r"^[A-Za-z0-9\-]+$")
]
MAX_CARDS_PER_REQUEST = 40
HOLDING = (CardStatus.ISSUED, CardStatus.LOST)  # a customer's card until made up or cancelled


class NewCard(Strict):
    card_no: CardNo
    card_type: CardType = CardType.CONSUMER
    asset_no: ShortText = ""
    remark: Text = ""


class RegisterCards(Strict):
    cards: Annotated[list[NewCard], Field(min_length=1, max_length=MAX_CARDS_PER_REQUEST)]


class IssueCard(Strict):
    customer_code: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    serial: Serial | None = None  # the meter it buys for; None: the customer's only active contract
    remark: Text = ""


class CardNote(Strict):
    remark: Text = ""


class MakeUpCard(Strict):
    new_card_no: CardNo
    remark: Text = ""


class CancellationReading(Strict):
    remaining_credit: Money
    remark: Text = ""


def cards(space: Workspace) -> CardRepository:
    return CardRepository(space.store, space.ctx)


def _event(space: Workspace, action: str, note: str = "") -> CardEvent:
    return CardEvent(now_text(), action, space.ctx.username, note)


def register_cards(space: Workspace, request: RegisterCards) -> list[Card]:
    moment = now_text()
    made = [
        Card(
            card.card_no.upper(),
            card.card_type,
            card.asset_no,
            remark=card.remark,
            created_at=moment,
            updated_at=moment,
            history=(_event(space, "registered"),),
        )
        for card in request.cards
    ]
    numbers = [card.card_no for card in made]
    for position, number in enumerate(numbers):
        if number in numbers[:position]:
            raise InvalidInput.for_field(f"cards[{position}].card_no", "listed twice")
    operations: list[Guarded] = []
    for position, card in enumerate(made):
        operations += [
            cards(space).creation(card, f"cards[{position}].card_no"),
            cards(space).audit("create", None, card),
        ]
    space.commit(operations)
    return made


def _fresh_consumer_card(space: Workspace, card_no: str, field_name: str) -> Card:
    card = cards(space).get(card_no.upper())
    if card is None:
        raise InvalidInput.for_field(field_name, f"card '{card_no}' is not registered")
    if card.card_type is not CardType.CONSUMER:
        raise InvalidInput.for_field(field_name, f"card '{card.card_no}' is a {card.card_type.value} card")
    if card.status is not CardStatus.IN_STOCK:
        message = f"card '{card.card_no}' is {card.status.value}, not in stock"
        raise Conflict(message, [FieldProblem(field_name, message)])
    return card


def _meter_for(space: Workspace, customer: Customer, serial: str | None) -> str:
    active = [contract.serial for contract in space.contracts.active_of_customer(customer.code)]
    if serial is None:
        if len(active) != 1:
            raise InvalidInput.for_field("serial", f"name the meter: the customer has {len(active)} active contracts")
        return active[0]
    if serial not in active:
        raise InvalidInput.for_field("serial", f"meter '{serial}' is not an active contract of this customer")
    return serial


def issue(space: Workspace, card_no: str, request: IssueCard) -> Card:
    card = _fresh_consumer_card(space, card_no, "card_no")
    customer = space.open_customer(normal_code(request.customer_code))
    if customer.card_no is not None:
        message = f"customer '{customer.code}' holds card '{customer.card_no}'; report it lost and make up a new one"
        raise Conflict(message, [FieldProblem("customer_code", message)])
    serial = _meter_for(space, customer, request.serial)
    issued = card.after(
        _event(space, "issued", request.remark),
        status=CardStatus.ISSUED,
        customer_code=customer.code,
        serial=serial,
        issued_at=now_text(),
    )
    holder = replace(customer, card_no=card.card_no)
    _, record = space.record("issue_card", customer.code, {"card_no": card.card_no, "serials": [serial]})
    space.commit(
        [
            cards(space).save(card, issued),
            cards(space).audit("issue", card, issued),
            space.customers.save(customer, holder),
            space.customers.audit("card", customer, holder),
            record,
        ]
    )
    return cards(space).require(card.card_no)


def _held(space: Workspace, card_no: str, allowed: tuple[CardStatus, ...]) -> Card:
    card = cards(space).require(card_no.upper())
    if card.status not in allowed:
        raise Conflict(f"card '{card.card_no}' is {card.status.value}")
    return card


def report_loss(space: Workspace, card_no: str, request: CardNote) -> Card:
    card = _held(space, card_no, (CardStatus.ISSUED,))
    lost = card.after(_event(space, "reported lost", request.remark), status=CardStatus.LOST)
    _, record = space.record("card_loss", str(card.customer_code), {"card_no": card.card_no})
    space.commit([cards(space).save(card, lost), cards(space).audit("loss", card, lost), record])
    return cards(space).require(card.card_no)


def make_up(space: Workspace, card_no: str, request: MakeUpCard) -> Card:
    """A new card for the holder of a lost (or still issued) card; the old card is blocked."""
    old = _held(space, card_no, HOLDING)
    customer = space.open_customer(str(old.customer_code))
    new = _fresh_consumer_card(space, request.new_card_no, "new_card_no")
    blocked = old.after(
        _event(space, "blocked: made up", request.remark), status=CardStatus.BLOCKED, replaced_by=new.card_no
    )
    issued = new.after(
        _event(space, f"issued: makes up {old.card_no}", request.remark),
        status=CardStatus.ISSUED,
        customer_code=customer.code,
        serial=old.serial,
        issued_at=now_text(),
    )
    holder = replace(customer, card_no=new.card_no)
    _, record = space.record(
        "card_make_up", customer.code, {"card_no": new.card_no, "old_card_no": old.card_no, "serials": [old.serial]}
    )
    space.commit(
        [
            cards(space).save(old, blocked),
            cards(space).audit("block", old, blocked),
            cards(space).save(new, issued),
            cards(space).audit("issue", new, issued),
            space.customers.save(customer, holder),
            space.customers.audit("card", customer, holder),
            record,
        ]
    )
    return cards(space).require(new.card_no)


def write_cancellation(space: Workspace, card_no: str, request: CardNote) -> Card:
    """The customer's card is written as an account-cancellation card to take to the meter."""
    card = _held(space, card_no, (CardStatus.ISSUED,))
    space.open_customer(str(card.customer_code))
    written = card.after(
        _event(space, "written as cancellation card", request.remark),
        cancellation={"stage": "written", "written_at": now_text()},
    )
    space.commit([cards(space).save(card, written), cards(space).audit("cancellation", card, written)])
    return cards(space).require(card.card_no)


def read_cancellation(space: Workspace, card_no: str, request: CancellationReading) -> Card:
    """The cancellation card back from the meter: the credit it left there, for the settlement."""
    space.check_money(request)
    card = _held(space, card_no, (CardStatus.ISSUED,))
    if card.cancellation.get("stage") not in ("written", "read"):
        raise Conflict(f"card '{card.card_no}' was not written as a cancellation card")
    reading = {
        **card.cancellation,
        "stage": "read",
        "read_at": now_text(),
        "remaining_credit": to_minor(request.remaining_credit, space.decimals),
    }
    read = card.after(_event(space, "cancellation card read", request.remark), cancellation=reading)
    space.commit([cards(space).save(card, read), cards(space).audit("cancellation", card, read)])
    return cards(space).require(card.card_no)


def closing_card(space: Workspace, customer: Customer) -> tuple[dict[str, Decimal], list[Guarded]]:
    """At account cancellation: the credit a read-back cancellation card reported, and the card's end."""
    if customer.card_no is None:
        return {}, []
    card = cards(space).get(customer.card_no)
    if card is None or card.status not in HOLDING:
        return {}, []
    credits: dict[str, Decimal] = {}
    if card.cancellation.get("stage") == "read" and card.serial:
        credits[card.serial] = from_minor(int(card.cancellation["remaining_credit"]), space.decimals)
    cancelled = card.after(_event(space, "account settled"), status=CardStatus.CANCELLED)
    return credits, [cards(space).save(card, cancelled), cards(space).audit("cancel", card, cancelled)]


def shown_card(card: Card, decimals: int) -> dict[str, Any]:
    shown = card.public()
    credit = card.cancellation.get("remaining_credit")
    if credit is not None:
        shown["cancellation"] = {**card.cancellation, "remaining_credit": str(from_minor(int(credit), decimals))}
    return shown
