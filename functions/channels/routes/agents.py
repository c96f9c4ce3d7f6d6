"""`/v1/agents`: agents and third-party vendors, their floats (top-up, withdrawal, statement), sales drawing the
float, and vendors' API keys (issued once, stored hashed, revocable: rotate = issue a new one, revoke the old)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chalice import Blueprint, Response
from pydantic import TypeAdapter

from functions.channels.channel_vend import agent_vend
from functions.channels.schemas import AgentChange, AgentCreation, AgentVend, FloatChange
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.deps import tenant_store
from functions.common.requests import body_as, decode_cursor, encode_cursor, page_size, query
from functions.common.routing import route
from functions.vending.schemas import IdempotencyKey, VendRequest
from gridvend.auth.context import TenantContext
from gridvend.channels.api_keys import issue_key
from gridvend.channels.commission import CommissionRule
from gridvend.errors import Forbidden, InvalidInput
from gridvend.money import ZERO, from_minor, has_at_most_decimals, to_minor
from gridvend.store.channels import Agent, AgentRepository, FloatMovement
from gridvend.store.vendor_api import VendorApiRepository

agent_routes = Blueprint(__name__)
_KEY_ADAPTER: TypeAdapter[str] = TypeAdapter(IdempotencyKey)


def _idempotency_key() -> str:
    try:
        return str(_KEY_ADAPTER.validate_python(agent_routes.current_request.headers.get("idempotency-key") or ""))
    except ValueError:
        raise InvalidInput.for_field(
            "Idempotency-Key", "a header of 8-100 letters, digits or _.:- is required"
        ) from None


def _decimals(ctx: TenantContext) -> int:
    return int(ctx.extra.get("decimals", "2"))


def _minor(amount: Decimal, ctx: TenantContext, field_name: str = "amount") -> int:
    if not has_at_most_decimals(amount, _decimals(ctx)):
        raise InvalidInput.for_field(field_name, f"at most {_decimals(ctx)} decimals")
    return to_minor(amount, _decimals(ctx))


@route(agent_routes, "/v1/agents", ["POST"])
def create_agent() -> Response:
    ctx = tenant_context(agent_routes.current_request)
    ctx.require("agents", "create")
    body = body_as(agent_routes.current_request, AgentCreation)
    rule = CommissionRule(body.commission.kind, body.commission.value)
    agent = Agent(body.id, body.name, body.kind, body.sales_point, rule.as_dict(), contact=body.contact)
    AgentRepository(tenant_store(ctx.tenant_id), ctx).create(agent, _decimals(ctx))
    return json_response(agent.public(_decimals(ctx)), status_code=201)


@route(agent_routes, "/v1/agents", ["GET"])
def list_agents() -> dict[str, Any]:
    ctx = tenant_context(agent_routes.current_request)
    ctx.require("agents", "view")
    kind = query(agent_routes.current_request).get("kind")
    agents = AgentRepository(tenant_store(ctx.tenant_id), ctx).all(kind)
    return {"items": [agent.public(_decimals(ctx)) for agent in agents]}


@route(agent_routes, "/v1/agents/{agent_id}", ["GET"])
def show_agent(agent_id: str) -> dict[str, Any]:
    ctx = tenant_context(agent_routes.current_request)
    ctx.require("agents", "view")
    return AgentRepository(tenant_store(ctx.tenant_id), ctx).require(agent_id).public(_decimals(ctx))


@route(agent_routes, "/v1/agents/{agent_id}", ["PATCH"])
def change_agent(agent_id: str) -> dict[str, Any]:
    ctx = tenant_context(agent_routes.current_request)
    ctx.require("agents", "update")
    body = body_as(agent_routes.current_request, AgentChange)
    agents = AgentRepository(tenant_store(ctx.tenant_id), ctx)
    current = agents.require(agent_id)
    changes = body.model_dump(exclude_none=True, exclude={"commission"})
    if body.commission is not None:
        changes["commission"] = CommissionRule(body.commission.kind, body.commission.value).as_dict()
    updated = Agent(**{**current.__dict__, **changes})
    return agents.update(current, updated, _decimals(ctx)).public(_decimals(ctx))


@route(agent_routes, "/v1/agents/{agent_id}/float", ["POST"])
def move_float(agent_id: str) -> dict[str, Any]:
    """Top up (money received from the agent) or withdraw from the float; a withdrawal never goes below zero."""
    ctx = tenant_context(agent_routes.current_request)
    ctx.require("agents", "top-up")
    body = body_as(agent_routes.current_request, FloatChange)
    minor = _minor(body.amount, ctx)
    agents = AgentRepository(tenant_store(ctx.tenant_id), ctx)
    agent = agents.require(agent_id)
    signed = minor if body.type == "top-up" else -minor
    agents.move(agent, FloatMovement(body.type, signed, reference=body.reference, by=ctx.username), _decimals(ctx))
    return agents.require(agent_id).public(_decimals(ctx))


@route(agent_routes, "/v1/agents/{agent_id}/statement", ["GET"])
def statement(agent_id: str) -> dict[str, Any]:
    """Movements oldest first (`since`/`until`: ISO dates or times, UTC), with the page's totals."""
    ctx = tenant_context(agent_routes.current_request)
    ctx.require("agents", "view")
    params = query(agent_routes.current_request)
    store = tenant_store(ctx.tenant_id)
    agents = AgentRepository(store, ctx)
    agent = agents.require(agent_id)
    start = decode_cursor(params, ctx.key_prefix, agents.statement_partition(agent_id))
    lines, next_key = agents.statement(
        agent_id, since=params.get("since"), until=params.get("until"), limit=page_size(params), start_key=start
    )
    decimals = _decimals(ctx)
    shown = [
        {
            "at": line["at"],
            "kind": line["kind"],
            "amount": str(from_minor(int(line["amount_minor"]), decimals)),
            "commission": str(from_minor(int(line["commission_minor"]), decimals)),
            "reference": line["reference"],
            "by": line["by"],
        }
        for line in lines
    ]
    totals: dict[str, Decimal] = {}
    for line in shown:
        totals[line["kind"]] = totals.get(line["kind"], ZERO) + Decimal(line["amount"])
    commission = sum((Decimal(line["commission"]) for line in shown), ZERO)
    return {
        "agent": agent.public(decimals),
        "items": shown,
        "totals": {kind: str(total) for kind, total in sorted(totals.items())},
        "commission_earned": str(commission),
        "next_cursor": encode_cursor(next_key),
    }


