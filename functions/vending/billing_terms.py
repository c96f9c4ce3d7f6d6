"""The tariff and customer-type terms a sale prices with, built from archive records once per record version.

Building them converts the records from their stored form (money in minor units) every time; a sale would repeat
that work for records that change rarely. Each built value is kept under the identity of the records it came from
(tenant, kind, id, version, update time) and the tenant's decimals: a changed record has a new version, so an
entry is never stale, only unused (the least recently used go first). The values are frozen dataclasses.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

from gridvend.archives.kinds import archive_kind
from gridvend.archives.stored_form import from_stored
from gridvend.billing.tariffs import Tariff
from gridvend.billing.terms import CustomerTypeTerms
from gridvend.errors import Unprocessable
from gridvend.store.archives import ArchiveRecord, ArchiveRepository
from gridvend.vending.terms_from_archives import tariff_from_record, terms_from_customer_type

MAX_ENTRIES = 512
Built = TypeVar("Built")
RecordIdentity = tuple[str, str, int, str]  # kind, id, version, updated at

_built: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_lock = threading.Lock()


def sale_tariff(archives: ArchiveRepository, tariff_id: str, decimals: int) -> Tariff:
    record = _recent(archives, "tariffs", tariff_id, "tariff")
    key = (archives.tenant_id, decimals, _identity(record))
    return _kept(key, lambda: tariff_from_record(_shown(record, decimals)))


def sale_terms(archives: ArchiveRepository, customer_type_id: str, decimals: int) -> CustomerTypeTerms:
    customer_type = _recent(archives, "customer-types", customer_type_id, "customer type")
    item_ids = [str(item_id) for item_id in customer_type.data.get("charge_item_ids") or []]
    items = {item_id: _recent(archives, "charge-items", item_id, "charge item") for item_id in item_ids}
    key = (
        archives.tenant_id,
        decimals,
        _identity(customer_type),
        tuple(_identity(record) for record in items.values()),
    )
    return _kept(
        key,
        lambda: terms_from_customer_type(
            _shown(customer_type, decimals), {item_id: _shown(record, decimals) for item_id, record in items.items()}
        ),
    )


def _recent(archives: ArchiveRepository, kind_name: str, record_id: str, field: str) -> ArchiveRecord:
    record = archives.recent(kind_name, record_id)
    if record is None:
        raise Unprocessable(f"the contract's {field} '{record_id}' no longer exists")
    return record


def _shown(record: ArchiveRecord, decimals: int) -> dict[str, Any]:
    return from_stored(archive_kind(record.kind).schema, record.data, decimals)


def _identity(record: ArchiveRecord) -> RecordIdentity:
    return record.kind, record.record_id, record.version, record.updated_at


def _kept(key: tuple[Any, ...], build: Callable[[], Built]) -> Built:
    with _lock:
        if key in _built:
            _built.move_to_end(key)
            found: Built = _built[key]
            return found
    value = build()
    with _lock:
        _built[key] = value
        while len(_built) > MAX_ENTRIES:
            _built.popitem(last=False)
    return value
