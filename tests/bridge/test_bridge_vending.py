"""Vending at an office whose vending keys live in its serial secure module: POST /v1/vends through the bridge
(cloud -> mosquitto -> bridge agent -> serial line -> emulated module) sells exactly once, like the software
backend would, and fails clearly, recording nothing, when the module or the agent is gone."""

from __future__ import annotations

import json
import os
import re
import secrets
import select
import uuid
from decimal import Decimal
from typing import Any

import pytest

from functions.vending.office_vouchers import voucher_of
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend.sts.keys import MeterKeyIdentity
from gridvend.sts.token_requests import CreditToken
from gridvend_bridge.voucher_printer import render_voucher
from tests.api.conftest import Api
from tests.api.test_customers import archive
from tests.api.test_meters import meter_model
from tests.api.vending_setup import Shop, _master_key, install
from tests.bridge.conftest import Office, OfficeStarter
from tests.unit.secure import vectors

__all__ = ["_master_key"]

pytestmark = pytest.mark.e2e

MODULE_ID = "SM-HQ"
INJECTED_RANDOM = 11


def open_bridge_shop(api: Api, start_office: OfficeStarter, credit_kwh: str = "1000") -> tuple[Shop, Office]:
    """A tenant whose only (default) secure module is office hq's, reached through its bridge agent; its keys
    arrive in a sealed key file that only the office's module can open."""
    tenant_id, headers = api.new_tenant(sts_base_date=2014)
    office = start_office(tenant_id, "hq")
    module = {"id": MODULE_ID, "name": "HQ module", "backend": "bridge", "office": "hq", "is_default": True}
    created = api.call("POST", "/v1/secure-modules", module, headers)
    assert created.status == 201, created.body
    sealed = vectors.sealed_key_file((vectors.DKGA02_INFO,)).to_json()
    loaded = api.call("POST", f"/v1/secure-modules/{MODULE_ID}/key-file", {"key_file": sealed}, headers)
    assert loaded.status == 200, loaded.body
    assert [(key["sgc"], key["krn"]) for key in loaded.body["keys"]] == [("123456", 1)]
    credit = {"type": "add", "energy_kwh": credit_kwh}
    assert api.call("POST", f"/v1/secure-modules/{MODULE_ID}/credit", credit, headers).status == 200
    tariff_id = archive(api, headers, "tariffs", {"code": "T1", "name": "Flat", "type": "single", "price": "0.25"})
    type_id = archive(api, headers, "customer-types", {"code": "RES", "name": "Residential", "vat_percent": "16"})
    return Shop(tenant_id, headers, meter_model(api, headers), tariff_id, type_id, MODULE_ID), office


def software_token(serial: str, tid: int, energy: str) -> str:
    """The token the software backend makes for the same meter, key, TID and random."""
    module = SoftwareSecureModule(vectors.MASTER_KEY, vectors.TRANSPORT_KEY)
    module.load_key_file(vectors.sealed_key_file((vectors.DKGA02_INFO,)))
    identity = MeterKeyIdentity(iin="600727", drn=serial, key_type=2, sgc="123456", ti=1, krn=1, base_date=2014)
    request = CreditToken(subclass=0, tid=tid, random=INJECTED_RANDOM, amount=Decimal(energy))
    return module.issue_token(identity, request)


