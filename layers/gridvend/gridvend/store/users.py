"""Operators (the users of a tenant) and the login log."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import Conflict, FieldProblem, NotFound
from gridvend.ids import new_id
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Guarded, commit
from gridvend.store.items import Condition, ItemStore, Put

LOGIN_LOG_RETENTION_DAYS = 400


@dataclass(frozen=True)
class Operator:
    user_id: str
    username: str
    display_name: str
    password_hash: str = field(repr=False)
    roles: list[str]
    sales_point_id: str | None = None
    may_use_other_sales_points: bool = False
    barred: bool = False
    failed_logins: int = 0
    locked_until: str | None = None
    tokens_valid_after: int = 0  # epoch seconds: a token issued before this is refused (revoked)
    version: int = 1

    def public(self) -> dict[str, Any]:
        shown = asdict(self)
        del shown["password_hash"]
        del shown["tokens_valid_after"]
        shown["id"] = shown.pop("user_id")
        return shown

    def revokes_tokens_of(self, before: Operator) -> bool:
        """Whether this change must end the tokens the operator holds: barred, other roles or sales point, or a
        new password."""
        return (
            (self.barred and not before.barred)
            or sorted(self.roles) != sorted(before.roles)
            or self.sales_point_id != before.sales_point_id
            or self.password_hash != before.password_hash
        )

    def accepts_token_issued_at(self, issued_at: int) -> bool:
        return not self.barred and issued_at >= self.tokens_valid_after


def users_partition(tenant_id: str) -> str:
    return f"T#{tenant_id}#USER"


def operator_item(tenant_id: str, operator: Operator) -> dict[str, Any]:
    stored = asdict(operator)
    version = stored.pop("version")
    return {
        "pk": users_partition(tenant_id),
        "sk": operator.username,
        "gsi1pk": f"{users_partition(tenant_id)}#ID",
        "gsi1sk": operator.user_id,
        "entity": "operator",
        "search": f"{operator.username} {operator.display_name}".lower(),
        "version": version,
        "data": stored,
    }


def _operator(item: dict[str, Any]) -> Operator:
    return Operator(**item["data"], version=int(item.get("version", 1)))


class OperatorRepository:
    """Reads and writes operators of one tenant; login looks up by tenant id before any context exists."""

    def __init__(self, store: ItemStore, tenant_id: str) -> None:
        self._store = store
        self._tenant_id = tenant_id

    def get(self, username: str) -> Operator | None:
        item = self._store.get(users_partition(self._tenant_id), username.lower())
        return _operator(item) if item else None

    def require(self, username: str) -> Operator:
        found = self.get(username)
        if found is None:
            raise NotFound(f"operator '{username}' does not exist")
        return found

    def page(
        self, *, limit: int, start_key: dict[str, str] | None, contains: str | None = None
    ) -> tuple[list[Operator], dict[str, str] | None]:
        page = self._store.query(
            users_partition(self._tenant_id),
            limit=limit,
            start_key=start_key,
            contains=("search", contains.lower()) if contains else None,
        )
        return [_operator(item) for item in page.items], page.next_key

    def creation_operation(self, operator: Operator) -> Guarded:
        taken = Conflict(f"username '{operator.username}' is taken", [FieldProblem("username", "already used")])
        return Guarded(Put(operator_item(self._tenant_id, operator), Condition.absent()), taken)

    def create(self, ctx: TenantContext, operator: Operator, extra: list[Guarded] | None = None) -> None:
        commit(
            self._store,
            [
                self.creation_operation(operator),
                *(extra or []),
                Guarded(audit_put(ctx, AuditEntry("create", "operator", operator.user_id, None, operator.public()))),
            ],
        )

    def save(
        self,
        ctx: TenantContext | None,
        current: Operator,
        updated: Operator,
        action: str = "update",
        extra: list[Guarded] | None = None,
        *,
        revoke_tokens: bool = False,
    ) -> Operator:
        """`revoke_tokens` ends every token issued before now; a change that must (revokes_tokens_of) does so too."""
        stored = replace(updated, version=current.version + 1)
        if revoke_tokens or updated.revokes_tokens_of(current):
            stored = replace(stored, tokens_valid_after=int(utc_now().timestamp()))
        stale = Conflict(f"operator '{current.username}' was changed meanwhile; retry")
        operations: list[Guarded] = [
            Guarded(
                Put(
                    operator_item(self._tenant_id, stored),
                    Condition(must_exist=True, equals={"version": current.version}),
                ),
                stale,
            ),
            *(extra or []),
        ]
        if ctx is not None:
            operations.append(
                Guarded(
                    audit_put(ctx, AuditEntry(action, "operator", current.user_id, current.public(), stored.public()))
                )
            )
        commit(self._store, operations)
        return stored

    def record_login(self, username: str, success: bool, reason: str, source: str, at: datetime | None = None) -> None:
        moment = at or utc_now()
        stamp = moment.isoformat(timespec="milliseconds")
        self._store.put(
            {
                "pk": f"T#{self._tenant_id}#LOGIN#{moment:%Y-%m}",
                "sk": f"{stamp}#{new_id()}",
                "entity": "login",
                "expires_at": int(moment.timestamp()) + LOGIN_LOG_RETENTION_DAYS * 86400,
                "data": {"at": stamp, "username": username, "success": success, "reason": reason, "source": source},
            }
        )

    def login_log(
        self, year_month: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        page = self._store.query(
            f"T#{self._tenant_id}#LOGIN#{year_month}", limit=limit, start_key=start_key, newest_first=True
        )
        return [item["data"] for item in page.items], page.next_key


def new_operator_id() -> str:
    return new_id()