@route(agent_routes, "/v1/agents/{agent_id}/vends", ["POST"])
def sell_as_agent(agent_id: str) -> Response:
    """A sale by the agent's own clerk: drawn from the float in the vend's transaction (Idempotency-Key)."""
    ctx = tenant_context(agent_routes.current_request)
    ctx.require("agents", "sell")
    key = _idempotency_key()
    body = body_as(agent_routes.current_request, AgentVend)
    store = tenant_store(ctx.tenant_id)
    agent = AgentRepository(store, ctx).require(agent_id)
    if ctx.sales_point_id and ctx.sales_point_id != agent.sales_point and not ctx.can("vending", "any-sales-point"):
        raise Forbidden(f"you sell at '{ctx.sales_point_id}', not at the agent's sales point")
    receipt, fresh = agent_vend(
        store, ctx, agent, VendRequest(meter=body.meter, amount=body.amount), f"agent.{agent_id}.{key}"
    )
    return json_response(receipt, status_code=201, headers={"Idempotent-Replayed": str(not fresh).lower()})


@route(agent_routes, "/v1/agents/{agent_id}/api-keys", ["POST"])
def issue_api_key(agent_id: str) -> Response:
    """A new key for a vendor, shown in this answer only. Rotation: issue a new key, then revoke the old one."""
    ctx = tenant_context(agent_routes.current_request)
    ctx.require("agents", "api-keys")
    store = tenant_store(ctx.tenant_id)
    AgentRepository(store, ctx).require(agent_id, kind="vendor")
    issued = issue_key(ctx.tenant_id)
    shown = VendorApiRepository(store, ctx).add_key(agent_id, issued.key_id, issued.secret_hash)
    return json_response({**shown, "api_key": issued.plain}, status_code=201)


@route(agent_routes, "/v1/agents/{agent_id}/api-keys", ["GET"])
def list_api_keys(agent_id: str) -> dict[str, Any]:
    ctx = tenant_context(agent_routes.current_request)
    ctx.require("agents", "view")
    return {"items": VendorApiRepository(tenant_store(ctx.tenant_id), ctx).keys_of(agent_id)}


@route(agent_routes, "/v1/agents/{agent_id}/api-keys/{key_id}", ["DELETE"])
def revoke_api_key(agent_id: str, key_id: str) -> dict[str, Any]:
    ctx = tenant_context(agent_routes.current_request)
    ctx.require("agents", "api-keys")
    return VendorApiRepository(tenant_store(ctx.tenant_id), ctx).revoke_key(agent_id, key_id)
