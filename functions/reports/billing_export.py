"""A billing export: the electricity usage of every meter with readings over whole months, with the columns of
one billing report template, written as an export job (functions.reports.jobs) in the template's file type.
Reads one index page run per month (the monthly rollups of all meters, gsi1 RUM#<month>) and each meter's
latest contract and customer."""

from __future__ import annotations

from typing import Any

from functions.reports.jobs import ExportBucket, ExportJobs
from gridvend.auth.context import TenantContext
from gridvend.errors import InvalidInput, NotFound
from gridvend.reports.billing import MeterMonth, template_table, usage_rows
from gridvend.reports.line_loss_periods import months_of
from gridvend.store.ami.readings import RollupRepository
from gridvend.store.archives import ArchiveRepository
from gridvend.store.contracts import ContractRepository
from gridvend.store.customers import CustomerRepository
from gridvend.store.items import ItemStore

PAGE = 500
MAX_MONTHS = 12


def months_between(first: str, last: str) -> list[str]:
    months, year, month = [], int(first[:4]), int(first[5:7])
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month(body: dict[str, Any], name: str) -> str:
    try:
        return months_of({"month": str(body.get(name) or "")})[2][0]
    except InvalidInput:
        raise InvalidInput.for_field(name, "a month as YYYY-MM") from None


def export_months(body: dict[str, Any]) -> list[str]:
    first = _month(body, "from")
    last = _month(body, "to") if body.get("to") else first
    months = months_between(first, last)
    if not months:
        raise InvalidInput.for_field("to", "not before 'from'")
    if len(months) > MAX_MONTHS:
        raise InvalidInput.for_field("to", f"at most {MAX_MONTHS} months after 'from'")
    return months


def meter_months(store: ItemStore, tenant_id: str, months: list[str]) -> list[MeterMonth]:
    rollups = RollupRepository(store, tenant_id)
    found: list[MeterMonth] = []
    for month in months:
        start: dict[str, str] | None = None
        while True:
            page, start = rollups.of_period("month", month, limit=PAGE, start_key=start)
            found += [MeterMonth(r.meter, month, r.first_at, r.last_at, r.first, r.last, r.reading_count) for r in page]
            if start is None:
                break
    return found


def customers_of(store: ItemStore, ctx: TenantContext, meters: set[str]) -> dict[str, tuple[str, str]]:
    contracts, customers = ContractRepository(store, ctx), CustomerRepository(store, ctx)
    found: dict[str, tuple[str, str]] = {}
    for meter in meters:
        contract = contracts.get(meter)
        customer = customers.get(contract.customer_code) if contract else None
        if contract is not None:
            found[meter] = (contract.customer_code, customer.name if customer else "-")
    return found


def run_billing_export(store: ItemStore, ctx: TenantContext, bucket: ExportBucket, body: dict[str, Any]
                       ) -> dict[str, Any]:
    template_id = str(body.get("template_id") or "")
    if not template_id:
        raise InvalidInput.for_field("template_id", "the id of a billing template")
    months = export_months(body)
    template = ArchiveRepository(store, ctx).get("billing-templates", template_id)
    if template is None:
        raise NotFound(f"billing template '{template_id}' does not exist")
    usage = meter_months(store, ctx.tenant_id, months)
    rows = usage_rows(usage, customers_of(store, ctx, {month.meter for month in usage}), (months[0], months[-1]))
    parameters = {"template": template_id, "from": months[0], "to": months[-1]}
    table = template_table(template.data.get("sheet_name") or template.name, template.data["fields"], rows, parameters)
    return ExportJobs(store, ctx, bucket).run(table, str(template.data.get("file_type") or "xlsx"))
