"""A replaced meter's remainder as a token of its own for the new meter (seed 000 §4.6)."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from tests.api.conftest import Api
from tests.api.test_customers import archive
from tests.api.test_meters import new_meter
from tests.api.test_vends import credit_kwh, meter_decoder, module_balance
from tests.api.vending_setup import Shop, _master_key, install, open_shop

__all__ = ["_master_key"]


def replaced_with_remainder(api: Api, old: str, new: str, remainder: str) -> Shop:
    shop = open_shop(api, price="0.25")
    install(api, shop, old)
    new_meter(api, shop.headers, new, shop.model_id, drn=new)
    reason = archive(api, shop.headers, "replacement-reasons", {"code": "FAULT", "name": "Faulty"})
    body = {"reason_id": reason, "new_serial": new, "remainder": remainder, "old_meter_state": "scrapped"}
    reply = api.call("POST", f"/v1/contracts/{old}/replace", body, shop.headers)
    assert reply.status == 200, reply.body
    return shop


def issue(api: Api, shop: Shop, serial: str, key: str, headers: dict[str, str] | None = None) -> Any:
    return api.call(
        "POST", f"/v1/meters/{serial}/remainder-token", None, {**(headers or shop.headers), "Idempotency-Key": key}
    )


def test_the_remainder_token_gives_the_new_meter_its_energy_once(api: Api) -> None:
    shop = replaced_with_remainder(api, "18000000001", "18000000002", remainder="12.30")
    balance_before = module_balance(api, shop)
    key = f"rem-{uuid.uuid4().hex}"
    reply = issue(api, shop, "18000000002", key)
    assert reply.status == 201, reply.body
    receipt = reply.body
    assert receipt["kind"] == "replacement-remainder" and receipt["breakdown"]["net_amount"] == "0.00"
    assert Decimal(receipt["energy_kwh"]) == Decimal("49.2")  # 12.30 at 0.25 a kWh, no charges
    decoder = meter_decoder("18000000002")
    assert decoder.enter(receipt["tokens"][0]).accepted
    assert credit_kwh(decoder) == Decimal("49.2")
    assert module_balance(api, shop) == balance_before - Decimal("49.2")
    again = issue(api, shop, "18000000002", key)
    assert again.status == 201 and again.body["tokens"] == receipt["tokens"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert issue(api, shop, "18000000002", f"rem-{uuid.uuid4().hex}").status == 422  # delivered: nothing waits
    contract = api.call("GET", "/v1/contracts/18000000002", headers=shop.headers).body
    assert contract["pending_remainder"] is None
    enquiry = api.call("GET", "/v1/vends?meter=18000000002", headers=shop.headers).body["items"]
    assert [vend["bill_number"] for vend in enquiry] == [receipt["bill_number"]]
    sale = shop.sell(api, "18000000002", f"pay-{uuid.uuid4().hex}", amount="10.00")
    assert sale.status == 201 and Decimal(sale.body["breakdown"]["credit_used"]) == 0  # it rode on nothing
    assert sale.body["tid"] > receipt["tid"]
    cancel = api.call("POST", f"/v1/vends/{receipt['bill_number']}/cancel", {"reason": "typo"}, shop.headers)
    assert cancel.status == 422


def test_refusals_name_the_problem_and_change_nothing(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "18000000011")
    assert issue(api, shop, "18000000011", f"rem-{uuid.uuid4().hex}").status == 422  # no replacement behind it
    assert issue(api, shop, "18000000011", "bad key!").status == 400
    assert issue(api, shop, "99999999999", f"rem-{uuid.uuid4().hex}").status == 404
    _, other_admin = api.new_tenant()
    assert issue(api, shop, "18000000011", f"rem-{uuid.uuid4().hex}", other_admin).status == 404
    assert api.call("GET", "/v1/vends?meter=18000000011", headers=shop.headers).body["items"] == []
