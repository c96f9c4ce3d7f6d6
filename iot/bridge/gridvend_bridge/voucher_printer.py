"""The voucher printer: a receipt laid out in ESC/POS (python-escpos) and sent to the printer on a
serial line or USB in one write.

Layout: utility and office, receipt number and time, customer and meter, the priced lines, what was
paid and the energy it bought, each token large in groups of four digits, a QR code of the tokens,
then the footer and a cut.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from escpos.escpos import Escpos
from escpos.printer import Dummy

from gridvend.iot.bridge_devices import Voucher

PAPER_COLUMNS = 42  # characters per line in font A on 80 mm paper (32 on 58 mm)

RawPrinter = Callable[[bytes], None]


class PrinterUnavailable(Exception):
    """The printer could not be opened or took no data."""


def token_in_groups(token: str) -> str:
    """'12345678901234567890' -> '1234 5678 9012 3456 7890'."""
    return " ".join(token[start : start + 4] for start in range(0, len(token), 4))


def _pair(label: str, value: str, columns: int) -> str:
    gap = max(1, columns - len(label) - len(value))
    return f"{label}{' ' * gap}{value}"[: max(columns, len(label) + 1 + len(value))]


def _money(amount: Decimal, currency: str) -> str:
    shown = f"{amount.quantize(Decimal('0.01')):,}"
    return f"{currency} {shown}".strip()


def render_voucher(voucher: Voucher, columns: int = PAPER_COLUMNS) -> bytes:
    """The ESC/POS bytes of one voucher."""
    out = Dummy()
    _header(out, voucher)
    _body(out, voucher, columns)
    _tokens(out, voucher)
    out.set(align="center", normal_textsize=True)
    for line in voucher.footer:
        out.textln(line[:columns])
    out.cut()
    data: bytes = out.output
    return data


def _header(out: Escpos, voucher: Voucher) -> None:
    out.set(align="center", bold=True, double_height=True, double_width=True)
    out.textln(voucher.utility)
    out.set(align="center", normal_textsize=True)
    if voucher.office:
        out.textln(voucher.office)
    out.textln("ELECTRICITY TOKEN")
    out.ln()


def _body(out: Escpos, voucher: Voucher, columns: int) -> None:
    out.set(align="left", normal_textsize=True)
    issued = voucher.issued_at.strftime("%Y-%m-%d %H:%M %z")
    pairs = [
        ("Receipt", voucher.receipt_no),
        ("Date", issued),
        ("Operator", voucher.operator),
        ("Customer", voucher.customer_name),
        ("Account", voucher.customer_code),
        ("Meter", voucher.meter_serial),
        ("Tariff", voucher.tariff),
    ]
    for label, value in pairs:
        if value:
            out.textln(_pair(label, value, columns))
    out.textln("-" * columns)
    for line in voucher.lines:
        out.textln(_pair(line.label, _money(line.amount, voucher.currency), columns))
    out.set(align="left", bold=True, normal_textsize=True)
    out.textln(_pair("Paid", _money(voucher.amount_paid, voucher.currency), columns))
    out.textln(_pair("Energy", f"{voucher.energy} {voucher.energy_unit}", columns))
    out.set(align="left", bold=False, normal_textsize=True)
    out.textln("-" * columns)


def _tokens(out: Escpos, voucher: Voucher) -> None:
    several = len(voucher.tokens) > 1
    for number, token in enumerate(voucher.tokens, start=1):
        out.set(align="center", normal_textsize=True)
        out.textln(f"TOKEN {number} OF {len(voucher.tokens)}" if several else "TOKEN")
        out.set(align="center", bold=True, double_height=True)
        out.textln(token_in_groups(token))
    out.set(align="center", normal_textsize=True, bold=False)
    out.ln()
    out.qr(" ".join(voucher.tokens), size=6, native=True)
    out.ln()


@dataclass(frozen=True)
class SerialPrinterConfig:
    device: str
    baudrate: int = 9600


@dataclass(frozen=True)
class UsbPrinterConfig:
    vendor_id: int
    product_id: int


def escpos_raw_printer(config: SerialPrinterConfig | UsbPrinterConfig) -> RawPrinter:
    """Sends bytes to the printer, opening it for each voucher (printers get switched off and on)."""

    def send(data: bytes) -> None:
        from escpos import printer

        device: Escpos
        if isinstance(config, SerialPrinterConfig):
            device = printer.Serial(devfile=config.device, baudrate=config.baudrate, dsrdtr=False)
        else:
            device = printer.Usb(config.vendor_id, config.product_id)
        try:
            device.open()
            device._raw(data)
        except Exception as failure:  # escpos raises its own types and the transports' (serial, usb)
            reason = type(failure).__name__
            raise PrinterUnavailable(f"the voucher printer did not take the voucher ({reason})") from None
        finally:
            with contextlib.suppress(Exception):
                device.close()

    return send


class VoucherPrinter:
    def __init__(self, send: RawPrinter, columns: int = PAPER_COLUMNS) -> None:
        self._send = send
        self._columns = columns

    def print_voucher(self, voucher: Voucher) -> None:
        self._send(render_voucher(voucher, self._columns))
