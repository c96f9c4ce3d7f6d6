"""Meter reports (seed 000 §5.1, §5.2, §5.9): meter status (detail or summary), the forecast of expiring
meters and the meter key report. They read the meters partition (by state where one state is asked)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date
from typing import Any

from functions.reports.listed import ListedReport, ReportInputs, ReportRows, col
from functions.reports.places import Places
from functions.reports.scan import archive_records, every_item
from gridvend.meters.model import Meter
from gridvend.meters.states import MeterState
from gridvend.reports.meter_rules import expiry, is_due, life_start, using_status
from gridvend.reports.parameters import ReportParameter
from gridvend.store.archives import ArchiveRepository
from gridvend.store.meters import MeterRepository

STATES = tuple(state.value for state in MeterState)
BRANCH = ReportParameter("branch", "list", "Branches")
MODEL = ReportParameter("meter_model", "list", "Meter models")
STATE = ReportParameter("state", "list", "Meter states", choices=STATES)
REGION = ReportParameter("region", "list", "Regions (and the regions below them)")
PLACE_FILTERS = (REGION, BRANCH, MODEL)


def wanted_branches(inputs: ReportInputs) -> frozenset[str] | None:
    """The branches the branch and region parameters allow (None: any branch)."""
    branches, regions = inputs.values.get("branch"), inputs.values.get("region")
    if regions is None:
        return branches
    places = Places.load(ArchiveRepository(inputs.store, inputs.ctx))
    within = places.regions_within(regions)
    in_regions = frozenset(branch for branch, region in places.region_of_branch.items() if region in within)
    return in_regions if branches is None else in_regions & branches


def meter_filter(inputs: ReportInputs) -> frozenset[str] | None:
    """The serials the meter, region, branch and model parameters allow (None: every meter), for reports
    over readings; reads the meters only when a place or model is asked."""
    serials = inputs.values.get("meter")
    if all(inputs.values.get(name) is None for name in ("region", "branch", "meter_model")):
        return serials
    placed = frozenset(meter.serial for meter in meters(inputs, frozenset(STATES)))
    return placed if serials is None else placed & serials


def meters(inputs: ReportInputs, states: frozenset[str] | None = None) -> Iterator[Meter]:
    """The tenant's meters, filtered by the branch, model and state parameters (and `states` when given)."""
    repository = MeterRepository(inputs.store, inputs.ctx)
    wanted = states if states is not None else inputs.values.get("state")
    if wanted is not None and len(wanted) == 1:
        items = every_item(inputs.store, f"{repository.partition}#ST#{next(iter(wanted))}", index="gsi1")
    else:
        items = every_item(inputs.store, repository.partition, sk_prefix="M#")
    branches, models = wanted_branches(inputs), inputs.values.get("meter_model")
    for item in items:
        meter = Meter.from_stored(item["data"], int(item.get("version", 1)))
        if wanted is not None and meter.state.value not in wanted:
            continue
        if branches is not None and (meter.branch_id or "-") not in branches:
            continue
        if models is not None and meter.model_id not in models:
            continue
        yield meter


def _model_names(inputs: ReportInputs) -> dict[str, str]:
    return {key: record.code for key, record in archive_records(ArchiveRepository(inputs.store, inputs.ctx),
                                                                 "meter-models").items()}


USING_STATES = {"using": frozenset({"in_service"}), "in_warehouse": frozenset({"in_warehouse"})}


def meter_status(inputs: ReportInputs) -> ReportRows:
    using = inputs.values["using"]
    names = _model_names(inputs)
    found = [
        {
            "serial": meter.serial,
            "meter_model": names.get(meter.model_id, meter.model_id),
            "state": meter.state.value,
            "using": using_status(meter.state.value),
            "branch": meter.branch_id or "-",
            "install_date": meter.install_date or "",
            "count": 1,
        }
        for meter in meters(inputs, USING_STATES.get(using))
    ]
    if inputs.values["view"] == "detail":
        rows = sorted(found, key=lambda row: row["serial"])
    else:
        by = inputs.values["summary_by"]
        counts = Counter(row[by] for row in found)
        rows = [{by: key, "count": counts[key]} for key in sorted(counts)]
    return ReportRows(rows, {"count": len(found)})


METER_STATUS = ListedReport(
    "meter-status", "Meter status", "customers-and-meters",
    (
        ReportParameter("using", "choice", "Using status", default="all", choices=("all", "using", "in_warehouse")),
        ReportParameter("view", "choice", "Report type", default="summary", choices=("summary", "detail")),
        ReportParameter("summary_by", "choice", "Summary by", default="meter_model",
                        choices=("meter_model", "using", "state")),
        *PLACE_FILTERS, STATE,
    ),
    (col("serial", "Meter"), col("meter_model", "Meter model"), col("state", "State"), col("using", "Using status"),
     col("branch", "Branch"), col("install_date", "Installed", "date"), col("count", "Meters", "count")),
    meter_status,
)


