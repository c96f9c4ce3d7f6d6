"""`/v1/cards`: IC card records: card assets, issue to a customer, loss report and make-up, and the
account-cancellation card (written, then read back for the settlement)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.archives.customers_service import workspace
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import decode_cursor, encode_cursor, json_object, page_size, parse_model, query
from functions.common.routing import route
from gridvend.customers import cards
from gridvend.customers.card_model import CardStatus
from gridvend.customers.cards import CancellationReading, CardNote, IssueCard, MakeUpCard, RegisterCards, shown_card
from gridvend.customers.workspace import Workspace
from gridvend.errors import InvalidInput

card_routes = Blueprint(__name__)


def _space(action: str) -> Workspace:
    ctx = tenant_context(card_routes.current_request)
    ctx.require("cards", action)
    return workspace(tenant_store(ctx.tenant_id), ctx)


@route(card_routes, "/v1/cards", ["POST"])
def register_cards() -> Response:
    space = _space("create")
    made = cards.register_cards(space, parse_model(RegisterCards, json_object(card_routes.current_request)))
    return json_response({"items": [shown_card(card, space.decimals) for card in made]}, status_code=201)


@route(card_routes, "/v1/cards", ["GET"])
def list_cards() -> dict[str, Any]:
    space = _space("view")
    params = query(card_routes.current_request)
    status = params.get("status") or None
    if status is not None and status not in CardStatus.__members__.values():
        raise InvalidInput.for_field("status", f"one of {', '.join(state.value for state in CardStatus)}")
    customer = params.get("customer") or None
    repository = cards.cards(space)
    partition, _ = repository.list_partition(status, customer)
    start = decode_cursor(params, space.ctx.key_prefix, partition)
    found, next_key = repository.page(status, customer, limit=page_size(params), start_key=start)
    return {"items": [shown_card(card, space.decimals) for card in found], "next_cursor": encode_cursor(next_key)}


@route(card_routes, "/v1/cards/{card_no}", ["GET"])
def get_card(card_no: str) -> dict[str, Any]:
    space = _space("view")
    return shown_card(cards.cards(space).require(card_no.upper()), space.decimals)


@route(card_routes, "/v1/cards/{card_no}/issue", ["POST"])
def issue_card(card_no: str) -> dict[str, Any]:
    space = _space("issue")
    request = parse_model(IssueCard, json_object(card_routes.current_request))
    return shown_card(cards.issue(space, card_no, request), space.decimals)


@route(card_routes, "/v1/cards/{card_no}/loss", ["POST"])
def report_card_loss(card_no: str) -> dict[str, Any]:
    space = _space("issue")
    request = parse_model(CardNote, json_object(card_routes.current_request))
    return shown_card(cards.report_loss(space, card_no, request), space.decimals)


@route(card_routes, "/v1/cards/{card_no}/make-up", ["POST"])
def make_up_card(card_no: str) -> dict[str, Any]:
    space = _space("issue")
    request = parse_model(MakeUpCard, json_object(card_routes.current_request))
    return shown_card(cards.make_up(space, card_no, request), space.decimals)


@route(card_routes, "/v1/cards/{card_no}/cancellation-card", ["POST"])
def write_cancellation_card(card_no: str) -> dict[str, Any]:
    space = _space("issue")
    request = parse_model(CardNote, json_object(card_routes.current_request))
    return shown_card(cards.write_cancellation(space, card_no, request), space.decimals)


@route(card_routes, "/v1/cards/{card_no}/cancellation-reading", ["POST"])
def read_cancellation_card(card_no: str) -> dict[str, Any]:
    space = _space("issue")
    request = parse_model(CancellationReading, json_object(card_routes.current_request))
    return shown_card(cards.read_cancellation(space, card_no, request), space.decimals)
