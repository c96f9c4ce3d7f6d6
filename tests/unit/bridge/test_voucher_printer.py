from __future__ import annotations

import os
import select
import tty
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gridvend.iot.bridge_devices import Voucher, VoucherLine
from gridvend_bridge.voucher_printer import (
    PrinterUnavailable,
    SerialPrinterConfig,
    VoucherPrinter,
    escpos_raw_printer,
    render_voucher,
    token_in_groups,
)

TOKEN = "23716100501183194197"
GS_QR_STORE = b"\x1d(k"  # GS ( k: the printer's own QR code commands
CUT = b"\x1dV"


def _voucher(**changes: object) -> Voucher:
    fields: dict[str, object] = {
        "receipt_no": f"R-{uuid.uuid4().hex[:8]}",
        "issued_at": datetime(2025, 3, 1, 13, 55, tzinfo=UTC),
        "utility": "Demo Power",
        "office": "Central office",
        "operator": "alice",
        "customer_name": "J. Doe",
        "customer_code": "C-0001",
        "meter_serial": "01234567890",
        "tokens": [TOKEN],
        "energy": Decimal("42.50"),
        "amount_paid": Decimal("50.00"),
        "currency": "USD",
        "lines": [
            VoucherLine(label="Energy", amount=Decimal("43.10")),
            VoucherLine(label="VAT", amount=Decimal("6.90")),
        ],
        "footer": ["Thank you"],
    }
    fields.update(changes)
    return Voucher.model_validate(fields)


@pytest.fixture
def printer_line() -> Iterator[tuple[int, str]]:
    """A pseudo-terminal standing in for the printer's serial port: (fd to read what was sent, device path)."""
    master_fd, slave_fd = os.openpty()
    tty.setraw(slave_fd)
    yield master_fd, os.ttyname(slave_fd)
    os.close(master_fd)
    os.close(slave_fd)


def _drain(fd: int) -> bytes:
    received = bytearray()
    while select.select([fd], [], [], 0.3)[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        received.extend(chunk)
    return bytes(received)


def test_tokens_print_in_groups_of_four() -> None:
    assert token_in_groups(TOKEN) == "2371 6100 5011 8319 4197"


def test_the_printer_receives_the_voucher_bytes(printer_line: tuple[int, str]) -> None:
    master_fd, device = printer_line
    voucher = _voucher()

    VoucherPrinter(escpos_raw_printer(SerialPrinterConfig(device))).print_voucher(voucher)

    received = _drain(master_fd)
    assert received == render_voucher(voucher)
    assert b"2371 6100 5011 8319 4197" in received
    assert voucher.receipt_no.encode() in received
    assert b"USD 50.00" in received and b"42.50 kWh" in received
    assert GS_QR_STORE + b"\x17\x001P0" + TOKEN.encode() in received  # QR store: length 3 + 20 digits
    assert received.endswith(CUT + b"\x00")


def test_key_change_and_credit_tokens_all_print_and_share_one_qr_code() -> None:
    tokens = [TOKEN, "12345678901234567890", "00000000000000000001"]

    rendered = render_voucher(_voucher(tokens=tokens))

    assert b"TOKEN 3 OF 3" in rendered
    assert all(token_in_groups(token).encode() in rendered for token in tokens)
    assert rendered.count(GS_QR_STORE + b"\x41\x001P0") == 1  # 3 + 62 bytes of data


def test_an_absent_printer_is_reported() -> None:
    printer = VoucherPrinter(escpos_raw_printer(SerialPrinterConfig("/dev/gridvend-no-printer")))

    with pytest.raises(PrinterUnavailable):
        printer.print_voucher(_voucher())


@pytest.mark.parametrize("token", ["123", "2371610050118319419x"])
def test_a_voucher_refuses_anything_but_twenty_digit_tokens(token: str) -> None:
    with pytest.raises(ValueError, match="20 digits"):
        _voucher(tokens=[token])
