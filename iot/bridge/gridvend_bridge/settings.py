"""The agent's configuration: a TOML file, for example

    tenant = "demo"
    office = "hq"
    journal = "/var/lib/gridvend-bridge/journal.db"
    heartbeat_seconds = 60

    [mqtt]                      # IoT Core's data endpoint, or the local mosquitto
    host = "127.0.0.1"
    port = 8883
    cert = "/etc/gridvend-bridge/bridge.pem"
    key = "/etc/gridvend-bridge/bridge.key"
    ca = "/etc/gridvend-bridge/ca.pem"
    iot_core_limits = true      # IoT Core's client-side flow control; false for a local mosquitto

    [secure_module]             # optional
    port = "/dev/serial/by-id/usb-Silicon_Labs_CP2102-if00-port0"
    baudrate = 115200

    [printer]                   # optional: serial, or usb_vendor + usb_product
    serial = "/dev/ttyUSB1"
    baudrate = 9600
    columns = 42

    [card_reader]               # optional: a PC/SC reader; the write PIN comes from the environment
    name_contains = "ACS"
    pin_variable = "GRIDVEND_CARD_PIN"

No secret is kept in the file: the card PIN is read from the environment variable it names.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from gridvend.iot.bridge_topics import bridge_common_name
from gridvend.iot.bridge_transport import MqttEndpoint


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MqttSettings(_Section):
    host: str
    port: int = Field(default=8883, ge=1, le=65535)
    cert: Path
    key: Path
    ca: Path | None = None
    client_id: str | None = None
    iot_core_limits: bool = True


class SecureModuleSettings(_Section):
    port: str
    baudrate: int = 115200
    reply_timeout_seconds: float = Field(default=2.0, gt=0)
    attempts: int = Field(default=3, ge=1, le=10)


class PrinterSettings(_Section):
    serial: str | None = None
    baudrate: int = 9600
    usb_vendor: int | None = None
    usb_product: int | None = None
    columns: int = Field(default=42, ge=24, le=64)

    @model_validator(mode="after")
    def _one_connection(self) -> PrinterSettings:
        if (self.serial is None) == (self.usb_vendor is None or self.usb_product is None):
            raise ValueError("a printer has either a serial device or a USB vendor and product id")
        return self


class CardReaderSettings(_Section):
    name_contains: str = ""
    pin_variable: str = "GRIDVEND_CARD_PIN"

    def write_pin(self) -> bytes:
        pin = os.environ.get(self.pin_variable, "")
        if not pin:
            raise ValueError(f"the card write PIN is missing: set the environment variable {self.pin_variable}")
        return pin.encode()


class AgentSettings(_Section):
    tenant: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_:-]{0,63}$")
    office: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_:-]{0,56}$")
    journal: Path
    heartbeat_seconds: float = Field(default=60.0, gt=0)
    mqtt: MqttSettings
    secure_module: SecureModuleSettings | None = None
    printer: PrinterSettings | None = None
    card_reader: CardReaderSettings | None = None

    def mqtt_endpoint(self) -> MqttEndpoint:
        client_id = self.mqtt.client_id or bridge_common_name(self.tenant, self.office).replace("/", ":")
        mqtt = self.mqtt
        return MqttEndpoint(mqtt.host, mqtt.port, mqtt.cert, mqtt.key, mqtt.ca, client_id, mqtt.iot_core_limits)


def load_settings(path: Path) -> AgentSettings:
    with path.open("rb") as config_file:
        return AgentSettings.model_validate(tomllib.load(config_file))
