"""A sold vend's voucher on the printer of the office whose bridge-backed secure module made its tokens: the
voucher goes to that office's bridge agent (gridvend.iot.bridge_devices), which prints it in ESC/POS and keeps a
journal entry of it."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from functions.vending.modules import bridge_device_call
from gridvend.errors import GridvendError, Unprocessable
from gridvend.iot.bridge_devices import (
    DeviceErrorCode,
    DeviceOperation,
    DeviceRequest,
    DeviceResponse,
    Voucher,
    VoucherLine,
)
from gridvend.secure.errors import BridgeFailure
from gridvend.store.secure_modules import SecureModuleRepository


class NoOfficePrinter(Unprocessable):
    title = "No office printer"


class OfficePrinterUnavailable(GridvendError):
    status = 503
    title = "Office printer unavailable"


def voucher_of(stored: dict[str, Any], utility: str, office: str) -> Voucher:
    breakdown = stored["breakdown"]
    lines = [VoucherLine(label="Energy", amount=Decimal(breakdown["amount"]))]
    for charge in breakdown["charges"]:
        lines.append(VoucherLine(label=charge["name"][:40], amount=Decimal(charge["amount"])))
    for label, name in (("VAT", "vat"), ("Debt repaid", "debt_repaid")):
        if Decimal(breakdown[name]):
            lines.append(VoucherLine(label=label, amount=Decimal(breakdown[name])))
    return Voucher(
        receipt_no=stored["bill_number"],
        issued_at=datetime.fromisoformat(stored["time_utc"]),
        utility=utility[:48],
        office=office,
        operator=stored["operator"][:48],
        customer_name=stored["customer"]["name"][:48],
        customer_code=stored["customer"]["code"][:40],
        meter_serial=stored["meter"],
        tokens=stored["tokens"],
        energy=Decimal(stored["energy_kwh"]),
        amount_paid=Decimal(stored["payment"]["paid"]),
        currency=stored["currency"][:8],
        lines=lines,
        footer=["Key change tokens first: enter them in order."] if stored.get("key_change") else [],
    )


def print_at_office(
    modules: SecureModuleRepository, tenant_id: str, stored: dict[str, Any], utility: str
) -> dict[str, Any]:
    """{bill_number, office, printed_at}; NoOfficePrinter when the vend's module is not an office's."""
    module_id = stored.get("module")
    record = modules.get(module_id) if module_id else None
    if record is None or record.backend != "bridge" or not record.office:
        raise NoOfficePrinter(f"vend '{stored['bill_number']}' was not sold through an office's bridge agent")
    voucher = voucher_of(stored, utility, record.office)
    request = DeviceRequest(
        op=DeviceOperation.PRINT_VOUCHER,
        args={"voucher": voucher.model_dump(mode="json")},
        correlation_id=uuid.uuid4().hex,
        office=record.office,
        tenant=tenant_id,
    )
    response = bridge_device_call(request)
    if response.error is not None:
        raise _printing_failure(record.office, response)
    result = response.result if isinstance(response.result, dict) else {}
    return {"bill_number": stored["bill_number"], "office": record.office, "printed_at": result.get("printed_at")}


def _printing_failure(office: str, response: DeviceResponse) -> GridvendError:
    assert response.error is not None
    detail = f"the voucher printer of office {office}: {response.error.message or response.error.code.value}"
    if response.error.code is DeviceErrorCode.PRINTER_UNAVAILABLE:
        return OfficePrinterUnavailable(detail)
    if response.error.code is DeviceErrorCode.DEVICE_NOT_CONFIGURED:
        return NoOfficePrinter(detail)
    return BridgeFailure(detail)
