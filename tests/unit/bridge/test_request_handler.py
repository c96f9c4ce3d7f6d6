from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from gridvend.secure import bridge_codec as codec
from gridvend_bridge.cards.card_service import CardService
from gridvend_bridge.cards.emulated_card import EmulatedCard, EmulatedReader
from gridvend_bridge.device_actions import OfficeDevices
from gridvend_bridge.journal import Journal
from gridvend_bridge.request_handler import RequestHandler
from gridvend_bridge.voucher_printer import VoucherPrinter
from tests.unit.bridge.conftest import office_software_module
from tests.unit.secure import vectors

TENANT, OFFICE = "acme", "hq"
PIN = b"11223344"


class Printed:
    def __init__(self) -> None:
        self.jobs: list[bytes] = []

    def __call__(self, data: bytes) -> None:
        self.jobs.append(data)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.db")


@pytest.fixture
def printed() -> Printed:
    return Printed()


@pytest.fixture
def reader() -> EmulatedReader:
    return EmulatedReader()


@pytest.fixture
def handler(journal: Journal, printed: Printed, reader: EmulatedReader) -> RequestHandler:
    module = office_software_module()
    module.load_key_file(vectors.sealed_key_file())
    devices = OfficeDevices(module=module, printer=VoucherPrinter(printed), cards=CardService(reader, PIN))
    return RequestHandler(TENANT, OFFICE, devices, journal)


def _request(op: str, correlation_id: str | None = None, **args: object) -> bytes:
    return json.dumps(
        {
            "op": op,
            "args": args,
            "correlation_id": correlation_id or uuid.uuid4().hex,
            "tenant": TENANT,
            "office": OFFICE,
        }
    ).encode()


def _voucher() -> dict[str, object]:
    return {
        "receipt_no": f"R-{uuid.uuid4().hex[:6]}",
        "issued_at": datetime.now(UTC).isoformat(),
        "utility": "Demo",
        "meter_serial": "M-1",
        "tokens": [vectors.CTSA01_TOKEN],
        "energy": "0.10",
        "amount_paid": "1.00",
    }


def test_a_token_request_sent_twice_is_answered_once(handler: RequestHandler, journal: Journal) -> None:
    args = {
        "meter": codec.to_json(vectors.DKGA02_METER),
        "request": codec.token_request_to_json(vectors.CTSA01_REQUEST),
    }
    request = _request("issue_token", "vend-1", **args)

    first, second = handler.handle(request), handler.handle(request)

    assert json.loads(first.body)["result"] == vectors.CTSA01_TOKEN
    assert second.body == first.body and second.replayed
    assert journal.answer_for("vend-1") == first.body


def test_a_printed_voucher_is_journaled_and_not_printed_twice(
    handler: RequestHandler, journal: Journal, printed: Printed
) -> None:
    request = _request("print_voucher", "print-1", voucher=_voucher())

    first, again = handler.handle(request), handler.handle(request)

    assert first.ok and again.replayed
    assert len(printed.jobs) == 1
    [event] = journal.pending_events()
    assert event.kind == "voucher_printed" and event.body["correlation_id"] == "print-1"


def test_events_come_back_in_the_order_they_happened(handler: RequestHandler, journal: Journal) -> None:
    for number in range(3):
        handler.handle(_request("print_voucher", f"print-{number}", voucher=_voucher()))

    events = journal.pending_events()
    assert [event.body["correlation_id"] for event in events] == ["print-0", "print-1", "print-2"]
    journal.acknowledge(events[0].position)
    assert [event.body["correlation_id"] for event in journal.pending_events()] == ["print-1", "print-2"]


def test_requests_for_another_office_or_tenant_are_refused(handler: RequestHandler, printed: Printed) -> None:
    for other in ({"office": "branch"}, {"tenant": "globex"}):
        message = {**json.loads(_request("print_voucher", voucher=_voucher())), **other}
        answer = json.loads(handler.handle(json.dumps(message).encode()).body)
        assert answer["error"]["code"] == "WRONG_OFFICE"
        module_message = {**json.loads(_request("list_keys")), **other}
        assert json.loads(handler.handle(json.dumps(module_message).encode()).body)["error"]["code"] == "WRONG_OFFICE"
    assert printed.jobs == []


@pytest.mark.parametrize("payload", [b"\xff\xfe", b"[]", b'{"op": "format_disk", "correlation_id": "x-1"}'])
def test_garbage_is_answered_as_an_invalid_request(handler: RequestHandler, payload: bytes) -> None:
    answer = json.loads(handler.handle(payload).body)

    assert answer["ok"] is False and answer["error"]["code"] == "INVALID_REQUEST"


def test_an_invalid_voucher_names_the_field_not_the_value(handler: RequestHandler, printed: Printed) -> None:
    voucher = {**_voucher(), "tokens": ["SECRET-LOOKING-VALUE"]}

    answer = json.loads(handler.handle(_request("print_voucher", voucher=voucher)).body)

    assert answer["error"]["code"] == "INVALID_REQUEST"
    assert "SECRET-LOOKING-VALUE" not in answer["error"]["message"]
    assert printed.jobs == []


def test_a_failed_print_is_not_kept_so_a_retry_prints(journal: Journal, tmp_path: Path) -> None:
    attempts: list[bytes] = []

    def jammed_then_fine(data: bytes) -> None:
        from gridvend_bridge.voucher_printer import PrinterUnavailable

        attempts.append(data)
        if len(attempts) == 1:
            raise PrinterUnavailable("paper out")

    handler = RequestHandler(TENANT, OFFICE, OfficeDevices(printer=VoucherPrinter(jammed_then_fine)), journal)
    request = _request("print_voucher", "print-9", voucher=_voucher())

    failed, retried = handler.handle(request), handler.handle(request)

    assert json.loads(failed.body)["error"]["code"] == "PRINTER_UNAVAILABLE"
    assert retried.ok and len(attempts) == 2


def test_an_office_without_a_module_says_so(journal: Journal) -> None:
    handler = RequestHandler(TENANT, OFFICE, OfficeDevices(), journal)

    answer = json.loads(handler.handle(_request("list_keys")).body)

    assert answer["error"]["code"] == "MODULE_UNAVAILABLE"


def test_card_business_through_the_handler(handler: RequestHandler, reader: EmulatedReader, journal: Journal) -> None:
    reader.insert(EmulatedCard("CARD-7", PIN))
    consumer = {"kind": "consumer", "utility": "demo", "meter_serial": "M-1", "customer_code": "C-1"}
    purchase = {"sequence": 1, "energy": "5.00", "amount": "4.00", "at": datetime.now(UTC).isoformat()}

    made = json.loads(handler.handle(_request("make_card", content=consumer)).body)
    written = json.loads(handler.handle(_request("write_purchase", meter_serial="M-1", purchase=purchase)).body)

    assert made["ok"] and written["ok"]
    assert Decimal(written["result"]["content"]["pending"]) == Decimal("5.00")
    assert [event.kind for event in journal.pending_events()] == ["card_written", "card_written"]
    reader.remove()
    absent = json.loads(handler.handle(_request("read_card")).body)
    assert absent["error"]["code"] == "CARD_ABSENT"