def _customers_of_meters(inputs: ReportInputs) -> dict[str, str]:
    """Serial -> customer code of each meter's active contract."""
    partition = f"{inputs.ctx.key_prefix}CONTRACT"
    return {
        str(item["data"]["serial"]): str(item["data"]["customer_code"])
        for item in every_item(inputs.store, partition, sk_prefix="M#")
        if item["data"].get("status") == "active"
    }


def expiring_meters(inputs: ReportInputs) -> ReportRows:
    days, overdue = inputs.values["days"], inputs.values["overdue"]
    models = archive_records(ArchiveRepository(inputs.store, inputs.ctx), "meter-models")
    customers = _customers_of_meters(inputs)
    today = inputs.today
    rows: list[dict[str, Any]] = []
    for meter in meters(inputs, inputs.values.get("state") or frozenset({"in_service"})):
        start, basis = life_start(meter.factory_date, meter.install_date, meter.created_at)
        model = models.get(meter.model_id)
        life_years = int(model.data.get("life_years", 10)) if model else 10
        if start is None:
            continue
        expires_on = expiry(start, life_years)
        if not is_due(expires_on, today, days, overdue):
            continue
        rows.append(_expiring_row(meter, model.code if model else meter.model_id, basis, start, life_years,
                                  expires_on, today, customers.get(meter.serial, "")))
    rows.sort(key=lambda row: (row["expires_on"], row["serial"]))
    return ReportRows(rows)


def _expiring_row(meter: Meter, model: str, basis: str, start: date, life_years: int, expires_on: date,
                  today: date, customer: str) -> dict[str, Any]:
    return {
        "serial": meter.serial,
        "meter_model": model,
        "state": meter.state.value,
        "branch": meter.branch_id or "-",
        "customer_code": customer,
        "life_from": start.isoformat(),
        "life_basis": basis,
        "life_years": life_years,
        "expires_on": expires_on.isoformat(),
        "days_left": (expires_on - today).days,
    }


EXPIRING_METERS = ListedReport(
    "expiring-meters", "Forecast of expiring meters", "customers-and-meters",
    (
        ReportParameter("days", "integer", "Expiring within (days)", default=120, minimum=0, maximum=3650),
        ReportParameter("overdue", "boolean", "Include overdue meters", default=False),
        *PLACE_FILTERS, ReportParameter("state", "list", "Meter states (default in service)", choices=STATES),
    ),
    (col("serial", "Meter"), col("meter_model", "Meter model"), col("state", "State"), col("branch", "Branch"),
     col("customer_code", "Customer"), col("life_from", "Life from", "date"), col("life_basis", "Counted from"),
     col("life_years", "Life (years)", "number"), col("expires_on", "Expires", "date"),
     col("days_left", "Days left", "number")),
    expiring_meters,
)


KEY_FIELDS = ("sgc", "krn", "ti", "key_type", "ea", "dkga", "base_date", "key_expiry", "iin", "drn")


def meter_keys(inputs: ReportInputs) -> ReportRows:
    """The key identity of each meter (never a key: decoder keys are derived in the secure module)."""
    names = _model_names(inputs)
    sgcs = inputs.values.get("sgc")
    rows: list[dict[str, Any]] = []
    for meter in meters(inputs):
        identity = meter.identity
        if sgcs is not None and str(identity.get("sgc")) not in sgcs:
            continue
        rows.append({"serial": str(meter.serial), "meter_model": names.get(meter.model_id, meter.model_id),
                     "state": meter.state.value, **{name: identity.get(name) for name in KEY_FIELDS}})
    rows.sort(key=lambda row: row["serial"])
    return ReportRows(rows)


METER_KEYS = ListedReport(
    "meter-keys", "Meter keys", "customers-and-meters",
    (*PLACE_FILTERS, STATE, ReportParameter("sgc", "list", "Supply group codes")),
    (col("serial", "Meter"), col("meter_model", "Meter model"), col("state", "State"), col("sgc", "SGC"),
     col("krn", "KRN", "number"), col("ti", "TI", "number"), col("key_type", "Key type", "number"),
     col("ea", "Encryption algorithm", "number"), col("dkga", "DKGA", "number"), col("base_date", "Base date"),
     col("key_expiry", "Key expiry", "number"), col("iin", "IIN"), col("drn", "DRN")),
    meter_keys,
    also_requires=("meters", "view"),
)

REPORTS = (METER_STATUS, EXPIRING_METERS, METER_KEYS)
