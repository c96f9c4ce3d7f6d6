"""Energy reports from the meters' daily and monthly rollups and raw readings (seed 000 §5.10, §5.11, §5.13;
seed 002 §4.7): energy per meter and period, month power, consumption between two readings with the credit
balances and what was bought between them, and the curve of one OBIS item."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from functions.reports.customer_reports import active_contracts
from functions.reports.listed import ListedReport, ReportInputs, ReportRows, col, money
from functions.reports.meter_reports import PLACE_FILTERS, meter_filter
from functions.reports.scan import every_item
from gridvend.ami.rollups import Rollup
from gridvend.errors import InvalidInput
from gridvend.iot.messages import utc_stamp
from gridvend.iot.obis import ACTIVE_EXPORT, ACTIVE_IMPORT, ACTIVE_POWER, CREDIT, OBIS_ITEMS, import_rate, obis_item
from gridvend.reports.facts import minor, tenths
from gridvend.reports.parameters import ReportParameter, month_span, months_from_to
from gridvend.store.ami.readings import RollupRepository, reading_partition, stored_reading

MAX_DAYS = 366
MAX_POINTS = 20000
ENERGY_CODES = {"import_kwh": ACTIVE_IMPORT, "export_kwh": ACTIVE_EXPORT,
                **{f"t{rate}_kwh": import_rate(rate) for rate in range(1, 5)}}
METERS = ReportParameter("meter", "list", "Meters")
METER_FILTERS = (METERS, *PLACE_FILTERS)


def kwh(code: str, stored: int) -> Decimal:
    return obis_item(code).from_stored(stored)


def _day_range(inputs: ReportInputs, max_days: int = MAX_DAYS) -> tuple[date, date]:
    """The from/to days, either open: `to` defaults to today, `from` to the first day of `to`'s month."""
    last = date.fromisoformat(inputs.values["to"]) if inputs.values.get("to") else inputs.today
    first = date.fromisoformat(inputs.values["from"]) if inputs.values.get("from") else last.replace(day=1)
    if first > last:
        raise InvalidInput.for_field("to", "before 'from'")
    if (last - first).days >= max_days:
        raise InvalidInput.for_field("from", f"a range of at most {max_days} days")
    return first, last


def _period_rollups(inputs: ReportInputs, kind: str, period: str) -> list[Rollup]:
    found: list[Rollup] = []
    repository = RollupRepository(inputs.store, inputs.ctx.tenant_id)
    start: dict[str, str] | None = None
    while True:
        page, start = repository.of_period("day" if kind == "day" else "month", period, limit=500, start_key=start)
        found += page
        if start is None:
            return found


