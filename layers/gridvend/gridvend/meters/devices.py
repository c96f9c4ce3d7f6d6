"""Communication devices: GPRS/4G modules (one per meter), concentrators / DPU gateways (many meters,
reached over TCP or a serial line), SIM cards (in a module or a concentrator) and hand-held units."""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

from gridvend.archives.fields import Phone, Text
from gridvend.errors import InvalidInput


class DeviceKind(StrEnum):
    MODULE = "module"
    CONCENTRATOR = "concentrator"
    SIM = "sim"
    HHU = "hhu"


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


DeviceId = Annotated[
    str, BeforeValidator(_upper), StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9_.:\-]{0,39}$")
]
Label = Annotated[str, StringConstraints(max_length=100)]


class DeviceInput(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    device_id: DeviceId
    name: Label = ""
    remark: Text = ""


class ModuleInput(DeviceInput):
    network: Literal["gprs", "4g", "nb-iot"] = "4g"
    imei: Annotated[str, StringConstraints(pattern=r"^\d{15}$")] | None = None
    sim_id: DeviceId | None = None
    firmware: Label = ""


class ConcentratorInput(DeviceInput):
    connection: Literal["tcp", "serial"] = "tcp"
    ip: Annotated[str, StringConstraints(max_length=45)] | None = None
    port: int | None = Field(default=None, ge=1, le=65535)
    serial_port: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9/_.\-]{1,40}$")] | None = None
    baud_rate: Literal[300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] = 9600
    data_bits: Literal[7, 8] = 8
    parity: Literal["none", "odd", "even"] = "none"
    stop_bits: Literal[1, 2] = 1
    sim_id: DeviceId | None = None
    max_meters: int = Field(default=1024, ge=1, le=10000)
    location: Label = ""

    @field_validator("ip")
    @classmethod
    def _an_ip_address(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ipaddress.ip_address(value)
            except ValueError:
                raise ValueError("not an IPv4 or IPv6 address") from None
        return value


class SimInput(DeviceInput):
    device_id: Annotated[str, BeforeValidator(_upper), StringConstraints(pattern=r"^\d{18,19}[0-9F]?$")]  # ICCID
    phone: Phone
    carrier: Label = ""
    bought_on: dt.date | None = None


class HhuInput(DeviceInput):
    category: Label = ""
    model: Label = ""
    holder: Label = ""


DEVICE_SCHEMAS: dict[DeviceKind, type[DeviceInput]] = {
    DeviceKind.MODULE: ModuleInput,
    DeviceKind.CONCENTRATOR: ConcentratorInput,
    DeviceKind.SIM: SimInput,
    DeviceKind.HHU: HhuInput,
}
BINDABLE_TO_METERS = (DeviceKind.MODULE, DeviceKind.CONCENTRATOR)


def check_connection(device: DeviceInput) -> None:
    """A TCP concentrator needs its address and port; a serial one its port name."""
    if isinstance(device, ConcentratorInput):
        if device.connection == "tcp":
            for name in ("ip", "port"):
                if getattr(device, name) is None:
                    raise InvalidInput.for_field(name, "required for a tcp connection")
        elif device.serial_port is None:
            raise InvalidInput.for_field("serial_port", "required for a serial connection")


def device_kind(value: Any, field_name: str = "kind") -> DeviceKind:
    if value not in DeviceKind.__members__.values():
        raise InvalidInput.for_field(field_name, f"one of {', '.join(kind.value for kind in DeviceKind)}")
    return DeviceKind(value)


@dataclass(frozen=True)
class Device:
    device_id: str
    kind: DeviceKind
    fields: dict[str, Any]  # the kind's input fields but device_id
    meter_serial: str | None = None  # the meter a module is bound to
    used_by: str | None = None  # the module or concentrator a SIM sits in
    bound_count: int = 0  # meters on it (module, concentrator) or devices using it (SIM): blocks deletion
    created_at: str = ""
    updated_at: str = ""
    version: int = 1

    @property
    def sim_id(self) -> str | None:
        value = self.fields.get("sim_id")
        return str(value) if value else None

    def public(self) -> dict[str, Any]:
        shown: dict[str, Any] = {"device_id": self.device_id, "kind": self.kind.value, **self.fields}
        if self.kind is DeviceKind.MODULE:
            shown["meter_serial"] = self.meter_serial
        elif self.kind is DeviceKind.CONCENTRATOR:
            shown["meter_count"] = self.bound_count
        elif self.kind is DeviceKind.SIM:
            shown["used_by"] = self.used_by
        shown.update(created_at=self.created_at, updated_at=self.updated_at, version=self.version)
        return shown
