"""Token cancel with a cancel charge and refund, and correction selling: everything the sale changed goes back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gridvend.store.vends import VendRepository
from gridvend.sts.decoder import Reason
from tests.api.conftest import Api
from tests.api.test_customers import archive
from tests.api.test_vends import credit_kwh, key, meter_decoder, module_balance
from tests.api.vending_setup import Shop, _master_key, install, open_shop

__all__ = ["_master_key"]


def _rollups(api: Api, shop: Shop) -> dict[str, dict[str, Any]]:
    ctx = shop.context(api)
    return {item["sk"]: item for item in VendRepository(api.store, ctx).day_rollups(ctx.calendar.day_key())}


def _state(api: Api, shop: Shop, serial: str) -> Any:
    return VendRepository(api.store, shop.context(api)).state(serial)


def test_cancel_refunds_net_less_charge_and_gives_everything_back(api: Api) -> None:
    shop = open_shop(api, credit_kwh="1000")
    install(api, shop, "13000000001")
    charge_id = archive(
        api,
        shop.headers,
        "charge-items",
        {"code": "CXL", "name": "Cancel fee", "method": "per_times", "amount": "5.00"},
    )
    kept = shop.sell(api, "13000000001", key(), amount="50.00").body
    sold = shop.sell(api, "13000000001", key(), amount="100.00").body
    balance_after_sales = module_balance(api, shop)
    month_before = _state(api, shop, "13000000001").month_energy_tenths

    reply = api.call(
        "POST",
        f"/v1/vends/{sold['bill_number']}/cancel",
        {"reason": "customer waived", "charge_item_id": charge_id, "worker": "Ann"},
        shop.headers,
    )
    assert reply.status == 201, reply.body
    record = reply.body
    net = Decimal(sold["breakdown"]["net_amount"])
    assert Decimal(record["cancel_charge"]["amount"]) == Decimal("5.00")
    assert Decimal(record["refund_amount"]) == net - Decimal("5.00")
    assert record["kind"] == "cancel" and record["reason"] == "customer waived"

    assert module_balance(api, shop) == balance_after_sales + Decimal(sold["energy_kwh"])
    state = _state(api, shop, "13000000001")
    assert state.month_energy_tenths == month_before - int(Decimal(sold["energy_kwh"]) * 10)
    assert state.last_tid == sold["tid"]
    stored = api.call("GET", f"/v1/vends/{sold['bill_number']}", headers=shop.headers).body
    assert stored["status"] == "cancelled"
    assert stored["cancellation"]["bill_number"] == record["bill_number"]
    assert "zero_token" not in stored["cancellation"]

    rollups = _rollups(api, shop)
    assert rollups["M#13000000001"]["tally_count"] == 2  # sales stay as sold
    cancelled = rollups["CANCEL#M#13000000001"]
    assert cancelled["tally_count"] == 1
    assert cancelled["tally_net"] == -int(net * 100)
    assert cancelled["tally_energy"] == -int(Decimal(sold["energy_kwh"]) * 10)
    refunded = rollups["REFUND#OP#admin"]
    assert refunded["tally_net"] == int((net - Decimal("5.00")) * 100)
    assert refunded["tally_charges"] == 500

    decoder = meter_decoder("13000000001")
    assert decoder.enter(kept["tokens"][0]).accepted
    zero = decoder.enter(record["zero_token"])
    assert zero.accepted, zero.reason
    assert credit_kwh(decoder) == Decimal(kept["energy_kwh"])
    late = decoder.enter(sold["tokens"][0])
    assert not late.accepted and late.reason == Reason.USED


def test_a_vend_cannot_be_cancelled_twice_nor_corrected_after(api: Api) -> None:
    shop = open_shop(api, credit_kwh="1000")
    install(api, shop, "13000000002")
    sold = shop.sell(api, "13000000002", key()).body
    path = f"/v1/vends/{sold['bill_number']}"
    assert api.call("POST", f"{path}/cancel", {"reason": "waived"}, shop.headers).status == 201
    balance = module_balance(api, shop)
    again = api.call("POST", f"{path}/cancel", {"reason": "waived"}, shop.headers)
    assert again.status == 409, again.body
    corrected = api.call("POST", f"{path}/correction", {"reason": "typo", "amount": "20"}, shop.headers)
    assert corrected.status == 409
    assert module_balance(api, shop) == balance
    assert _rollups(api, shop)["CANCEL#M#13000000002"]["tally_count"] == 1


def test_correction_undoes_the_wrong_sale_without_charge_and_sells_the_right_amount_once(api: Api) -> None:
    shop = open_shop(api, credit_kwh="1000")
    install(api, shop, "13000000003")
    wrong = shop.sell(api, "13000000003", key(), amount="200.00").body
    body = {"reason": "typed 200 for 20", "amount": "20.00"}
    reply = api.call("POST", f"/v1/vends/{wrong['bill_number']}/correction", body, shop.headers)
    assert reply.status == 201, reply.body
    again = api.call("POST", f"/v1/vends/{wrong['bill_number']}/correction", body, shop.headers)
    assert again.status == 201 and again.body["vend"]["bill_number"] == reply.body["vend"]["bill_number"]
    correction, vend = reply.body["correction"], reply.body["vend"]
    assert correction["kind"] == "correction" and correction["cancel_charge"] is None
    assert Decimal(correction["refund_amount"]) == Decimal(wrong["breakdown"]["net_amount"])
    assert Decimal(vend["breakdown"]["net_amount"]) == Decimal("20.00")
    assert vend["tid"] > wrong["tid"]
    sales = api.call("GET", "/v1/vends?meter=13000000003", headers=shop.headers).body["items"]
    assert sorted(sale["status"] for sale in sales) == ["corrected", "issued"]
    assert module_balance(api, shop) == Decimal("1000") - Decimal(vend["energy_kwh"])
    rollups = _rollups(api, shop)
    assert rollups["CORR#M#13000000003"]["tally_count"] == 1 and "CANCEL#M#13000000003" not in rollups
    energy = rollups["M#13000000003"]["tally_energy"] + rollups["CORR#M#13000000003"]["tally_energy"]
    assert energy == int(Decimal(vend["energy_kwh"]) * 10)
    decoder = meter_decoder("13000000003")
    assert decoder.enter(correction["zero_token"]).accepted
    assert decoder.enter(vend["tokens"][0]).accepted
    assert not decoder.enter(wrong["tokens"][0]).accepted
    assert credit_kwh(decoder) == Decimal(vend["energy_kwh"])
    day = correction["time_local"][:10]
    listed = api.call("GET", f"/v1/cancellations?date={day}", headers=shop.headers).body["items"]
    assert [item["vend_bill_number"] for item in listed] == [wrong["bill_number"]]


def test_cancel_refusals_and_tenant_isolation(api: Api) -> None:
    shop = open_shop(api, credit_kwh="1000")
    install(api, shop, "13000000004")
    sold = shop.sell(api, "13000000004", key(), amount="10.00").body
    path = f"/v1/vends/{sold['bill_number']}/cancel"
    other = open_shop(api)
    assert api.call("POST", path, {"reason": "x"}, other.headers).status == 404
    assert api.call("POST", path, {}, shop.headers).body["errors"][0]["field"] == "reason"
    unknown = api.call("POST", path, {"reason": "x", "charge_item_id": "nope"}, shop.headers)
    assert unknown.status == 400 and unknown.body["errors"][0]["field"] == "charge_item_id"
    big_fee = archive(
        api, shop.headers, "charge-items", {"code": "BIG", "name": "Big", "method": "per_times", "amount": "999"}
    )
    too_much = api.call("POST", path, {"reason": "x", "charge_item_id": big_fee}, shop.headers)
    assert too_much.status == 422
    assert api.call("POST", "/v1/vends/NOPE/cancel", {"reason": "x"}, shop.headers).status == 404
    assert api.call("GET", "/v1/cancellations?date=bad", headers=shop.headers).status == 400
    stored = api.call("GET", f"/v1/vends/{sold['bill_number']}", headers=shop.headers).body
    assert stored["status"] == "issued"
