"""Meter import rows: serial, meter model code, SGC and the rest of the STS identity, branch code, ratio."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from gridvend.archives.fields import Code, Text
from gridvend.auth.context import TenantContext
from gridvend.errors import InvalidInput
from gridvend.imports.files import Row
from gridvend.imports.model import RowRejected
from gridvend.imports.rows import ReferenceCounts, rejected, typed_values, validated_row
from gridvend.meters.identity import IDENTITY_FIELDS, StsIdentityInput, resolved_identity
from gridvend.meters.model import HistoryEntry, Meter
from gridvend.meters.schemas import InitialState, Ratio, Serial
from gridvend.meters.service import tenant_base_date
from gridvend.meters.states import MeterState
from gridvend.store.archives import ArchiveRepository
from gridvend.store.items import Item, ItemStore
from gridvend.store.meters import MeterRepository, now_text

INT_COLUMNS = frozenset({"ti", "krn", "key_type", "ea", "dkga", "base_date", "key_expiry", "ct_ratio", "pt_ratio"})


class MeterImportRow(StsIdentityInput):
    serial: Serial
    model: Code
    branch: Code | None = None
    ct_ratio: Ratio | None = None
    pt_ratio: Ratio | None = None
    state: InitialState = "in_warehouse"
    factory_date: dt.date | None = None
    remark: Text = ""


@dataclass(frozen=True, slots=True)
class ValidMeterRow:
    serial: str
    model_id: str
    branch_id: str | None
    ct_ratio: int
    pt_ratio: int
    identity: tuple[object, ...]  # in IDENTITY_FIELDS order: a tuple keeps 100,000 rows small
    state: str
    factory_date: str | None
    remark: str


@dataclass(frozen=True)
class _Model:
    record_id: str
    ct_ratio: int
    pt_ratio: int


class MeterImporter:
    columns = frozenset({*MeterImportRow.model_fields})
    required = frozenset({"serial", "model", "sgc"})
    key_column = "serial"

    def __init__(self, store: ItemStore, ctx: TenantContext, job_id: str) -> None:
        self._ctx = ctx
        self._job_id = job_id
        self._archives = ArchiveRepository(store, ctx)
        self._meters = MeterRepository(store, ctx)
        self._base_date = tenant_base_date(store, ctx)
        self._models: dict[str, _Model | None] = {}
        self._branches: dict[str, str | None] = {}

    def validate(self, row: Row) -> ValidMeterRow:
        parsed: MeterImportRow = validated_row(MeterImportRow, typed_values(row, INT_COLUMNS))
        model = self._model(parsed.model)
        branch_id = self._branch(parsed.branch) if parsed.branch else None
        try:
            identity = resolved_identity(parsed, parsed.serial, self._base_date)
        except InvalidInput as error:
            raise rejected(error) from None
        return ValidMeterRow(
            serial=parsed.serial,
            model_id=model.record_id,
            branch_id=branch_id,
            ct_ratio=parsed.ct_ratio or model.ct_ratio,
            pt_ratio=parsed.pt_ratio or model.pt_ratio,
            identity=tuple(identity[name] for name in IDENTITY_FIELDS),
            state=parsed.state,
            factory_date=parsed.factory_date.isoformat() if parsed.factory_date else None,
            remark=parsed.remark,
        )

    def key(self, valid: ValidMeterRow) -> str:
        return valid.serial

    def existing(self, keys: Sequence[str]) -> set[str]:
        return self._meters.existing_serials(keys)

    def reference_counts(self, rows: Sequence[ValidMeterRow]) -> ReferenceCounts:
        counts: ReferenceCounts = Counter(("meter-models", row.model_id) for row in rows)
        counts.update(("branches", row.branch_id) for row in rows if row.branch_id)
        return counts

    def items(self, rows: Sequence[ValidMeterRow]) -> list[Item]:
        moment = now_text()
        reason = f"imported (job {self._job_id})"
        return [self._meters.item(self._meter(row, moment, reason)) for row in rows]

    def _meter(self, row: ValidMeterRow, moment: str, reason: str) -> Meter:
        return Meter(
            serial=row.serial,
            identity=dict(zip(IDENTITY_FIELDS, row.identity, strict=True)),
            model_id=row.model_id,
            ct_ratio=row.ct_ratio,
            pt_ratio=row.pt_ratio,
            state=MeterState(row.state),
            branch_id=row.branch_id,
            factory_date=row.factory_date,
            remark=row.remark,
            history=(HistoryEntry(moment, None, row.state, reason, self._ctx.username),),
            created_at=moment,
            updated_at=moment,
        )

    def _model(self, code: str) -> _Model:
        key = code.upper()
        if key not in self._models:
            record = self._archives.get_by_code("meter-models", code)
            self._models[key] = (
                _Model(record.record_id, int(record.data.get("ct_ratio") or 1), int(record.data.get("pt_ratio") or 1))
                if record
                else None
            )
        found = self._models[key]
        if found is None:
            raise RowRejected("model", f"no meter model with code '{code}'")
        return found

    def _branch(self, code: str) -> str:
        key = code.upper()
        if key not in self._branches:
            record = self._archives.get_by_code("branches", code)
            self._branches[key] = record.record_id if record else None
        found = self._branches[key]
        if found is None:
            raise RowRejected("branch", f"no branch with code '{code}'")
        return found
