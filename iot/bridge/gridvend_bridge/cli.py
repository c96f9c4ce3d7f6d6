"""gridvend-bridge: run the office bridge agent, or an emulated secure module for it.

    gridvend-bridge run --config bridge.toml
    gridvend-bridge emulate-module --link /run/gridvend/ttySM0 [--module-id sm-1] [--transport-key-id tk-1]

The emulated module takes its master key from GRIDVEND_SECURE_MASTER_KEY and, to open sealed key
files, the transport key from GRIDVEND_TRANSPORT_KEY (hex); both stay in process memory.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import threading
from collections.abc import Sequence
from pathlib import Path

from gridvend.secure.key_file import TransportKey
from gridvend.secure.master_key import master_key_from_environment, parse_key_text
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend_bridge.cards.card_service import CardService
from gridvend_bridge.cards.pcsc_reader import PcscReader
from gridvend_bridge.device_actions import OfficeDevices
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


def run_agent(config: Path) -> int:
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
    agent.start()
    logger.info("bridge agent started", extra={"tenant": settings.tenant, "office": settings.office})
    _wait_for_signal()
    agent.stop()
    journal.close()
    return 0


def emulate_module(link: Path, module_id: str, transport_key_id: str) -> int:
    transport_text = os.environ.get(TRANSPORT_KEY_VARIABLE)
    transport_key = (
        TransportKey(transport_key_id, parse_key_text(transport_text, f"environment variable {TRANSPORT_KEY_VARIABLE}"))
        if transport_text
        else None
    )
    module = SoftwareSecureModule(master_key_from_environment(), transport_key)
    link.parent.mkdir(parents=True, exist_ok=True)
    with PtyModule(ModuleEmulator(module, module_id), link=link) as plugged:
        print(f"emulated secure module {module_id} on {plugged.path}", flush=True)
        _wait_for_signal()
    return 0


def _wait_for_signal() -> None:
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gridvend-bridge", description=__doc__.split("\n\n")[0])
    parser.add_argument("--log-level", default="INFO")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the bridge agent")
    run.add_argument("--config", type=Path, required=True)
    emulate = commands.add_parser("emulate-module", help="an emulated secure module on a pseudo-terminal")
    emulate.add_argument("--link", type=Path, required=True, help="symlink to the terminal, for the agent's config")
    emulate.add_argument("--module-id", default="sm-emulated")
    emulate.add_argument("--transport-key-id", default="tk-1")
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=arguments.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if arguments.command == "run":
        return run_agent(arguments.config)
    return emulate_module(arguments.link, arguments.module_id, arguments.transport_key_id)
