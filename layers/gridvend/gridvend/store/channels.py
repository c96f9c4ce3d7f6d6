"""Agents and third-party vendors with their float accounts: the balance a tenant tops up and each of their vends
draws down inside the vend's own transaction, the commission they earn, and the statement of every movement.

Access patterns:
- agent (or vendor) by id:     pk=T#<t>#AGENT  sk=<agent id>  (`balance` in minor units; `version`)
- every agent of a tenant:     pk=T#<t>#AGENT
- statement of an agent:       pk=T#<t>#FLOAT#<agent id>  sk=<utc iso time>#<id>  (oldest first)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import Conflict, FieldProblem, NotFound, Unprocessable
from gridvend.ids import new_id
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Guarded, commit
from gridvend.store.items import Condition, Increment, Item, ItemStore, Put

AGENT_KINDS = ("agent", "vendor")


class FloatShort(Unprocessable):
    title = "Float too low"


@dataclass(frozen=True)
class Agent:
    agent_id: str
    name: str
    kind: str  # agent | vendor
    sales_point: str
    commission: dict[str, Any]  # CommissionRule.as_dict()
    status: str = "active"  # active | suspended
    contact: str | None = None
    balance_minor: int = 0
    version: int = 1

    def public(self, decimals: int) -> dict[str, Any]:
        shown = asdict(self)
        shown["id"] = shown.pop("agent_id")
        shown["balance"] = _money(shown.pop("balance_minor"), decimals)
        return shown


@dataclass(frozen=True)
class FloatMovement:
    """One statement line; amounts are signed minor units as they moved the float."""

    kind: str  # top-up | withdrawal | vend | reversal
    amount_minor: int
    commission_minor: int = 0
    reference: str = ""
    by: str = ""


def _money(minor: int, decimals: int) -> str:
    return f"{minor / 10**decimals:.{decimals}f}"


class AgentRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx

    @property
    def partition(self) -> str:
        return f"{self._ctx.key_prefix}AGENT"

    def statement_partition(self, agent_id: str) -> str:
        return f"{self._ctx.key_prefix}FLOAT#{agent_id}"

    def get(self, agent_id: str) -> Agent | None:
        item = self._store.get(self.partition, agent_id)
        return _agent(item) if item else None

    def require(self, agent_id: str, kind: str | None = None) -> Agent:
        found = self.get(agent_id)
        if found is None or (kind is not None and found.kind != kind):
            raise NotFound(f"{kind or 'agent'} '{agent_id}' does not exist")
        return found

    def all(self, kind: str | None = None) -> list[Agent]:
        agents = [_agent(item) for item in self._store.query(self.partition, limit=1000).items]
        return [agent for agent in agents if kind is None or agent.kind == kind]

    def create(self, agent: Agent, decimals: int) -> Agent:
        taken = Conflict(f"agent '{agent.agent_id}' exists", [FieldProblem("id", "already used")])
        commit(
            self._store,
            [
                Guarded(Put(self._item(agent), Condition.absent()), taken),
                Guarded(
                    audit_put(self._ctx, AuditEntry("create", agent.kind, agent.agent_id, None, agent.public(decimals)))
                ),
            ],
        )
        return agent

    def update(self, current: Agent, updated: Agent, decimals: int) -> Agent:
        """Saves everything but the balances, which only float movements change."""
        stored = replace(
            updated,
            version=current.version + 1,
            balance_minor=current.balance_minor,
        )
        changed = Conflict(f"agent '{current.agent_id}' changed meanwhile; reload and retry")
        commit(
            self._store,
            [
                Guarded(
                    Increment(
                        self.partition,
                        current.agent_id,
                        {"version": 1},
                        assign={"data": self._item(stored)["data"]},
                        condition=Condition(equals={"version": current.version}),
                    ),
                    changed,
                ),
                Guarded(
                    audit_put(
                        self._ctx,
                        AuditEntry(
                            "update", current.kind, current.agent_id, current.public(decimals), stored.public(decimals)
                        ),
                    )
                ),
            ],
        )
        return stored

    def movement_operations(self, agent_id: str, movement: FloatMovement, at: datetime | None = None) -> list[Guarded]:
        """Moves the float (a draw never below zero) and writes the statement line, for any transaction."""
        moment = at or utc_now()
        draw = -movement.amount_minor if movement.amount_minor < 0 else 0
        condition = Condition(at_least={"balance": draw}) if draw else Condition.present()
        short = FloatShort(
            f"the float of '{agent_id}' is too low for this sale", [FieldProblem("amount", "more than the float holds")]
        )
        line: Item = {
            "pk": self.statement_partition(agent_id),
            "sk": f"{moment.isoformat(timespec='milliseconds')}#{new_id()}",
            "entity": "float-movement",
            "data": {"at": moment.isoformat(timespec="seconds"), **asdict(movement)},
        }
        return [
            Guarded(
                Increment(
                    self.partition,
                    agent_id,
                    {"balance": movement.amount_minor},
                    condition=condition,
                ),
                short,
            ),
            Guarded(Put(line, Condition.absent())),
        ]

    def move(self, agent: Agent, movement: FloatMovement, decimals: int) -> None:
        """A movement of its own (top-up, withdrawal), audited."""
        after = replace(agent, balance_minor=agent.balance_minor + movement.amount_minor)
        commit(
            self._store,
            [
                *self.movement_operations(agent.agent_id, movement),
                Guarded(
                    audit_put(
                        self._ctx,
                        AuditEntry(
                            movement.kind, agent.kind, agent.agent_id, agent.public(decimals), after.public(decimals)
                        ),
                    )
                ),
            ],
        )

    def statement(
        self, agent_id: str, *, since: str | None, until: str | None, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        between = (since or "0000", f"{until or '9999'}\uffff")
        page = self._store.query(
            self.statement_partition(agent_id), sk_between=between, limit=limit, start_key=start_key
        )
        return [item["data"] for item in page.items], page.next_key

    def _item(self, agent: Agent) -> Item:
        data = asdict(agent)
        return {
            "pk": self.partition,
            "sk": agent.agent_id,
            "entity": "agent",
            "balance": data.pop("balance_minor"),
            "version": data.pop("version"),
            "data": data,
        }


def _agent(item: Item) -> Agent:
    return Agent(
        **item["data"],
        balance_minor=int(item.get("balance", 0)),
        version=int(item.get("version", 1)),
    )
