"""The dashboard's figures (seed 004 "Dashboard"): meter status, reading success rate over the last N days,
project status, archive summary, sales by month with the meters billed, the top 10 sales points of last month
and events by type. Everything comes from counters and rollup cells (a few queries), never a scan of raw items."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from functions.reports.listed import money
from functions.reports.scan import archive_records
from gridvend.ami.events import event_type
from gridvend.auth.context import TenantContext
from gridvend.reports.cells import derived
from gridvend.reports.meter_rules import using_status
from gridvend.reports.parameters import months_from_to
from gridvend.store.archives import ArchiveRepository
from gridvend.store.items import ItemStore
from gridvend.store.report_counts import CountRepository
from gridvend.store.reports import SalesRollupRepository

BILLING_MONTHS = 12
TOP = 10


@dataclass(frozen=True)
class DashboardQuery:
    days: int
    expected_per_day: int
    today: date  # tenant-local
    top_month: str | None = None  # YYYY-MM; last month when None


def _split(key: str) -> list[str]:
    return key.split("|")


def meter_status(totals: dict[str, int]) -> dict[str, Any]:
    by_state: Counter[str] = Counter()
    by_model: Counter[str] = Counter()
    for key, count in totals.items():
        kind, *rest = _split(key)
        if kind == "meters" and len(rest) == 2 and count:
            by_state[rest[0]] += count
            by_model[rest[1]] += count
    by_using: Counter[str] = Counter()
    for state, count in by_state.items():
        by_using[using_status(state)] += count
    return {"total": sum(by_state.values()), "by_state": dict(by_state), "by_using": dict(by_using),
            "by_model": dict(by_model)}


def reading_rate(totals: dict[str, int], monthly: dict[str, int], query: DashboardQuery) -> dict[str, Any]:
    """Readings received against those expected: every meter a thing serves, `expected_per_day` a day."""
    connected = totals.get("connected-meters", 0)
    days = [query.today - timedelta(days=offset) for offset in range(query.days - 1, -1, -1)]
    by_day: list[dict[str, Any]] = []
    for day in days:
        received = monthly.get(f"readings|{day.isoformat()}", 0)
        expected = connected * query.expected_per_day
        by_day.append({"day": day.isoformat(), "received": received, "expected": expected,
                       "meters_reporting": monthly.get(f"reporting|{day.isoformat()}", 0),
                       "rate": round(min(1.0, received / expected), 4) if expected else 0.0})
    received = sum(entry["received"] for entry in by_day)
    expected = connected * query.expected_per_day * len(days)
    return {"days": query.days, "connected_meters": connected, "expected_per_day": query.expected_per_day,
            "received": received, "expected": expected,
            "rate": round(min(1.0, received / expected), 4) if expected else 0.0, "by_day": by_day}


def top_projects(projects: list[dict[str, Any]], totals: dict[str, int], month: str) -> list[dict[str, Any]]:
    """The projects with the most meters billed in the month (seed 004: top 10 billing sites)."""
    names = {project["id"]: project for project in projects}
    billed = [
        (count, key.rpartition("|")[2]) for key, count in totals.items()
        if key.startswith(f"billed-project|{month}|") and count
    ]
    return [
        {"project_id": project_id, "code": names.get(project_id, {}).get("code", project_id),
         "name": names.get(project_id, {}).get("name", ""), "meters_billed": count}
        for count, project_id in sorted(billed, key=lambda pair: (-pair[0], pair[1]))[:TOP]
    ]


def project_status(archives: ArchiveRepository, totals: dict[str, int]) -> dict[str, Any]:
    points: Counter[str] = Counter()
    for key, count in totals.items():
        kind, *rest = _split(key)
        if kind == "poc" and len(rest) == 2:
            points[rest[1]] += count
    projects = []
    for record in sorted(archive_records(archives, "projects").values(), key=lambda r: r.code):
        count = points.get(record.record_id, 0)
        projects.append({"id": record.record_id, "code": record.code, "name": record.name,
                         "site_id": record.data.get("site_id"), "points": count,
                         "status": "in_use" if count else "no_points"})
    statuses = Counter(project["status"] for project in projects)
    return {"by_status": dict(statuses), "projects": projects}


def archive_summary(totals: dict[str, int]) -> dict[str, int]:
    summary: dict[str, int] = defaultdict(int)
    for key, count in totals.items():
        kind, *rest = _split(key)
        if kind in ("meters", "customers", "poc"):
            summary[{"meters": "meters", "customers": "customers", "poc": "points_of_collection"}[kind]] += count
        elif kind == "things" and rest:
            summary[{"module": "communication_modules", "concentrator": "concentrators",
                     "bridge": "bridges"}.get(rest[0], rest[0])] += count
        elif kind == "archive" and rest:
            summary[rest[0]] += count
    return dict(summary)


def billing_by_month(sales: SalesRollupRepository, totals: dict[str, int], in_service: int, decimals: int,
                     today: date, top_month: str | None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Sales per month of the last 12 (with the meters billed and not billed) and the top sales points of
    the top month (last month unless asked) by sales amount."""
    last_month = top_month or (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    first_month = months_from_to(f"{today.year - 1}-{today.month:02d}", f"{today:%Y-%m}")[1]
    months = months_from_to(first_month, f"{today:%Y-%m}")
    per_month: dict[str, Counter[str]] = {month: Counter() for month in months}
    per_point: Counter[str] = Counter()
    for cell in sales.cells("month", min(f"{first_month}-01", f"{last_month}-01"), f"{today:%Y-%m-%d}"):
        if cell.period in per_month:
            per_month[cell.period].update(cell.measures)
        if cell.period == last_month:
            per_point[cell.dims.get("sales_point", "-")] += cell.measures.get("sales_net", 0)
    billing = []
    for month in months:
        measures = per_month[month]
        billed = totals.get(f"billed-meters|{month}", 0)
        billing.append({"month": month, "sales_count": measures.get("sales_count", 0),
                        "sales_amount": money(measures.get("sales_net", 0), decimals),
                        "income": money(derived(dict(measures))["income"], decimals),
                        "meters_billed": billed, "meters_not_billed": max(0, in_service - billed)})
    top = [{"sales_point": point, "sales_amount": money(amount, decimals)}
           for point, amount in sorted(per_point.items(), key=lambda pair: (-pair[1], pair[0]))[:TOP]]
    return billing, top


def events_by_type(monthly: dict[str, int], tenant_types: dict[str, dict[str, Any]],
                   query: DashboardQuery) -> list[dict[str, Any]]:
    first = (query.today - timedelta(days=query.days - 1)).isoformat()
    counts: Counter[str] = Counter()
    for key, count in monthly.items():
        kind, *rest = _split(key)
        if kind == "events" and len(rest) == 2 and first <= rest[0] <= query.today.isoformat():
            counts[rest[1]] += count
    shown = []
    for code, count in sorted(counts.items(), key=lambda pair: (-pair[1], pair[0])):
        known = event_type(code, tenant_types)
        shown.append({"code": code, "name": known.name, "alarm": known.alarm, "count": count})
    return shown


def dashboard(store: ItemStore, ctx: TenantContext, decimals: int, query: DashboardQuery) -> dict[str, Any]:
    counts = CountRepository(store, ctx.tenant_id)
    totals = counts.totals()
    first_day = query.today - timedelta(days=query.days)
    monthly = counts.of_months(months_from_to(first_day.isoformat(), query.today.isoformat()))
    archives = ArchiveRepository(store, ctx)
    tenant_types = {record.code.upper(): {**record.data, "name": record.name}
                    for record in archive_records(archives, "event-types").values()}
    meters = meter_status(totals)
    billing, top = billing_by_month(SalesRollupRepository(store, ctx), totals, meters["by_state"].get("in_service", 0),
                                    decimals, query.today, query.top_month)
    open_alarms: Counter[str] = Counter()
    for key, count in totals.items():
        kind, *rest = _split(key)
        if kind == "open-alarms" and rest and count:
            open_alarms[rest[0]] += count
    projects = project_status(archives, totals)
    top_month = query.top_month or (query.today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    return {
        "meter_status": meters,
        "reading_rate": reading_rate(totals, monthly, query),
        "project_status": projects,
        "top_projects": top_projects(projects["projects"], totals, top_month),
        "archive_summary": archive_summary(totals),
        "billing_by_month": billing,
        "top_sales_points": top,
        "events_by_type": events_by_type(monthly, tenant_types, query),
        "open_alarms": {"total": sum(open_alarms.values()), "by_severity": dict(open_alarms)},
    }