def sales(api: Api, shop: Shop, serial: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = api.call("GET", f"/v1/vends?meter={serial}", headers=shop.headers).body["items"]
    return listed


def balance(api: Api, shop: Shop) -> str:
    shown: str = api.call("GET", f"/v1/secure-modules/{MODULE_ID}", headers=shop.headers).body["balance_kwh"]
    return shown


def printed(fd: int) -> bytes:
    received = bytearray()
    while select.select([fd], [], [], 0.3)[0]:
        chunk = os.read(fd, 65536)
        if not chunk:
            break
        received.extend(chunk)
    return bytes(received)


@pytest.fixture
def injected_random(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(secrets, "randbelow", lambda bound: INJECTED_RANDOM % bound)


def test_a_vend_at_a_bridge_office_returns_the_software_backends_tokens(
    api: Api, start_office: OfficeStarter, injected_random: None
) -> None:
    shop, office = open_bridge_shop(api, start_office)
    install(api, shop, "12000000001")

    sold = shop.sell(api, "12000000001", f"pay-{uuid.uuid4().hex}", amount="100.00")

    assert sold.status == 201, sold.body
    assert sold.body["module"] == MODULE_ID
    assert sold.body["tokens"] == [software_token("12000000001", sold.body["tid"], sold.body["energy_kwh"])]
    assert office.emulator.performed["issue_token"] == 1
    assert office.agent.unsent_answers == 0
    assert balance(api, shop) == f"{Decimal('1000') - Decimal(sold.body['energy_kwh']):.1f}"


def test_unplugging_the_module_mid_vend_is_a_clear_503_and_records_nothing(
    api: Api, start_office: OfficeStarter
) -> None:
    shop, office = open_bridge_shop(api, start_office)
    install(api, shop, "12000000002")
    office.emulator.before_answer = lambda op: office.pty_module.unplug() if op == "issue_token" else None
    payment = f"pay-{uuid.uuid4().hex}"

    refused = shop.sell(api, "12000000002", payment)

    assert refused.status == 503, refused.body
    assert refused.body["title"] == "Secure module unavailable"
    assert "did not answer" in refused.body["detail"]
    assert sales(api, shop, "12000000002") == []
    assert balance(api, shop) == "1000.0"
    office.emulator.before_answer = None
    office.pty_module.plug_in()
    retried = shop.sell(api, "12000000002", payment)
    assert retried.status == 201, retried.body
    assert [sale["bill_number"] for sale in sales(api, shop, "12000000002")] == [retried.body["bill_number"]]
    assert shop.sell(api, "12000000002", payment).body["tokens"] == retried.body["tokens"]
    assert office.emulator.performed["issue_token"] == 2  # the unanswered one was never shown


def test_tokens_the_module_made_for_a_sale_that_does_not_commit_are_never_shown(
    api: Api, start_office: OfficeStarter
) -> None:
    shop, office = open_bridge_shop(api, start_office, credit_kwh="10")
    install(api, shop, "12000000006")

    refused = shop.sell(api, "12000000006", f"pay-{uuid.uuid4().hex}", amount="100.00")

    assert refused.status == 422, refused.body
    assert office.emulator.performed["issue_token"] == 1  # made at the office before the transaction failed...
    assert not re.search(r"\d{20}", json.dumps(refused.body))  # ...and shown to no one
    assert sales(api, shop, "12000000006") == []
    assert balance(api, shop) == "10.0"


def test_noise_on_the_serial_line_is_survived(api: Api, start_office: OfficeStarter, injected_random: None) -> None:
    shop, office = open_bridge_shop(api, start_office)
    install(api, shop, "12000000003")
    office.pty_module.inject(b"\x02\x00\xff line noise \x03\x02\x17")
    office.emulator.before_answer = lambda op: office.pty_module.inject(b"\xaa\x02\x02\x01garbage")

    sold = shop.sell(api, "12000000003", f"pay-{uuid.uuid4().hex}")

    assert sold.status == 201, sold.body
    assert sold.body["tokens"] == [software_token("12000000003", sold.body["tid"], sold.body["energy_kwh"])]
    assert office.link.statistics.skipped_bytes > 0


def test_an_offline_bridge_times_out_with_a_clear_error_and_records_nothing(
    api: Api, start_office: OfficeStarter
) -> None:
    shop, office = open_bridge_shop(api, start_office)
    install(api, shop, "12000000004")
    office.agent.stop()

    refused = shop.sell(api, "12000000004", f"pay-{uuid.uuid4().hex}")

    assert refused.status == 504, refused.body
    assert refused.body["title"] == "Bridge agent timeout"
    assert "office hq did not answer issue_token in time" in refused.body["detail"]
    assert sales(api, shop, "12000000004") == []
    assert balance(api, shop) == "1000.0"
    assert office.emulator.performed["issue_token"] == 0


def test_the_office_printer_receives_the_vends_voucher(api: Api, start_office: OfficeStarter) -> None:
    shop, office = open_bridge_shop(api, start_office)
    install(api, shop, "12000000005")
    sold = shop.sell(api, "12000000005", f"pay-{uuid.uuid4().hex}")
    assert sold.status == 201, sold.body

    printing = api.call("POST", f"/v1/vends/{sold.body['bill_number']}/print", headers=shop.headers)

    assert printing.status == 200, printing.body
    assert printing.body["office"] == "hq" and printing.body["printed_at"]
    stored = api.call("GET", f"/v1/vends/{sold.body['bill_number']}", headers=shop.headers).body
    assert printed(office.printer_fd) == render_voucher(voucher_of(stored, f"Tenant {shop.tenant_id}", "hq"))
