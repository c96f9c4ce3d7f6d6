"""Customer reports (seed 000 §5.4, §5.6, §5.8): customer information with the meters installed for each,
abnormal purchase (no purchase for N days: suspected tampering) and the login log."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from functions.reports.listed import ListedReport, ReportInputs, ReportRows, col
from functions.reports.places import Places
from functions.reports.scan import archive_records, every_item
from gridvend.customers.model import Contract, Customer, CustomerStatus
from gridvend.reports.parameters import ReportParameter, month_span
from gridvend.store.archives import ArchiveRepository
from gridvend.store.users import LOGIN_LOG_RETENTION_DAYS

CUSTOMER_TYPE = ReportParameter("customer_type", "list", "Customer types")
LOG_MONTHS = 24


def active_contracts(inputs: ReportInputs) -> list[Contract]:
    partition = f"{inputs.ctx.key_prefix}CONTRACT"
    contracts = (Contract.from_stored(item["data"], int(item.get("version", 1)))
                 for item in every_item(inputs.store, partition, sk_prefix="M#"))
    return [contract for contract in contracts if contract.status.value == "active"]


def customers(inputs: ReportInputs) -> dict[str, Customer]:
    partition = f"{inputs.ctx.key_prefix}CUST"
    found = (Customer.from_stored(item["data"], int(item.get("version", 1)))
             for item in every_item(inputs.store, partition, sk_prefix="C#"))
    return {customer.code: customer for customer in found}


def customer_information(inputs: ReportInputs) -> ReportRows:
    values = inputs.values
    archives = ArchiveRepository(inputs.store, inputs.ctx)
    type_codes = {key: record.code for key, record in archive_records(archives, "customer-types").items()}
    regions = values.get("region")
    if regions is not None:
        regions = Places.load(archives).regions_within(regions)
    contracts_of: dict[str, list[Contract]] = defaultdict(list)
    for contract in active_contracts(inputs):
        contracts_of[contract.customer_code].append(contract)
    rows: list[dict[str, Any]] = []
    for code, customer in sorted(customers(inputs).items()):
        if values.get("status") is not None and customer.status.value not in values["status"]:
            continue
        if values.get("customer_type") is not None and customer.customer_type_id not in values["customer_type"]:
            continue
        if regions is not None and (customer.region_id or "-") not in regions:
            continue
        placed = sorted(contracts_of.get(code, []), key=lambda contract: contract.serial)
        rows.append({
            "customer_code": code,
            "name": customer.name,
            "customer_type": type_codes.get(customer.customer_type_id, customer.customer_type_id),
            "status": customer.status.value,
            "phone": customer.phone,
            "id_number": customer.id_number,
            "address": customer.address,
            "region": customer.region_id or "-",
            "register_date": customer.register_date or "",
            "meters": " ".join(contract.serial for contract in placed),
            "meter_count": len(placed),
            "tariffs": " ".join(sorted({contract.tariff_id for contract in placed})),
            "install_date": min((c.install_date for c in placed if c.install_date), default=""),
        })
    return ReportRows(rows, {"customer_code": len(rows), "meter_count": sum(row["meter_count"] for row in rows)})


CUSTOMER_INFORMATION = ListedReport(
    "customer-information", "Customer information", "customers-and-meters",
    (
        ReportParameter("status", "list", "Customer status", choices=tuple(s.value for s in CustomerStatus)),
        CUSTOMER_TYPE,
        ReportParameter("region", "list", "Regions (and the regions below them)"),
    ),
    (col("customer_code", "Customer"), col("name", "Name"), col("customer_type", "Customer type"),
     col("status", "Status"), col("phone", "Phone"), col("id_number", "ID number"), col("address", "Address"),
     col("region", "Region"), col("register_date", "Registered", "date"), col("meters", "Meters"),
     col("meter_count", "Meter count", "count"), col("tariffs", "Tariffs"), col("install_date", "Installed", "date")),
    customer_information,
    also_requires=("customers", "view"),
)


def _day_of(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text and len(text) >= 10 else None
    except ValueError:
        return None


def abnormal_purchase(inputs: ReportInputs) -> ReportRows:
    """Meters under an active contract whose last purchase is `days` or more days ago; a meter never bought
    for counts from its contract's start (or install) day."""
    days, today = inputs.values["days"], inputs.today
    states = {
        str(item["sk"]): item["data"]
        for item in every_item(inputs.store, f"{inputs.ctx.key_prefix}VSTATE")
    }
    people = customers(inputs)
    wanted_types = inputs.values.get("customer_type")
    rows: list[dict[str, Any]] = []
    for contract in active_contracts(inputs):
        state = states.get(contract.serial) or {}
        last = _day_of(state.get("last_purchase_local"))
        since = last or _day_of(contract.start_date or contract.install_date or contract.created_at)
        if since is None or (today - since).days < days:
            continue
        customer = people.get(contract.customer_code)
        if wanted_types is not None and (customer is None or customer.customer_type_id not in wanted_types):
            continue
        rows.append({
            "serial": contract.serial,
            "customer_code": contract.customer_code,
            "name": customer.name if customer else "",
            "phone": customer.phone if customer else "",
            "last_purchase": str(state.get("last_purchase_local") or ""),
            "counted_from": since.isoformat(),
            "days_without": (today - since).days,
            "purchases": int(state.get("vend_count") or 0),
        })
    rows.sort(key=lambda row: (-row["days_without"], row["serial"]))
    return ReportRows(rows)


