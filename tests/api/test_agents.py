"""Agents' floats: top-ups, sales that draw the float in the vend's own transaction, commission, statements."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

from functions.channels.channel_vend import agent_vend
from functions.vending.schemas import VendRequest
from gridvend.errors import GridvendError
from gridvend.store.channels import AgentRepository, FloatShort
from tests.api.conftest import Api
from tests.api.test_vends import meter_decoder, module_balance
from tests.api.vending_setup import Shop, _master_key, install, open_shop

__all__ = ["_master_key"]


def new_agent(api: Api, shop: Shop, agent_id: str, float_amount: str = "0", **body: Any) -> dict[str, Any]:
    created = api.call(
        "POST", "/v1/agents", {"id": agent_id, "name": f"Agent {agent_id}", "sales_point": "KIOSK1", **body},
        shop.headers,
    )
    assert created.status == 201, created.body
    if Decimal(float_amount) > 0:
        topped = api.call(
            "POST", f"/v1/agents/{agent_id}/float", {"type": "top-up", "amount": float_amount, "reference": "cash"},
            shop.headers,
        )
        assert topped.status == 200, topped.body
    return dict(created.body)


def agent_sell(api: Api, shop: Shop, agent_id: str, serial: str, amount: str, key: str) -> Any:
    return api.call(
        "POST", f"/v1/agents/{agent_id}/vends", {"meter": serial, "amount": amount},
        {**shop.headers, "Idempotency-Key": key},
    )


def balance(api: Api, shop: Shop, agent_id: str) -> Decimal:
    return Decimal(api.call("GET", f"/v1/agents/{agent_id}", headers=shop.headers).body["balance"])


def test_an_agent_sale_draws_its_float_earns_commission_and_shows_on_its_statement(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "31000000001")
    new_agent(api, shop, "AG1", "500.00", commission={"kind": "percent", "value": "2.5"})
    sold = agent_sell(api, shop, "AG1", "31000000001", "200.00", f"ag-{uuid.uuid4().hex}")
    assert sold.status == 201, sold.body
    assert sold.body["channel"] == "agent" and sold.body["agent"] == "AG1"
    assert sold.body["sales_point"] == "KIOSK1"
    assert sold.body["commission"] == "5.00"
    assert meter_decoder("31000000001").enter(sold.body["tokens"][0]).accepted
    assert balance(api, shop, "AG1") == Decimal("300.00")
    statement = api.call("GET", "/v1/agents/AG1/statement", headers=shop.headers).body
    assert [line["kind"] for line in statement["items"]] == ["top-up", "vend"]
    assert statement["items"][1]["amount"] == "-200.00"
    assert statement["items"][1]["reference"] == sold.body["bill_number"]
    assert statement["commission_earned"] == "5.00"
    assert statement["totals"] == {"top-up": "500.00", "vend": "-200.00"}


def test_a_sale_larger_than_the_float_is_refused_and_sells_nothing(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "31000000002")
    new_agent(api, shop, "AG2", "50.00")
    credit_before = module_balance(api, shop)
    refused = agent_sell(api, shop, "AG2", "31000000002", "50.01", f"ag-{uuid.uuid4().hex}")
    assert refused.status == 422, refused.body
    assert refused.body["errors"][0]["field"] == "amount"
    assert balance(api, shop, "AG2") == Decimal("50.00")
    assert module_balance(api, shop) == credit_before
    assert api.call("GET", "/v1/vends?meter=31000000002", headers=shop.headers).body["items"] == []


def test_a_retried_agent_sale_draws_the_float_once(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "31000000003")
    new_agent(api, shop, "AG3", "100.00", commission={"kind": "fixed", "value": "1.50"})
    key = f"ag-{uuid.uuid4().hex}"
    first = agent_sell(api, shop, "AG3", "31000000003", "40.00", key)
    again = agent_sell(api, shop, "AG3", "31000000003", "40.00", key)
    assert again.status == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.body["tokens"] == first.body["tokens"]
    assert balance(api, shop, "AG3") == Decimal("60.00")


def test_a_withdrawal_cannot_take_the_float_below_zero_and_bad_amounts_name_the_field(api: Api) -> None:
    shop = open_shop(api)
    new_agent(api, shop, "AG4", "10.00")
    too_much = api.call("POST", "/v1/agents/AG4/float", {"type": "withdrawal", "amount": "10.01"}, shop.headers)
    assert too_much.status == 422
    fine = api.call("POST", "/v1/agents/AG4/float", {"type": "top-up", "amount": "1.001"}, shop.headers)
    assert fine.status == 400 and fine.body["errors"][0]["field"] == "amount"
    assert balance(api, shop, "AG4") == Decimal("10.00")


def test_a_suspended_agent_cannot_sell_and_another_tenant_cannot_see_the_agent(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "31000000005")
    new_agent(api, shop, "AG5", "100.00")
    assert api.call("PATCH", "/v1/agents/AG5", {"status": "suspended"}, shop.headers).status == 200
    refused = agent_sell(api, shop, "AG5", "31000000005", "10.00", f"ag-{uuid.uuid4().hex}")
    assert refused.status == 422
    _, other_headers = api.new_tenant()
    assert api.call("GET", "/v1/agents/AG5", headers=other_headers).status == 404


def test_fifty_parallel_sales_never_take_the_float_below_zero(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "31000000006")
    new_agent(api, shop, "AG6", "200.00")
    credit_before = module_balance(api, shop)
    ctx = shop.context(api, "clerk")
    agent = AgentRepository(api.store, ctx).require("AG6")
    request = VendRequest(meter="31000000006", amount=Decimal("10.00"))

    def sell(_: int) -> dict[str, Any] | GridvendError:
        try:
            return agent_vend(api.store, ctx, agent, request, f"par-{uuid.uuid4().hex}")[0]
        except FloatShort as refused:
            return refused

    with ThreadPoolExecutor(max_workers=10) as pool:
        outcomes = list(pool.map(sell, range(50)))
    receipts = [outcome for outcome in outcomes if isinstance(outcome, dict)]
    assert len(receipts) == 20
    assert all(isinstance(outcome, FloatShort) for outcome in outcomes if not isinstance(outcome, dict))
    assert balance(api, shop, "AG6") == Decimal("0.00")
    stored = api.call("GET", "/v1/vends?meter=31000000006&limit=200", headers=shop.headers).body["items"]
    assert len(stored) == 20
    energy = sum(Decimal(receipt["energy_kwh"]) for receipt in receipts)
    assert module_balance(api, shop) == credit_before - energy
    lines = api.call("GET", "/v1/agents/AG6/statement?limit=200", headers=shop.headers).body["items"]
    assert sum(1 for line in lines if line["kind"] == "vend") == 20
