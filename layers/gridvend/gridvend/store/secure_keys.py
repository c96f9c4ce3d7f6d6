"""A software secure module's vending keys in the table, each wrapped under the module's data key (see
gridvend.secure.data_keys): durable, and the same for every process and container.

Access patterns:
- a module's keys: pk=T#<t>#SMKEY#<module>  sk=<sgc>#<krn>   (data: the key's attributes and its wrapped bytes)

Reads go through the process's read cache: a key file loaded in another process shows within its TTL; this
process's own changes show at once.
"""

from __future__ import annotations

from gridvend.secure.vending_key import KeyRef, VendingKeyInfo, VendingKeyType
from gridvend.secure.wrapped_key_store import StoredVendingKey
from gridvend.store.items import Delete, Item, ItemStore, Put
from gridvend.store.read_cache import read_cache

CACHE_NAMESPACE = "secure-module-keys"


class TableWrappedKeyStore:
    def __init__(self, store: ItemStore, tenant_id: str, module_id: str) -> None:
        self._store = store
        self._tenant_id = tenant_id
        self._module_id = module_id

    @property
    def partition(self) -> str:
        return f"T#{self._tenant_id}#SMKEY#{self._module_id}"

    def put(self, stored: StoredVendingKey) -> None:
        self._store.transact([Put(self._item(stored))])
        self._forget()

    def get(self, ref: KeyRef) -> StoredVendingKey | None:
        return next((stored for stored in self.all() if stored.info.ref == ref), None)

    def delete(self, ref: KeyRef) -> bool:
        existed = self.get(ref) is not None
        if existed:
            self._store.transact([Delete(self.partition, _sort_key(ref))])
            self._forget()
        return existed

    def clear(self) -> None:
        refs = [stored.info.ref for stored in self.all()]
        if refs:
            self._store.transact([Delete(self.partition, _sort_key(ref)) for ref in refs])
            self._forget()

    def all(self) -> list[StoredVendingKey]:
        items = read_cache(self._store).remembered(
            self._tenant_id, CACHE_NAMESPACE, self._module_id,
            lambda: self._store.query(self.partition, limit=1000).items,
        )
        return sorted((_stored(item) for item in items), key=lambda stored: (stored.info.sgc, stored.info.krn))

    def _forget(self) -> None:
        read_cache(self._store).forget(self._tenant_id, CACHE_NAMESPACE)

    def _item(self, stored: StoredVendingKey) -> Item:
        info = stored.info
        return {
            "pk": self.partition,
            "sk": _sort_key(info.ref),
            "entity": "secure-module-key",
            "data": {
                "sgc": info.sgc, "krn": info.krn, "key_type": info.key_type.value, "dkga": info.dkga,
                "current": info.current, "supplier": info.supplier, "wrapped_key": stored.wrapped_key.hex(),
            },
        }


def _sort_key(ref: KeyRef) -> str:
    return f"{ref.sgc}#{ref.krn:04d}"


def _stored(item: Item) -> StoredVendingKey:
    data = item["data"]
    info = VendingKeyInfo(
        sgc=str(data["sgc"]), krn=int(data["krn"]), key_type=VendingKeyType(str(data["key_type"])),
        dkga=int(data["dkga"]), current=bool(data["current"]), supplier=str(data.get("supplier", "")),
    )
    return StoredVendingKey(info, bytes.fromhex(str(data["wrapped_key"])))
