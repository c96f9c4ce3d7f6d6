"""The counters behind the dashboard: what one table change adds to or takes from them. The stream handler
applies these, so the dashboard reads a few counter items instead of scanning meters, customers or events.

Counters (key: what it counts):
- meters|<state>|<model>          meters in a state, per model
- customers|<status>              customers by status
- archive|<kind>                  archive records of a kind (sites, projects, branches, ...)
- things|<kind>                   communication modules, concentrators, bridges
- connected-meters                meters served by a thing
- poc|<site>|<project>            points of collection per project (project status: has points or not)
- open-alarms|<severity>          alarms not closed yet
and per month (partition of the month):
- events|<utc day>|<code>         events received per day and type
- readings|<local day>            readings received per day (from the daily rollups' reading marks)
- reporting|<local day>           meters with at least one reading that day
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gridvend.reports.facts import tenant_of_key

TOTAL_KEYS = ("meters", "customers", "archive", "things", "connected-meters", "poc", "open-alarms")


@dataclass(frozen=True)
class CountChange:
    month: str | None  # None: a running total; YYYY-MM: a counter of that month's partition
    key: str
    delta: int


def _data(image: dict[str, Any] | None) -> dict[str, Any]:
    found = (image or {}).get("data")
    return found if isinstance(found, dict) else {}


def _moved(old_key: str | None, new_key: str | None) -> list[CountChange]:
    """-1 on the key it had, +1 on the key it has now (nothing when they are the same)."""
    if old_key == new_key:
        return []
    changes = []
    if old_key is not None:
        changes.append(CountChange(None, old_key, -1))
    if new_key is not None:
        changes.append(CountChange(None, new_key, 1))
    return changes


def _total_key(entity: str, image: dict[str, Any] | None) -> str | None:
    """The running-total key an item counts under, or None when it counts under none."""
    if image is None:
        return None
    data = _data(image)
    if entity == "meter":
        return f"meters|{data.get('state', '-')}|{data.get('model_id', '-')}"
    if entity == "customer":
        return f"customers|{data.get('status', '-')}"
    if entity.startswith("archive:"):
        return f"archive|{entity.removeprefix('archive:')}"
    if entity == "thing":
        return f"things|{data.get('kind', '-')}"
    if entity == "thing-meter":
        return "connected-meters"
    if entity == "point-of-collection":
        return f"poc|{data.get('site_id') or '-'}|{data.get('project_id') or '-'}"
    if entity == "alarm":
        return f"open-alarms|{data.get('severity', 0)}" if data.get("state") == "open" else None
    return None


def _month_changes(event_name: str, entity: str, old: dict[str, Any] | None,
                   new: dict[str, Any] | None) -> list[CountChange]:
    data = _data(new)
    if entity == "event" and event_name == "INSERT":
        at = str(data.get("at") or "")
        if len(at) >= 10:
            return [CountChange(at[:7], f"events|{at[:10]}|{data.get('code', '-')}", 1)]
    if entity == "rollup-day" and event_name in ("INSERT", "MODIFY"):
        day = str(data.get("period") or "")
        if len(day) != 10:
            return []
        added = len(data.get("marks") or ()) - len(_data(old).get("marks") or ())
        changes = [CountChange(day[:7], f"readings|{day}", added)] if added else []
        if event_name == "INSERT":
            changes.append(CountChange(day[:7], f"reporting|{day}", 1))
        return changes
    return []


def count_changes(event_name: str, old_image: dict[str, Any] | None,
                  new_image: dict[str, Any] | None) -> tuple[str, list[CountChange]] | None:
    """The tenant and the counter changes of one stream record (INSERT, MODIFY or REMOVE), or None."""
    image = new_image or old_image or {}
    tenant_id = tenant_of_key(str(image.get("pk", "")))
    entity = str(image.get("entity", ""))
    if tenant_id is None or not entity:
        return None
    old = old_image if event_name != "INSERT" else None
    new = new_image if event_name != "REMOVE" else None
    changes = _moved(_total_key(entity, old), _total_key(entity, new)) + _month_changes(event_name, entity, old, new)
    return (tenant_id, changes) if changes else None


def billed_meter(event_name: str, new_image: dict[str, Any] | None) -> tuple[str, str, str] | None:
    """(tenant, local month, meter) of a sale: the dashboard counts the meters billed each month."""
    image = new_image or {}
    tenant_id = tenant_of_key(str(image.get("pk", "")))
    receipt = _data(image)
    if event_name != "INSERT" or image.get("entity") != "vend" or tenant_id is None:
        return None
    month, meter = str(receipt.get("time_local") or "")[:7], receipt.get("meter")
    if len(month) != 7 or not meter or receipt.get("status", "issued") != "issued":
        return None
    return tenant_id, month, str(meter)
