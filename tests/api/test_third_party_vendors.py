"""The third-party vending API: API keys (hashed, revocable, the tenant from the key), confirm meter, credit
vends exactly once per message id, the last answer after a timeout, reversals within the window."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from tests.api.conftest import Api
from tests.api.test_agents import balance, new_agent
from tests.api.test_vends import meter_decoder
from tests.api.vending_setup import Shop, _master_key, install, open_shop

__all__ = ["_master_key"]


def vendor_with_key(api: Api, shop: Shop, vendor_id: str, float_amount: str = "1000.00") -> str:
    new_agent(api, shop, vendor_id, float_amount, kind="vendor", commission={"kind": "percent", "value": "1"})
    issued = api.call("POST", f"/v1/agents/{vendor_id}/api-keys", headers=shop.headers)
    assert issued.status == 201, issued.body
    return str(issued.body["api_key"])


def vendor_call(api: Api, key: str, method: str, path: str, body: Any = None) -> Any:
    return api.call(method, f"/v1/vendor-api{path}", body, {"X-Api-Key": key})


def message() -> str:
    return f"msg-{uuid.uuid4().hex[:20]}"


def test_confirm_meter_names_the_customer_and_a_credit_vend_makes_a_token_the_meter_takes(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "32000000001")
    key = vendor_with_key(api, shop, "BANK1")
    confirmed = vendor_call(api, key, "POST", "/confirm-meter", {"message_id": message(), "meter": "32000000001"})
    assert confirmed.status == 200, confirmed.body
    assert confirmed.body["customer_name"] == "Customer 32000000001" and confirmed.body["can_vend"] is True
    sold = vendor_call(api, key, "POST", "/credit-vends", {"message_id": message(), "meter": "32000000001",
                                                         "amount": "100.00"})
    assert sold.status == 201, sold.body
    assert meter_decoder("32000000001").enter(sold.body["tokens"][0]).accepted
    assert balance(api, shop, "BANK1") == Decimal("900.00")
    stored = api.call("GET", f"/v1/vends/{sold.body['bill_number']}", headers=shop.headers).body
    assert stored["channel"] == "vendor" and stored["operator"] == "vendor:BANK1"


def test_a_repeated_message_id_returns_the_first_answer_and_draws_the_float_once(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "32000000002")
    key = vendor_with_key(api, shop, "BANK2")
    body = {"message_id": message(), "meter": "32000000002", "amount": "50.00"}
    first = vendor_call(api, key, "POST", "/credit-vends", body)
    again = vendor_call(api, key, "POST", "/credit-vends", body)
    assert again.status == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.body == first.body
    last = vendor_call(api, key, "GET", f"/messages/{body['message_id']}")
    assert last.status == 200 and last.body["answer"]["tokens"] == first.body["tokens"]
    assert balance(api, shop, "BANK2") == Decimal("950.00")
    changed = vendor_call(api, key, "POST", "/credit-vends", {**body, "amount": "60.00"})
    assert changed.status == 201 and changed.body == first.body
    assert vendor_call(api, key, "GET", f"/messages/{message()}").status == 404
    assert len(api.call("GET", "/v1/vends?meter=32000000002", headers=shop.headers).body["items"]) == 1


def test_a_reversal_gives_the_float_back_once(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "32000000003")
    key = vendor_with_key(api, shop, "BANK3")
    sale_id = message()
    vendor_call(api, key, "POST", "/credit-vends", {"message_id": sale_id, "meter": "32000000003", "amount": "80.00"})
    assert balance(api, shop, "BANK3") == Decimal("920.00")
    reversal = {"message_id": message(), "original_message_id": sale_id}
    reversed_ = vendor_call(api, key, "POST", "/reversals", reversal)
    assert reversed_.status == 200, reversed_.body
    assert reversed_.body["status"] == "reversed" and reversed_.body["reversed_amount"] == "80.00"
    assert vendor_call(api, key, "POST", "/reversals", reversal).body == reversed_.body
    twice = vendor_call(api, key, "POST", "/reversals", {"message_id": message(), "original_message_id": sale_id})
    assert twice.status == 409
    assert balance(api, shop, "BANK3") == Decimal("1000.00")
    statement = api.call("GET", "/v1/agents/BANK3/statement", headers=shop.headers).body
    assert [line["kind"] for line in statement["items"]] == ["top-up", "vend", "reversal"]
    assert statement["commission_earned"] == "0.00"


def test_keys_are_shown_once_stored_hashed_and_a_revoked_or_forged_key_is_refused(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "32000000004")
    key = vendor_with_key(api, shop, "BANK4")
    listed = api.call("GET", "/v1/agents/BANK4/api-keys", headers=shop.headers).body["items"]
    assert len(listed) == 1 and "api_key" not in listed[0] and "secret_hash" not in listed[0]
    secret = key.rsplit(".", 1)[1]
    assert all(secret not in str(item) for item in api.store.query(f"T#{shop.tenant_id}#VKEY", limit=50).items)
    body = {"message_id": message(), "meter": "32000000004"}
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    assert vendor_call(api, forged, "POST", "/confirm-meter", body).status == 401
    assert vendor_call(api, "", "POST", "/confirm-meter", body).status == 401
    rotated = api.call("POST", "/v1/agents/BANK4/api-keys", headers=shop.headers).body
    revoke = api.call("DELETE", f"/v1/agents/BANK4/api-keys/{listed[0]['key_id']}", headers=shop.headers)
    assert revoke.status == 200 and revoke.body["status"] == "revoked"
    assert vendor_call(api, key, "POST", "/confirm-meter", body).status == 401
    assert vendor_call(api, rotated["api_key"], "POST", "/confirm-meter", body).status == 200


def test_the_tenant_comes_from_the_key_so_a_vendor_cannot_reach_another_tenants_meters(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "32000000005")
    other = open_shop(api)
    other_key = vendor_with_key(api, other, "BANK5")
    sale = {"message_id": message(), "meter": "32000000005", "amount": "10.00"}
    assert vendor_call(api, other_key, "POST", "/credit-vends", sale).status == 404
    cross = other_key.replace(f"gvk.{other.tenant_id}.", f"gvk.{shop.tenant_id}.")
    assert vendor_call(api, cross, "POST", "/credit-vends", sale).status == 401
    assert api.call("GET", "/v1/vends?meter=32000000005", headers=shop.headers).body["items"] == []
