"""Mobile money: the tenant's providers (their callback secret sealed, never plain), every payment a provider
reported (kept even when its vend was refused: an open payment is refunded or sold again by an operator, never
lost), and the callbacks refused as forged, stale or malformed.

Access patterns:
- provider by id:              pk=T#<t>#MMPROV  sk=<provider id>
- payment by provider + txn:   pk=T#<t>#MMPAY  sk=<provider id>#<transaction id>  (`version`)
- payments by status, by time: gsi1pk=T#<t>#MMPAY#<status>  gsi1sk=<received at>#<provider id>#<transaction id>
- refused callbacks by month:  pk=T#<t>#MMREFUSED#<yyyy-mm>  sk=<utc time>#<id>
"""

from __future__ import annotations

from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import Conflict, FieldProblem, NotFound
from gridvend.ids import new_id
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Guarded, commit
from gridvend.store.items import Condition, Item, ItemStore, Put

PAYMENT_STATUSES = ("received", "vended", "open", "refunded")


class PaymentMoved(Conflict):
    """The payment changed meanwhile (another callback or operator came first)."""


def now_text() -> str:
    return utc_now().isoformat(timespec="milliseconds")


class MobileMoneyRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx
        self._prefix = ctx.key_prefix

    @property
    def store(self) -> ItemStore:
        return self._store

    # providers
    def provider(self, provider_id: str) -> dict[str, Any] | None:
        item = self._store.get(f"{self._prefix}MMPROV", provider_id)
        return dict(item["data"]) if item else None

    def require_provider(self, provider_id: str) -> dict[str, Any]:
        found = self.provider(provider_id)
        if found is None:
            raise NotFound(f"mobile money provider '{provider_id}' does not exist")
        return found

    def providers(self) -> list[dict[str, Any]]:
        return [dict(item["data"]) for item in self._store.query(f"{self._prefix}MMPROV", limit=200).items]

    def save_provider(self, record: dict[str, Any], *, new: bool) -> None:
        item: Item = {"pk": f"{self._prefix}MMPROV", "sk": record["id"], "entity": "mm-provider", "data": record}
        taken = Conflict(f"provider '{record['id']}' exists", [FieldProblem("id", "already used")])
        shown = public_provider(record)
        commit(
            self._store,
            [
                Guarded(Put(item, Condition.absent() if new else Condition.present()), taken),
                audit_put(
                    self._ctx,
                    AuditEntry("create" if new else "rotate-secret", "mm-provider", record["id"], None, shown),
                ),
            ],
        )

    # payments
    def payment(self, provider_id: str, transaction_id: str) -> dict[str, Any] | None:
        item = self._store.get(f"{self._prefix}MMPAY", f"{provider_id}#{transaction_id}")
        return {**item["data"], "version": int(item.get("version", 1))} if item else None

    def require_payment(self, provider_id: str, transaction_id: str) -> dict[str, Any]:
        found = self.payment(provider_id, transaction_id)
        if found is None:
            raise NotFound(f"payment '{transaction_id}' of provider '{provider_id}' does not exist")
        return found

    def by_status(
        self, status: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]:
        page = self._store.query(self.status_partition(status), index="gsi1", limit=limit, start_key=start_key)
        return [item["data"] for item in page.items], page.next_key

    def status_partition(self, status: str) -> str:
        return f"{self._prefix}MMPAY#{status}"

    def payment_put(self, payment: dict[str, Any], previous_version: int | None) -> Guarded:
        """The payment as it is now; `previous_version` None: a new payment (refused if the id was seen)."""
        data = {name: value for name, value in payment.items() if name != "version"}
        data["updated_at"] = now_text()
        key = f"{data['provider']}#{data['transaction_id']}"
        item: Item = {
            "pk": f"{self._prefix}MMPAY",
            "sk": key,
            "gsi1pk": self.status_partition(data["status"]),
            "gsi1sk": f"{data['received_at']}#{key}",
            "entity": "mm-payment",
            "version": (previous_version or 0) + 1,
            "data": data,
        }
        condition = Condition.absent() if previous_version is None else Condition(equals={"version": previous_version})
        return Guarded(Put(item, condition), PaymentMoved(f"payment '{data['transaction_id']}' changed meanwhile"))

    def audit(self, action: str, before: dict[str, Any] | None, after: dict[str, Any]) -> Guarded:
        entity_id = f"{after['provider']}#{after['transaction_id']}"
        return Guarded(audit_put(self._ctx, AuditEntry(action, "mm-payment", entity_id, before, after)))

    # refused callbacks
    def record_refused(self, record: dict[str, Any]) -> None:
        moment = utc_now()
        item: Item = {
            "pk": f"{self._prefix}MMREFUSED#{moment:%Y-%m}",
            "sk": f"{moment.isoformat(timespec='milliseconds')}#{new_id()}",
            "entity": "mm-refused-callback",
            "data": {"at": moment.isoformat(timespec="seconds"), **record},
        }
        self._store.put(item)

    def refused(self, year_month: str, limit: int) -> list[dict[str, Any]]:
        page = self._store.query(f"{self._prefix}MMREFUSED#{year_month}", limit=limit, newest_first=True)
        return [item["data"] for item in page.items]


def public_provider(record: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in record.items() if name != "sealed_secret"}