def energy(inputs: ReportInputs) -> ReportRows:
    first, last = _day_range(inputs)
    kind, meters = inputs.values["period"], meter_filter(inputs)
    if kind == "day":
        periods = [f"{first + timedelta(days=offset):%Y-%m-%d}" for offset in range((last - first).days + 1)]
    else:
        periods = months_from_to(first.isoformat(), last.isoformat())
    sums: dict[tuple[str, ...], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for period in periods:
        for rollup in _period_rollups(inputs, kind, period):
            if meters is not None and rollup.meter not in meters:
                continue
            key: tuple[str, ...] = (rollup.meter,) if inputs.values["view"] == "summary" else (period, rollup.meter)
            for column, code in ENERGY_CODES.items():
                sums[key][column] += rollup.consumption(code)
            sums[key]["readings"] += rollup.reading_count
    rows: list[dict[str, Any]] = []
    totals: dict[str, int] = defaultdict(int)
    for key in sorted(sums):
        row: dict[str, Any] = {"meter": key[-1], "period": key[0] if len(key) == 2 else f"{periods[0]}..{periods[-1]}"}
        for column, code in ENERGY_CODES.items():
            row[column] = str(kwh(code, sums[key][column]))
            totals[column] += sums[key][column]
        row["readings"] = sums[key]["readings"]
        totals["readings"] += sums[key]["readings"]
        rows.append(row)
    shown_totals = {column: str(kwh(code, totals[column])) for column, code in ENERGY_CODES.items()}
    return ReportRows(rows, {**shown_totals, "readings": totals["readings"]})


DAY_FROM = ReportParameter("from", "date", "From day")
DAY_TO = ReportParameter("to", "date", "To day")

ENERGY = ListedReport(
    "energy", "Energy", "energy",
    (DAY_FROM, DAY_TO,
     ReportParameter("period", "choice", "Per", default="day", choices=("day", "month")),
     ReportParameter("view", "choice", "View", default="detail", choices=("detail", "summary")), *METER_FILTERS),
    (col("period", "Period"), col("meter", "Meter"), col("import_kwh", "Import kWh", "energy"),
     col("export_kwh", "Export kWh", "energy"),
     *(col(f"t{rate}_kwh", f"Import T{rate} kWh", "energy") for rate in range(1, 5)),
     col("readings", "Readings", "count")),
    energy,
    also_requires=("readings", "view"),
)


def month_power(inputs: ReportInputs) -> ReportRows:
    values, today = inputs.values, inputs.today
    last = values.get("to") or f"{today:%Y-%m}"
    first = values.get("from") or f"{date(int(last[:4]) - 1, int(last[5:7]), 1) + timedelta(days=31):%Y-%m}"
    months = month_span(first, last, 36)
    rows: list[dict[str, Any]] = []
    total = 0
    meters = meter_filter(inputs)
    for month in months:
        for rollup in sorted(_period_rollups(inputs, "month", month), key=lambda r: r.meter):
            if meters is not None and rollup.meter not in meters:
                continue
            used = rollup.consumption(ACTIVE_IMPORT)
            total += used
            rows.append({
                "month": month, "meter": rollup.meter,
                "first_kwh": str(kwh(ACTIVE_IMPORT, rollup.first.get(ACTIVE_IMPORT, 0))),
                "last_kwh": str(kwh(ACTIVE_IMPORT, rollup.last.get(ACTIVE_IMPORT, 0))),
                "consumption_kwh": str(kwh(ACTIVE_IMPORT, used)),
                "days_read": rollup.reading_count,
            })
    return ReportRows(rows, {"consumption_kwh": str(kwh(ACTIVE_IMPORT, total))})


MONTH_POWER = ListedReport(
    "month-power", "Month power", "energy",
    (ReportParameter("from", "month", "From month"), ReportParameter("to", "month", "To month"), *METER_FILTERS),
    (col("month", "Month"), col("meter", "Meter"), col("first_kwh", "First reading kWh", "energy"),
     col("last_kwh", "Last reading kWh", "energy"), col("consumption_kwh", "Consumption kWh", "energy"),
     col("days_read", "Days with readings", "count")),
    month_power,
    also_requires=("readings", "view"),
)


def _bought(inputs: ReportInputs, serial: str, after: str, until: str) -> tuple[int, int, int]:
    """(count, net amount in minor units, energy in tenths) of the meter's issued vends in (after, until]."""
    count = amount = energy_tenths = 0
    partition = f"{inputs.ctx.key_prefix}VEND#M#{serial}"
    for item in every_item(inputs.store, partition, index="gsi1", sk_between=(after, f"{until}~")):
        receipt = item["data"]
        if str(item.get("gsi1sk", "")) <= after or receipt.get("status", "issued") != "issued":
            continue
        count += 1
        amount += minor((receipt.get("breakdown") or {}).get("net_amount"), inputs.decimals)
        energy_tenths += tenths(receipt.get("energy_kwh"))
    return count, amount, energy_tenths


def consumption(inputs: ReportInputs) -> ReportRows:
    """For each meter under contract: the last readings of the first and last day with readings in the range,
    the register energy between them (times the CT x PT ratio), the credit balances at both readings, and
    what was bought between them; used credit = start balance + bought - end balance."""
    first, last = _day_range(inputs)
    rollups = RollupRepository(inputs.store, inputs.ctx.tenant_id)
    rows: list[dict[str, Any]] = []
    meters = meter_filter(inputs)
    for contract in sorted(active_contracts(inputs), key=lambda c: c.serial):
        if meters is not None and contract.serial not in meters:
            continue
        days = rollups.of_meter(contract.serial, "day", first.isoformat(), last.isoformat())
        if not days:
            continue
        start, end = days[0], days[-1]
        count, amount, bought_tenths = _bought(inputs, contract.serial, start.last_at, end.last_at)
        start_credit, end_credit = start.last.get(CREDIT, 0), end.last.get(CREDIT, 0)
        used_register = max(0, end.last.get(ACTIVE_IMPORT, 0) - start.last.get(ACTIVE_IMPORT, 0))
        bought = Decimal(bought_tenths).scaleb(-1)
        rows.append({
            "meter": contract.serial, "customer_code": contract.customer_code,
            "start_at": start.last_at, "end_at": end.last_at,
            "start_kwh": str(kwh(ACTIVE_IMPORT, start.last.get(ACTIVE_IMPORT, 0))),
            "end_kwh": str(kwh(ACTIVE_IMPORT, end.last.get(ACTIVE_IMPORT, 0))),
            "ratio": contract.ratio,
            "consumption_kwh": str(kwh(ACTIVE_IMPORT, used_register * contract.ratio)),
            "start_credit_kwh": str(kwh(CREDIT, start_credit)), "end_credit_kwh": str(kwh(CREDIT, end_credit)),
            "purchases": count, "bought_kwh": str(bought), "sales_amount": money(amount, inputs.decimals),
            "used_credit_kwh": str(kwh(CREDIT, start_credit) + bought - kwh(CREDIT, end_credit)),
        })
    return ReportRows(rows)


CONSUMPTION = ListedReport(
    "consumption", "Consumption between readings", "energy",
    (DAY_FROM, DAY_TO, *METER_FILTERS),
    (col("meter", "Meter"), col("customer_code", "Customer"), col("start_at", "Start reading at", "time"),
     col("end_at", "End reading at", "time"), col("start_kwh", "Start reading kWh", "energy"),
     col("end_kwh", "End reading kWh", "energy"), col("ratio", "CT x PT ratio", "number"),
     col("consumption_kwh", "Consumption kWh", "energy"), col("start_credit_kwh", "Start balance kWh", "energy"),
     col("end_credit_kwh", "End balance kWh", "energy"), col("purchases", "Purchases", "count"),
     col("bought_kwh", "Bought kWh", "energy"), col("sales_amount", "Sales amount", "money"),
     col("used_credit_kwh", "Used credit kWh", "energy")),
    consumption,
    also_requires=("readings", "view"),
)


def curve(inputs: ReportInputs) -> ReportRows:
    """One OBIS item of one meter over time: each raw reading, or each day's last value (source=day)."""
    values = inputs.values
    serial, code = values["meter"], values["item"]
    item = OBIS_ITEMS[code]
    first, last = _day_range(inputs)
    points: list[tuple[str, Decimal]] = []
    if values["source"] == "day":
        for rollup in RollupRepository(inputs.store, inputs.ctx.tenant_id).of_meter(
                serial, "day", first.isoformat(), last.isoformat()):
            if code in rollup.last:
                points.append((rollup.last_at, item.from_stored(rollup.last[code])))
    else:
        since = datetime.combine(first, time.min, inputs.zone)
        until = datetime.combine(last + timedelta(days=1), time.min, inputs.zone) - timedelta(milliseconds=1)
        bounds = (utc_stamp(since), f"{utc_stamp(until)}~")
        for raw in every_item(inputs.store, reading_partition(inputs.ctx.tenant_id, serial), sk_between=bounds):
            reading = stored_reading(raw)
            if code in reading.registers:
                points.append((utc_stamp(reading.at), item.from_stored(reading.registers[code])))
            if len(points) >= MAX_POINTS:
                break
    rows = [{"at": at, "value": str(value)} for at, value in points]
    chart = {"meter": serial, "item": code, "name": item.name, "unit": item.unit,
             "series": [[at, float(value)] for at, value in points], "truncated": len(points) >= MAX_POINTS}
    return ReportRows(rows, chart=chart)


CURVE = ListedReport(
    "curve", "Curve", "energy",
    (ReportParameter("meter", "text", "Meter", required=True),
     ReportParameter("item", "choice", "Data item (OBIS)", default=ACTIVE_POWER, choices=tuple(OBIS_ITEMS)),
     DAY_FROM, DAY_TO,
     ReportParameter("source", "choice", "Points", default="raw", choices=("raw", "day"))),
    (col("at", "Time (UTC)", "time"), col("value", "Value", "number")),
    curve,
    also_requires=("readings", "view"),
)

REPORTS = (ENERGY, MONTH_POWER, CONSUMPTION, CURVE)
