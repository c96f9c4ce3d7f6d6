from __future__ import annotations

from pathlib import Path

import pytest

from gridvend_bridge.cli import office_devices
from gridvend_bridge.serial_module import SerialSecureModule
from gridvend_bridge.settings import load_settings

CONFIG = """
tenant = "demo"
office = "hq"
journal = "{journal}"

[mqtt]
host = "127.0.0.1"
port = 8883
cert = "/etc/gridvend-bridge/bridge.pem"
key = "/etc/gridvend-bridge/bridge.key"

[secure_module]
port = "/dev/ttyUSB0"

[printer]
serial = "/dev/ttyUSB1"

[card_reader]
pin_variable = "{pin_variable}"
"""


def test_a_config_file_gives_the_offices_devices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_BRIDGE_CARD_PIN", "12345678")
    config = tmp_path / "bridge.toml"
    config.write_text(CONFIG.format(journal=tmp_path / "journal.db", pin_variable="TEST_BRIDGE_CARD_PIN"))

    settings = load_settings(config)
    devices = office_devices(settings)

    assert settings.mqtt_endpoint().client_id == "demo:bridge-hq"
    assert isinstance(devices.module, SerialSecureModule)
    assert devices.printer is not None and devices.cards is not None


def test_a_missing_card_pin_is_named_not_guessed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_BRIDGE_NO_PIN", raising=False)
    config = tmp_path / "bridge.toml"
    config.write_text(CONFIG.format(journal=tmp_path / "journal.db", pin_variable="TEST_BRIDGE_NO_PIN"))

    with pytest.raises(ValueError, match="TEST_BRIDGE_NO_PIN"):
        office_devices(load_settings(config))
