"""A vend made through a channel that holds a float (an agent, a third-party vendor): the float draw and the
commission join the vend's own transaction, so a short float refuses the sale and nothing is sold."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from functions.vending.routes.vends import tenant_terms
from functions.vending.schemas import VendRequest
from functions.vending.service import ExtraOperations, VendService
from gridvend.auth.context import TenantContext
from gridvend.channels.commission import CommissionRule
from gridvend.errors import Unprocessable
from gridvend.money import to_minor
from gridvend.store.channels import Agent, AgentRepository, FloatMovement
from gridvend.store.guarded import Guarded
from gridvend.store.items import ItemStore


def agent_vend(
    store: ItemStore,
    ctx: TenantContext,
    agent: Agent,
    request: VendRequest,
    idempotency_key: str,
    *,
    more_operations: ExtraOperations | None = None,
) -> tuple[dict[str, Any], bool]:
    """The receipt (with `agent` and `commission`) and whether it was made now."""
    if agent.status != "active":
        raise Unprocessable(f"{agent.kind} '{agent.agent_id}' is suspended")
    acting = replace(ctx, sales_point_id=agent.sales_point)
    terms = tenant_terms(acting)
    agents = AgentRepository(store, acting)
    rule = CommissionRule.from_dict(agent.commission)

    def float_draw(receipt: dict[str, Any]) -> list[Guarded]:
        paid = Decimal(receipt["breakdown"]["net_amount"])  # what the customer paid
        earned = rule.earned(paid, terms.decimals)
        receipt["agent"] = agent.agent_id
        receipt["commission"] = str(earned)
        movement = FloatMovement(
            kind="vend",
            amount_minor=-to_minor(paid, terms.decimals),
            commission_minor=to_minor(earned, terms.decimals),
            reference=receipt["bill_number"],
            by=ctx.username,
        )
        extra = more_operations(receipt) if more_operations else []
        return [*agents.movement_operations(agent.agent_id, movement), *extra]

    service = VendService(store, acting, terms)
    sale = request.model_copy(update={"sales_point_id": agent.sales_point})
    return service.vend(sale, idempotency_key, extra_operations=float_draw, channel=agent.kind)
