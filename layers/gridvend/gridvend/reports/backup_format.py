"""A tenant backup's file format and the rules of what goes in it. Pure.

One JSON object a line, one file per entity (`<entity>.jsonl`, e.g. `vend.jsonl`, `archive_tariffs.jsonl`),
and `manifest.json` naming the source tenant, the files and their item counts. Items are the table's items
as stored (keys and GSI keys with the source tenant's `T#<id>#` prefix); a restore rewrites that prefix.

What is left out or blanked, and why:
- secrets: password hashes, sealed callback secrets, API key and self-service code hashes become "" (users
  must be given a new password, providers a new callback secret, vendors new API keys). A software secure
  module's vending keys are in the backup as the table holds them: wrapped under the module's data key, which
  is itself wrapped by the key service (KMS); a restore has the key service wrap the data key again for the
  target tenant, so nothing is ever in the clear. Keys in an HSM or an office's module stay there.
- on restore only, the dashboard counters (REBUILT_BY_STREAM): the table stream counts the restored items anew.
- idempotency records (they hold whole responses, tokens included, and live for hours only), export and
  backup jobs, and import locks: none of them is the tenant's data.
Number values that are not whole keep their exact decimal as {"$decimal": "..."}; bytes as {"$bytes": base64}.
"""

from __future__ import annotations

import base64
import json
import re
from decimal import Decimal
from typing import Any

FORMAT = "gridvend-backup/1"
SECRET_FIELDS = frozenset({"password_hash", "sealed_secret", "secret_hash", "code_hash"})
EXCLUDED_ENTITIES = frozenset({
    "idempotency", "vend-idempotency", "report-export", "tenant-backup", "import-lock",
    # The dashboard counters count each item's current state when the stream hands it over, keyed by stream
    # event id: a restore's own stream counts the restored items afresh, so the source's counters stay out.
    "report-count", "report-count-source", "report-billed-meter",
})
EXCLUDED_PARTITIONS = ("IDEMPOTENCY", "BACKUP", "RPTJOB")
# Items of stream consumers that count each stream event once (by event id, not by source): a restore leaves
# them out, and the stream rebuilds them from the restored items (restored, they would count twice).
REBUILT_BY_STREAM = frozenset({"report-count", "report-count-source", "report-billed-meter"})
# Items that stream consumers derive from others: restored first, so that when the stream hands the consumers
# the restored sources, they find those counted already and add nothing.
DERIVED_ENTITIES = frozenset({
    "sales-cell", "report-source", "report-year", "line-loss-cell", "line-loss-contribution",
    "rollup-day", "rollup-month", "day-rollup",
})
_FILE_NAME = re.compile(r"[^a-z0-9_-]+")


def is_derived(entity: str) -> bool:
    return entity in DERIVED_ENTITIES or entity.startswith("report-") or "rollup" in entity or entity.endswith("-cell")


def kept(item: dict[str, Any], tenant_id: str) -> bool:
    entity = str(item.get("entity") or "")
    partition = str(item.get("pk", ""))[len(f"T#{tenant_id}#"):]
    return entity not in EXCLUDED_ENTITIES and not partition.startswith(EXCLUDED_PARTITIONS)


def file_of(item: dict[str, Any]) -> str:
    entity = str(item.get("entity") or "other").lower()
    return f"{_FILE_NAME.sub('_', entity).strip('_') or 'other'}.jsonl"


def without_secrets(value: Any) -> Any:
    if isinstance(value, dict):
        return {name: "" if name in SECRET_FIELDS else without_secrets(inner) for name, inner in value.items()}
    if isinstance(value, list | tuple):
        return [without_secrets(inner) for inner in value]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else {"$decimal": str(value)}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    if isinstance(value, set | frozenset):
        return sorted(_plain(inner) for inner in value)
    if isinstance(value, dict):
        return {name: _plain(inner) for name, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(inner) for inner in value]
    if isinstance(value, float):
        return _plain(Decimal(str(value)))
    return value


def _typed(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$decimal"}:
            return Decimal(value["$decimal"])
        if set(value) == {"$bytes"}:
            return base64.b64decode(value["$bytes"])
        return {name: _typed(inner) for name, inner in value.items()}
    if isinstance(value, list):
        return [_typed(inner) for inner in value]
    return value


def item_line(item: dict[str, Any]) -> str:
    return json.dumps(_plain(without_secrets(item)), separators=(",", ":"), sort_keys=True)


def line_item(line: str) -> dict[str, Any]:
    item = _typed(json.loads(line))
    if not isinstance(item, dict) or "pk" not in item or "sk" not in item:
        raise ValueError("a backup line is not an item with pk and sk")
    return item


def moved(value: Any, source: str, target: str) -> Any:
    """The value with the source tenant's key prefix (and its id in tenant fields) rewritten to the target's."""
    old, new = f"T#{source}#", f"T#{target}#"
    if isinstance(value, str):
        return value.replace(old, new) if old in value else value
    if isinstance(value, dict):
        return {
            name: target if name in ("tenant", "tenant_id") and inner == source else moved(inner, source, target)
            for name, inner in value.items()
        }
    if isinstance(value, list):
        return [moved(inner, source, target) for inner in value]
    return value
