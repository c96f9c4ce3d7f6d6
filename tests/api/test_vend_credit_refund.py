"""Refund of carried credit (seed 002 §3.3): what earlier purchases left over, paid back with no vend behind it."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from tests.api.conftest import Api
from tests.api.test_roles_and_operators import _operator_with
from tests.api.vending_setup import Shop, _master_key, install, open_shop

__all__ = ["_master_key"]


def key() -> str:
    return f"pay-{uuid.uuid4().hex}"


def shop_with_carried_credit(api: Api, serial: str) -> tuple[Shop, Decimal]:
    """A sale whose energy rounds down to 0.1 kWh leaves part of the payment as carried credit."""
    shop = open_shop(api, price="0.33")
    install(api, shop, serial)
    sale = shop.sell(api, serial, key(), amount="10.00")
    assert sale.status == 201, sale.body
    carried = Decimal(sale.body["breakdown"]["credit_carried"])
    assert carried > 0
    return shop, carried


def refund(api: Api, shop: Shop, serial: str, headers: dict[str, str] | None = None, **body: Any) -> Any:
    return api.call("POST", f"/v1/meters/{serial}/credit-refunds", body, headers or shop.headers)


def refunds_of(api: Api, shop: Shop, serial: str) -> list[dict[str, Any]]:
    reply = api.call("GET", f"/v1/meters/{serial}/credit-refunds", headers=shop.headers)
    assert reply.status == 200, reply.body
    items: list[dict[str, Any]] = reply.body["items"]
    return items


def test_refunding_all_carried_credit_leaves_none_for_the_next_sale(api: Api) -> None:
    shop, carried = shop_with_carried_credit(api, "17000000001")
    paid_back = refund(api, shop, "17000000001", remark="customer moved out")
    assert paid_back.status == 201, paid_back.body
    record = paid_back.body
    assert Decimal(record["refund_amount"]) == carried and Decimal(record["carried_after"]) == 0
    assert record["operator"] and record["bill_number"] and record["payment_term"] == "CASH"
    assert [item["bill_number"] for item in refunds_of(api, shop, "17000000001")] == [record["bill_number"]]
    again = refund(api, shop, "17000000001")
    assert again.status == 422 and "no credit" in again.body["detail"]
    next_sale = shop.sell(api, "17000000001", key(), amount="10.00")
    assert Decimal(next_sale.body["breakdown"]["credit_used"]) == 0


def test_part_of_the_credit_can_be_paid_back_and_the_rest_is_still_used(api: Api) -> None:
    shop, carried = shop_with_carried_credit(api, "17000000002")
    part = (carried / 2).quantize(Decimal("0.01"))
    assert refund(api, shop, "17000000002", amount=str(part)).status == 201
    next_sale = shop.sell(api, "17000000002", key(), amount="10.00")
    assert Decimal(next_sale.body["breakdown"]["credit_used"]) == carried - part


def test_more_than_carried_is_refused_naming_the_field_and_nothing_changes(api: Api) -> None:
    shop, carried = shop_with_carried_credit(api, "17000000003")
    refused = refund(api, shop, "17000000003", amount=str(carried + Decimal("0.01")))
    assert refused.status == 400
    assert refused.body["errors"][0]["field"] == "amount"
    assert refund(api, shop, "17000000003", payment_term="NOPE").status == 400
    assert refund(api, shop, "99999999999").status == 404
    assert refunds_of(api, shop, "17000000003") == []
    next_sale = shop.sell(api, "17000000003", key(), amount="10.00")
    assert Decimal(next_sale.body["breakdown"]["credit_used"]) == carried


def test_a_refund_needs_its_permission_and_stays_in_its_tenant(api: Api) -> None:
    shop, _ = shop_with_carried_credit(api, "17000000004")
    clerk = _operator_with(api, shop.headers, shop.tenant_id, ["vending:view", "vending:create"])
    assert refund(api, shop, "17000000004", clerk).status == 403
    _, other_admin = api.new_tenant()
    assert refund(api, shop, "17000000004", other_admin).status in (403, 404)
    other_list = api.call("GET", "/v1/meters/17000000004/credit-refunds", headers=other_admin)
    assert other_list.status in (200, 403) and other_list.body.get("items", []) == []
    assert refunds_of(api, shop, "17000000004") == []
