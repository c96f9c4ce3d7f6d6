"""gridvend-bridge: run the office bridge agent, or an emulated secure module for it.

    gridvend-bridge run --config bridge.toml [--health-port N]
    gridvend-bridge emulate-module --link /run/gridvend/ttySM0 [--module-id sm-1] [--transport-key-id tk-1]
                                   [--key-file keys.json] [--health-port N]

The emulated module takes its master key from GRIDVEND_SECURE_MASTER_KEY and, to open sealed key
files, the transport key from GRIDVEND_TRANSPORT_KEY (hex); both stay in process memory. `--key-file`
loads a key file at start (plain keys allowed: the emulator is for development and tests). `--health-port`
opens a loopback port once the process is ready (the agent: connected and subscribed), for a supervisor.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from collections.abc import Sequence
from pathlib import Path

from gridvend.secure.key_file import TransportKey, parse_key_file
from gridvend.secure.master_key import master_key_from_environment, parse_key_text
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend_bridge.cards.card_service import CardService
from gridvend_bridge.cards.pcsc_reader import PcscReader
from gridvend_bridge.device_actions import OfficeDevices
from gridvend_bridge.health_port import HealthPort
from gridvend_bridge.journal import Journal
from gridvend_bridge.module_emulator import ModuleEmulator, PtyModule
from gridvend_bridge.mqtt_agent import AgentTiming, BridgeAgent
from gridvend_bridge.serial_link import LinkTiming, ModuleLink, serial_port_opener
from gridvend_bridge.serial_module import SerialSecureModule
from gridvend_bridge.settings import AgentSettings, load_settings
from gridvend_bridge.voucher_printer import SerialPrinterConfig, UsbPrinterConfig, VoucherPrinter, escpos_raw_printer

TRANSPORT_KEY_VARIABLE = "GRIDVEND_TRANSPORT_KEY"
logger = logging.getLogger("gridvend_bridge")


def office_devices(settings: AgentSettings) -> OfficeDevices:
    devices = OfficeDevices()
    if settings.secure_module is not None:
        module_settings = settings.secure_module
        timing = LinkTiming(
            reply_timeout_seconds=module_settings.reply_timeout_seconds, attempts=module_settings.attempts
        )
        link = ModuleLink(serial_port_opener(module_settings.port, module_settings.baudrate), timing)
        devices.module = SerialSecureModule(link)
    if settings.printer is not None:
        printer = settings.printer
        connection: SerialPrinterConfig | UsbPrinterConfig
        if printer.serial is not None:
            connection = SerialPrinterConfig(printer.serial, printer.baudrate)
        else:
            assert printer.usb_vendor is not None and printer.usb_product is not None
            connection = UsbPrinterConfig(printer.usb_vendor, printer.usb_product)
        devices.printer = VoucherPrinter(escpos_raw_printer(connection), printer.columns)
    if settings.card_reader is not None:
        reader = settings.card_reader
        devices.cards = CardService(PcscReader(reader.name_contains), reader.write_pin())
    return devices


_SERVING_WAIT_SECONDS = 120.0


def run_agent(config: Path, health_port: int | None = None) -> int:
    settings = load_settings(config)
    settings.journal.parent.mkdir(parents=True, exist_ok=True)
    journal = Journal(settings.journal)
    agent = BridgeAgent(
        settings.mqtt_endpoint(),
        settings.tenant,
        settings.office,
        office_devices(settings),
        journal,
        AgentTiming(heartbeat_seconds=settings.heartbeat_seconds),
    )
    stop = _stop_on_signal()
    agent.start()
    logger.info("bridge agent started", extra={"tenant": settings.tenant, "office": settings.office})
    health = None
    if health_port is not None and agent.serving.wait(_SERVING_WAIT_SECONDS):
        health = HealthPort(health_port)
    stop.wait()
    if health is not None:
        health.close()
    agent.stop()
    journal.close()
    return 0


def emulate_module(
    link: Path, module_id: str, transport_key_id: str, key_file: Path | None = None, health_port: int | None = None
) -> int:
    transport_text = os.environ.get(TRANSPORT_KEY_VARIABLE)
    transport_key = (
        TransportKey(transport_key_id, parse_key_text(transport_text, f"environment variable {TRANSPORT_KEY_VARIABLE}"))
        if transport_text
        else None
    )
    module = SoftwareSecureModule(master_key_from_environment(), transport_key, allow_plaintext_keys=True)
    if key_file is not None:
        installed = module.load_key_file(parse_key_file(key_file.read_bytes()))
        print(f"loaded {len(installed)} vending key(s) from {key_file}", flush=True)
    link.parent.mkdir(parents=True, exist_ok=True)
    stop = _stop_on_signal()
    with PtyModule(ModuleEmulator(module, module_id), link=link) as plugged:
        print(f"emulated secure module {module_id} on {plugged.path}", flush=True)
        health = HealthPort(health_port) if health_port is not None else None
        stop.wait()
        if health is not None:
            health.close()
    return 0


def _stop_on_signal() -> threading.Event:
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    return stop


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gridvend-bridge", description=__doc__.split("\n\n")[0])
    parser.add_argument("--log-level", default="INFO")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the bridge agent")
    run.add_argument("--config", type=Path, required=True)
    run.add_argument("--health-port", type=int, help="loopback port opened once connected and serving")
    emulate = commands.add_parser("emulate-module", help="an emulated secure module on a pseudo-terminal")
    emulate.add_argument("--link", type=Path, required=True, help="symlink to the terminal, for the agent's config")
    emulate.add_argument("--module-id", default="sm-emulated")
    emulate.add_argument("--transport-key-id", default="tk-1")
    emulate.add_argument("--key-file", type=Path, help="a key file to load at start (development only)")
    emulate.add_argument("--health-port", type=int, help="loopback port opened once the module is plugged in")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=arguments.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s", force=True)
    if arguments.command == "run":
        return run_agent(arguments.config, arguments.health_port)
    return emulate_module(
        arguments.link, arguments.module_id, arguments.transport_key_id, arguments.key_file, arguments.health_port
    )
