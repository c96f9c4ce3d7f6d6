"""SIM card and concentrator import rows: one device each, unique by its id (a SIM's is its ICCID)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.errors import InvalidInput
from gridvend.imports.files import Row
from gridvend.imports.rows import ReferenceCounts, rejected, typed_values, validated_row
from gridvend.meters.devices import DEVICE_SCHEMAS, DeviceKind, check_connection
from gridvend.store.devices import DeviceRepository, new_device
from gridvend.store.items import Item, ItemStore

CONCENTRATOR_INT_COLUMNS = frozenset({"port", "baud_rate", "data_bits", "stop_bits", "max_meters"})


@dataclass(frozen=True, slots=True)
class ValidDeviceRow:
    device_id: str
    fields: dict[str, Any]


class DeviceImporter:
    """`renamed`: file column -> schema field (a SIM file names its id `iccid`)."""

    kind: DeviceKind
    columns: frozenset[str]
    required: frozenset[str]
    key_column: str
    renamed: dict[str, str] = {}
    int_columns: frozenset[str] = frozenset()

    def __init__(self, store: ItemStore, ctx: TenantContext, job_id: str) -> None:
        self._devices = DeviceRepository(store, ctx)
        self._job_id = job_id

    def validate(self, row: Row) -> ValidDeviceRow:
        values = typed_values(row, self.int_columns)
        fields = {self.renamed.get(name, name): value for name, value in values.items()}
        columns_of = {field: column for column, field in self.renamed.items()}
        device = validated_row(DEVICE_SCHEMAS[self.kind], fields, columns_of)
        try:
            check_connection(device)
        except InvalidInput as error:
            raise rejected(error, columns_of) from None
        return ValidDeviceRow(device.device_id, device.model_dump(mode="json", exclude={"device_id"}))

    def key(self, valid: ValidDeviceRow) -> str:
        return valid.device_id

    def existing(self, keys: Sequence[str]) -> set[str]:
        return self._devices.existing_ids(keys)

    def reference_counts(self, rows: Sequence[ValidDeviceRow]) -> ReferenceCounts:
        return Counter()

    def items(self, rows: Sequence[ValidDeviceRow]) -> list[Item]:
        return [self._devices.item(new_device(self.kind, row.device_id, row.fields)) for row in rows]


class SimImporter(DeviceImporter):
    kind = DeviceKind.SIM
    columns = frozenset({"iccid", "phone", "carrier", "bought_on", "name", "remark"})
    required = frozenset({"iccid", "phone"})
    key_column = "iccid"
    renamed = {"iccid": "device_id"}


class ConcentratorImporter(DeviceImporter):
    kind = DeviceKind.CONCENTRATOR
    columns = frozenset({
        "device_id", "name", "connection", "ip", "port", "serial_port", "baud_rate", "data_bits", "parity",
        "stop_bits", "max_meters", "location", "remark",
    })
    required = frozenset({"device_id"})
    key_column = "device_id"
    int_columns = CONCENTRATOR_INT_COLUMNS
