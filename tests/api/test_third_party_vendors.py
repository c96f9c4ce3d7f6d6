"""The third-party vending API: API keys (hashed, revocable, the tenant from the key), confirm meter, credit
vends exactly once per message id, the last answer after a timeout, reversals within the window."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from functions.channels import vendor_service
from functions.channels.schemas import VendorCreditVend, VendorReversal
from functions.channels.vendor_auth import VendorCaller
from functions.streams.handler import process_stream_batch
from functions.streams.records import stream_event, stream_record
from functions.streams.tenants import TenantFacts
from gridvend.store.channels import AgentRepository
from tests.api.conftest import Api
from tests.api.test_agents import balance, new_agent
from tests.api.test_reports import feed_stream, report
from tests.api.test_vend_cancel import _rollups
from tests.api.test_vends import meter_decoder, module_balance
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


def test_a_reversal_cancels_the_vend_and_gives_float_credit_and_rollups_back_once(api: Api) -> None:
    shop = open_shop(api, credit_kwh="1000")
    install(api, shop, "32000000003")
    key = vendor_with_key(api, shop, "BANK3")
    kept = vendor_call(api, key, "POST", "/credit-vends", {"message_id": message(), "meter": "32000000003",
                                                          "amount": "20.00"}).body
    sale_id = message()
    sold = vendor_call(api, key, "POST", "/credit-vends", {"message_id": sale_id, "meter": "32000000003",
                                                          "amount": "80.00"}).body
    assert balance(api, shop, "BANK3") == Decimal("900.00")
    assert Decimal(sold["commission"]) == Decimal("0.80")  # 1 % of 80.00
    module_after_sales = module_balance(api, shop)
    vend_before = api.store.get(f"T#{shop.tenant_id}#VEND", sold["bill_number"])
    feed_stream(api, shop.tenant_id)  # the report cells of the sales as sold

    reversal = {"message_id": message(), "original_message_id": sale_id}
    reversed_ = vendor_call(api, key, "POST", "/reversals", reversal)
    assert reversed_.status == 200, reversed_.body
    assert reversed_.body["status"] == "reversed" and reversed_.body["reversed_amount"] == "80.00"
    assert reversed_.body["reversed_commission"] == "0.80"
    assert vendor_call(api, key, "POST", "/reversals", reversal).body == reversed_.body
    twice = vendor_call(api, key, "POST", "/reversals", {"message_id": message(), "original_message_id": sale_id})
    assert twice.status == 409

    assert balance(api, shop, "BANK3") == Decimal("980.00")  # 1000 - 20 (the kept sale); its commission stays
    statement = api.call("GET", "/v1/agents/BANK3/statement", headers=shop.headers).body
    assert [line["kind"] for line in statement["items"]] == ["top-up", "vend", "vend", "reversal"]
    assert Decimal(statement["commission_earned"]) == Decimal("0.20")
    assert module_balance(api, shop) == module_after_sales + Decimal(sold["energy_kwh"])

    stored = api.call("GET", f"/v1/vends/{sold['bill_number']}", headers=shop.headers).body
    assert stored["status"] == "cancelled"
    assert stored["cancellation"]["bill_number"] == reversed_.body["cancel_bill_number"]
    assert Decimal(stored["cancellation"]["refund_amount"]) == Decimal("80.00")
    assert stored["cancellation"]["cancel_charge"] is None
    office = api.call("POST", f"/v1/vends/{sold['bill_number']}/cancel", {"reason": "again"}, shop.headers)
    assert office.status == 409

    rollups = _rollups(api, shop)
    assert rollups["SP#KIOSK1"]["tally_count"] == 2 and rollups["SP#KIOSK1"]["tally_net"] == 10000
    assert rollups["CANCEL#SP#KIOSK1"]["tally_count"] == 1 and rollups["CANCEL#SP#KIOSK1"]["tally_net"] == -8000
    assert rollups["CANCEL#M#32000000003"]["tally_energy"] == -int(Decimal(sold["energy_kwh"]) * 10)
    assert rollups["REFUND#OP#vendor:BANK3"]["tally_net"] == 8000

    vend_after = api.store.get(f"T#{shop.tenant_id}#VEND", sold["bill_number"])
    cancellation = api.store.get(f"T#{shop.tenant_id}#CANCEL", sold["bill_number"])
    assert vend_before and vend_after and cancellation
    event = stream_event([stream_record("MODIFY", vend_after, vend_before), stream_record("INSERT", cancellation)])
    assert process_stream_batch(event, api.store, TenantFacts(api.store))["batchItemFailures"] == []
    totals = report(api, shop, "sales-daily")["totals"]
    assert totals["sales_count"] == 2 and Decimal(totals["correction_net"]) == Decimal("80.00")

    decoder = meter_decoder("32000000003")
    assert decoder.enter(kept["tokens"][0]).accepted
    assert decoder.enter(reversed_.body["zero_token"]).accepted
    assert not decoder.enter(sold["tokens"][0]).accepted


def test_a_reversal_after_the_window_or_of_an_unknown_sale_is_refused_and_changes_nothing(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "32000000006")
    key = vendor_with_key(api, shop, "BANK6")
    sale_id = message()
    sold = vendor_call(api, key, "POST", "/credit-vends", {"message_id": sale_id, "meter": "32000000006",
                                                          "amount": "30.00"}).body
    answer = api.store.get(f"T#{shop.tenant_id}#VMSG#BANK6", sale_id)
    assert answer is not None
    long_ago = (datetime.now(UTC) - timedelta(minutes=16)).isoformat(timespec="seconds")
    answer["data"]["answer"]["utc_time"] = long_ago
    api.store.put(answer)
    late = vendor_call(api, key, "POST", "/reversals", {"message_id": message(), "original_message_id": sale_id})
    assert late.status == 422, late.body
    unknown = vendor_call(api, key, "POST", "/reversals", {"message_id": message(), "original_message_id": message()})
    assert unknown.status == 404
    assert balance(api, shop, "BANK6") == Decimal("970.00")
    stored = api.call("GET", f"/v1/vends/{sold['bill_number']}", headers=shop.headers).body
    assert stored["status"] == "issued"


def test_the_same_message_id_sent_ten_times_at_once_sells_one_token(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "32000000007")
    vendor_with_key(api, shop, "BANK7")
    reader = shop.context(api)
    vendor = AgentRepository(api.store, reader).require("BANK7")
    caller = VendorCaller(replace(reader, username="vendor:BANK7", sales_point_id="KIOSK1"), api.store, vendor, 2)
    body = VendorCreditVend(message_id=message(), meter="32000000007", amount=Decimal("40.00"))

    def send(_: int) -> dict[str, Any]:
        return vendor_service.credit_vend(caller, body)[0]

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(send, range(10)))
    assert all(answer == answers[0] for answer in answers)
    assert balance(api, shop, "BANK7") == Decimal("960.00")
    assert len(api.call("GET", "/v1/vends?meter=32000000007", headers=shop.headers).body["items"]) == 1


def test_a_reversal_sent_five_times_at_once_gives_the_float_back_once(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "32000000008")
    key = vendor_with_key(api, shop, "BANK8")
    sale_id = message()
    vendor_call(api, key, "POST", "/credit-vends", {"message_id": sale_id, "meter": "32000000008", "amount": "50.00"})
    reader = shop.context(api)
    vendor = AgentRepository(api.store, reader).require("BANK8")
    caller = VendorCaller(replace(reader, username="vendor:BANK8", sales_point_id="KIOSK1"), api.store, vendor, 2)
    body = VendorReversal(message_id=message(), original_message_id=sale_id)

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(lambda _: vendor_service.reverse(caller, body), range(5)))
    assert all(answer == answers[0] for answer in answers)
    assert balance(api, shop, "BANK8") == Decimal("1000.00")
    lines = api.call("GET", "/v1/agents/BANK8/statement", headers=shop.headers).body["items"]
    assert [line["kind"] for line in lines] == ["top-up", "vend", "reversal"]
    assert _rollups(api, shop)["CANCEL#M#32000000008"]["tally_count"] == 1


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
