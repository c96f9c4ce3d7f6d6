"""Third-party vendors' API keys (hashes only), the answer to each of their message ids, and reversals.

Access patterns:
- API key by id:                    pk=T#<t>#VKEY  sk=<key id>  (data: vendor, secret_hash, status, created_at)
- keys of a vendor:                 gsi1pk=T#<t>#VKEY#<vendor id>  gsi1sk=<created at>
- a vendor's answer to a message:   pk=T#<t>#VMSG#<vendor id>  sk=<message id>
- the reversal of a vend:           pk=T#<t>#VREV  sk=<bill number>  (at most one)
"""

from __future__ import annotations

from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.clock import utc_now
from gridvend.errors import Conflict, NotFound
from gridvend.store.audit import AuditEntry, audit_put
from gridvend.store.guarded import Guarded, commit
from gridvend.store.items import Condition, Item, ItemStore, Put


class MessageIdUsed(Conflict):
    """The vendor used this message id before."""


class AlreadyReversed(Conflict):
    title = "Already reversed"


class VendorApiRepository:
    def __init__(self, store: ItemStore, ctx: TenantContext) -> None:
        self._store = store
        self._ctx = ctx
        self._prefix = ctx.key_prefix

    # keys
    def add_key(self, vendor_id: str, key_id: str, secret_hash: str) -> dict[str, Any]:
        now = utc_now().isoformat(timespec="seconds")
        shown = {"key_id": key_id, "vendor": vendor_id, "status": "active", "created_at": now}
        item: Item = {
            "pk": f"{self._prefix}VKEY",
            "sk": key_id,
            "gsi1pk": f"{self._prefix}VKEY#{vendor_id}",
            "gsi1sk": now,
            "entity": "vendor-api-key",
            "data": {**shown, "secret_hash": secret_hash},
        }
        commit(
            self._store,
            [
                Put(item, Condition.absent()),
                audit_put(self._ctx, AuditEntry("create", "vendor-api-key", key_id, None, shown)),
            ],
        )
        return shown

    def key(self, key_id: str) -> dict[str, Any] | None:
        item = self._store.get(f"{self._prefix}VKEY", key_id)
        return dict(item["data"]) if item else None

    def keys_of(self, vendor_id: str) -> list[dict[str, Any]]:
        page = self._store.query(f"{self._prefix}VKEY#{vendor_id}", index="gsi1", limit=200)
        return [_shown_key(item) for item in page.items]

    def revoke_key(self, vendor_id: str, key_id: str) -> dict[str, Any]:
        item = self._store.get(f"{self._prefix}VKEY", key_id)
        if item is None or item["data"]["vendor"] != vendor_id:
            raise NotFound(f"API key '{key_id}' of vendor '{vendor_id}' does not exist")
        before = _shown_key(item)
        revoked = {
            **item,
            "data": {
                **item["data"],
                "status": "revoked",
                "revoked_at": utc_now().isoformat(timespec="seconds"),
            },
        }
        commit(
            self._store,
            [
                Put(revoked, Condition.present()),
                audit_put(self._ctx, AuditEntry("revoke", "vendor-api-key", key_id, before, _shown_key(revoked))),
            ],
        )
        return _shown_key(revoked)

    # message answers
    def answer(self, vendor_id: str, message_id: str) -> dict[str, Any] | None:
        item = self._store.get(f"{self._prefix}VMSG#{vendor_id}", message_id)
        return item["data"] if item else None

    def answer_put(self, vendor_id: str, message_id: str, kind: str, answer: dict[str, Any]) -> Guarded:
        item: Item = {
            "pk": f"{self._prefix}VMSG#{vendor_id}",
            "sk": message_id,
            "entity": "vendor-message",
            "data": {
                "message_id": message_id,
                "kind": kind,
                "at": utc_now().isoformat(timespec="seconds"),
                "answer": answer,
            },
        }
        return Guarded(Put(item, Condition.absent()), MessageIdUsed(f"message id '{message_id}' was used before"))

    # reversals
    def reversal(self, bill_number: str) -> dict[str, Any] | None:
        item = self._store.get(f"{self._prefix}VREV", bill_number)
        return item["data"] if item else None

    def reversal_put(self, bill_number: str, record: dict[str, Any]) -> Guarded:
        item: Item = {"pk": f"{self._prefix}VREV", "sk": bill_number, "entity": "vend-reversal", "data": record}
        return Guarded(Put(item, Condition.absent()), AlreadyReversed(f"vend '{bill_number}' is already reversed"))


def _shown_key(item: Item) -> dict[str, Any]:
    return {name: value for name, value in item["data"].items() if name != "secret_hash"}
