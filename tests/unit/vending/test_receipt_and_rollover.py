"""Receipts show tokens in groups of four in every form; meters on base date 1993 need the rollover."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from gridvend.errors import Unprocessable
from gridvend.sts.keys import MeterKeyIdentity
from gridvend.vending.receipt import Receipt, ReceiptLine, grouped_token, receipt_text
from gridvend.vending.receipt_print import receipt_escpos, receipt_pdf
from gridvend.vending.rollover import needs_rollover, rolled_over

TOKEN = "29054347139309851356"


def _receipt(tokens: tuple[str, ...] = (TOKEN,)) -> Receipt:
    return Receipt(
        bill_number="V20261122000001",
        tenant_name="Demo Power",
        currency="KES",
        local_time="2026-11-22 10:15",
        customer_code="C0001",
        customer_name="Amina Otieno",
        meter_serial="01234567890",
        energy_kwh=Decimal("25.6"),
        tokens=tokens,
        lines=(ReceiptLine("Energy", Decimal("84.00")), ReceiptLine("VAT", Decimal("13.44"))),
        net_amount=Decimal("100.00"),
        sales_point="SP01",
        operator="clerk",
        paid=Decimal("200.00"),
        change=Decimal("100.00"),
    )


def test_tokens_print_in_groups_of_four() -> None:
    assert grouped_token(TOKEN) == "2905 4347 1393 0985 1356"


def test_receipt_text_holds_token_amounts_and_change() -> None:
    text = receipt_text(_receipt())
    assert "2905 4347 1393 0985 1356" in text
    assert "KES 100.00" in text and "Change" in text and "25.6 kWh" in text
    assert all(len(row) <= 32 for row in text.splitlines())


def test_key_change_pair_comes_numbered_before_the_credit_token() -> None:
    text = receipt_text(_receipt(("11111111111111111111", "22222222222222222222", TOKEN)))
    assert text.index("TOKEN 1/3") < text.index("1111 1111") < text.index("TOKEN 3/3") < text.index("2905 4347")


def test_escpos_bytes_start_with_init_and_carry_token_and_qr() -> None:
    printed = receipt_escpos(_receipt())
    assert printed.startswith(b"\x1b@")
    assert b"2905 4347 1393 0985 1356" in printed
    assert b"\x1d(k" in printed and TOKEN.encode() in printed
    assert printed.endswith(b"\x1dVB\x00")


def test_pdf_is_a_pdf() -> None:
    document = receipt_pdf(_receipt())
    assert document.startswith(b"%PDF") and len(document) > 500


def _meter(base_date: int, krn: int = 1) -> MeterKeyIdentity:
    return MeterKeyIdentity(iin="600727", drn="00000000000", key_type=2, sgc="123456", ti=1, krn=krn,
                            base_date=base_date)


def test_meters_on_1993_need_rollover_after_the_last_tid_minute() -> None:
    assert not needs_rollover(_meter(1993), datetime(2024, 11, 24, 20, 15))
    assert needs_rollover(_meter(1993), datetime(2024, 11, 24, 20, 17))
    assert not needs_rollover(_meter(2014), datetime(2026, 11, 22, 10, 0))


def test_rollover_moves_to_2014_and_the_next_key_revision() -> None:
    after = rolled_over(_meter(1993, krn=1))
    assert (after.base_date, after.krn, after.sgc) == (2014, 2, "123456")
    with pytest.raises(Unprocessable):
        rolled_over(_meter(1993, krn=9))