ABNORMAL_PURCHASE = ListedReport(
    "abnormal-purchase", "Abnormal purchase", "customers-and-meters",
    (ReportParameter("days", "integer", "No purchase for at least (days)", default=60, minimum=0, maximum=3650),
     CUSTOMER_TYPE),
    (col("serial", "Meter"), col("customer_code", "Customer"), col("name", "Name"), col("phone", "Phone"),
     col("last_purchase", "Last purchase", "time"), col("counted_from", "Counted from", "date"),
     col("days_without", "Days without purchase", "number"), col("purchases", "Purchases", "count")),
    abnormal_purchase,
)


def login_log(inputs: ReportInputs) -> ReportRows:
    values, today = inputs.values, inputs.today
    first = values.get("from") or f"{today - timedelta(days=LOGIN_LOG_RETENTION_DAYS):%Y-%m}"
    last = values.get("to") or f"{today:%Y-%m}"
    users, outcome = values.get("username"), values["outcome"]
    rows: list[dict[str, Any]] = []
    for month in reversed(month_span(first, last, LOG_MONTHS)):
        for item in every_item(inputs.store, f"{inputs.ctx.key_prefix}LOGIN#{month}", newest_first=True):
            entry = item["data"]
            if users is not None and entry.get("username") not in users:
                continue
            if outcome != "all" and bool(entry.get("success")) != (outcome == "success"):
                continue
            rows.append({"at": entry.get("at"), "username": entry.get("username"),
                         "success": bool(entry.get("success")), "reason": entry.get("reason", ""),
                         "source": entry.get("source", "")})
    return ReportRows(rows)


LOGIN_LOG = ListedReport(
    "login-log", "Login log", "customers-and-meters",
    (ReportParameter("from", "month", "From month"), ReportParameter("to", "month", "To month"),
     ReportParameter("username", "list", "Operators"),
     ReportParameter("outcome", "choice", "Outcome", default="all", choices=("all", "success", "failure"))),
    (col("at", "Time", "time"), col("username", "Operator"), col("success", "Succeeded", "flag"),
     col("reason", "Reason"), col("source", "Source")),
    login_log,
    also_requires=("login-log", "view"),
)

REPORTS = (CUSTOMER_INFORMATION, ABNORMAL_PURCHASE, LOGIN_LOG)
