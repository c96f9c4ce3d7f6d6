"""Meter replacement (contract moves, old meter to scrap/maintenance, remainder kept for a token) and
pay-type change (carries stored for the next purchase)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gridvend.auth.context import system_context
from gridvend.customers.model import ContractStatus, PayType
from gridvend.errors import Conflict
from gridvend.store.contracts import ContractRepository
from gridvend.store.guarded import commit
from tests.api.conftest import Api
from tests.api.test_customers import Setup, archive, meter_state, meters, register, setup


def reason(api: Api, s: Setup, fee: str = "15.00") -> str:
    item = archive(api, s.headers, "charge-items", {"code": "RPL", "name": "Replacement", "method": "per_times",
                                                    "amount": fee})
    return archive(api, s.headers, "replacement-reasons", {"code": "FAULT", "name": "Faulty meter",
                                                           "charge_item_ids": [item]})


def test_replacement_moves_the_contract_and_keeps_the_remainder_for_the_new_meter(api: Api) -> None:
    s = setup(api)
    register(api, s, "C-301", "32000000301")
    meters(api, s, "32000000302")
    reason_id = reason(api, s)
    body = {"reason_id": reason_id, "new_serial": "32000000302", "old_meter_state": "scrapped",
            "remainder": "12.30", "worker_name": "Otieno", "payment": {"payment_term_id": s.cash_id, "paid": "20"}}
    reply = api.call("POST", "/v1/contracts/32000000301/replace", body, s.headers)
    assert reply.status == 200, reply.body
    moved, record = reply.body["contract"], reply.body["record"]
    assert (moved["serial"], moved["status"], moved["replaces"]) == ("32000000302", "active", "32000000301")
    assert moved["pending_remainder"] == {"replacement_id": record["id"], "amount": "12.30"}
    assert (record["type"], record["remainder"], record["remainder_delivered"]) == ("replacement", "12.30", False)
    assert (record["settlement"]["due"], record["settlement"]["change"]) == ("15.00", "5.00")
    assert meter_state(api, s, "32000000301") == "scrapped"
    assert meter_state(api, s, "32000000302") == "in_service"
    old = api.call("GET", "/v1/contracts/32000000301", headers=s.headers).body
    assert (old["status"], old["replaced_by"], old["contract_id"]) == ("replaced", "32000000302", moved["contract_id"])
    contracts = ContractRepository(api.store, system_context(s.tenant_id, "vending"), 2)
    view = contracts.active_for_meter("32000000302")
    assert view is not None and view.may_vend and view.pending_remainder == Decimal("12.30")
    assert view.pending_replacement_id == record["id"]
    old_view = contracts.active_for_meter("32000000301")
    assert old_view is not None and old_view.contract_status is ContractStatus.REPLACED and not old_view.may_vend
    in_use = api.call("DELETE", f"/v1/archives/replacement-reasons/{reason_id}", headers=s.headers)
    assert in_use.status == 409


def test_replacement_refusals_change_nothing(api: Api) -> None:
    s = setup(api)
    register(api, s, "C-311", "32000000311")
    register(api, s, "C-312", "32000000312")
    meters(api, s, "32000000313")
    reason_id = reason(api, s, fee="0")
    base = {"reason_id": reason_id, "new_serial": "32000000313"}
    cases = [
        ({"new_serial": "32000000312"}, 409, "new_serial"),  # in service with another customer
        ({"new_serial": "39999999999"}, 400, "new_serial"),
        ({"new_serial": "32000000311"}, 400, "new_serial"),
        ({"reason_id": "NOPE"}, 400, "reason_id"),
        ({"old_meter_state": "in_warehouse"}, 400, "old_meter_state"),
        ({"remainder": "1.234"}, 400, "remainder"),
    ]
    for change, status, field in cases:
        reply = api.call("POST", "/v1/contracts/32000000311/replace", {**base, **change}, s.headers)
        assert reply.status == status, (change, reply.body)
        assert reply.body["errors"][0]["field"] == field, (change, reply.body)
    assert meter_state(api, s, "32000000313") == "in_warehouse"
    assert api.call("GET", "/v1/contracts/32000000311", headers=s.headers).body["status"] == "active"
    missing = api.call("POST", "/v1/contracts/39999999999/replace", base, s.headers)
    assert missing.status == 404


def test_postpaid_to_prepaid_leaves_prearranged_and_receivable_for_the_next_purchase(api: Api) -> None:
    s = setup(api)
    meters(api, s, "32000000321")
    body = {"customer": {"code": "C-321", "name": "Pay", "customer_type_id": s.customer_type_id},
            "contracts": [{"serial": "32000000321", "tariff_id": s.tariff_id, "pay_type": "postpaid"}],
            "payment": {"payment_term_id": s.cash_id}}
    bill = api.call("POST", "/v1/register-bills", body, s.headers).body
    api.call("POST", f"/v1/register-bills/{bill['id']}/check", headers=s.headers)
    same = api.call("POST", "/v1/contracts/32000000321/pay-type", {"to": "postpaid"}, s.headers)
    assert same.status == 400 and same.body["errors"][0]["field"] == "to"
    reply = api.call("POST", "/v1/contracts/32000000321/pay-type",
                     {"to": "prepaid", "unpaid_postpaid_amount": "80", "prearrange_amount": "20"}, s.headers)
    assert reply.status == 200, reply.body
    assert reply.body["contract"]["pay_type"] == "prepaid"
    assert reply.body["contract"]["carry"] == {"prearranged": "20.00", "receivable": "80.00", "remain": "0.00"}
    assert (reply.body["record"]["change"], reply.body["record"]["receivable"]) == ("postpaid_to_prepaid", "80.00")
    back = api.call("POST", "/v1/contracts/32000000321/pay-type",
                    {"to": "postpaid", "prepaid_remaining_amount": "7.5"}, s.headers)
    assert back.status == 200, back.body
    assert back.body["contract"]["carry"] == {"prearranged": "20.00", "receivable": "80.00", "remain": "7.50"}
    view = ContractRepository(api.store, system_context(s.tenant_id, "vending"), 2).active_for_meter("32000000321")
    assert view is not None and view.pay_type is PayType.POSTPAID
    assert (view.carry.prearranged, view.carry.receivable, view.carry.remain) == (
        Decimal("20.00"), Decimal("80.00"), Decimal("7.50"))


def test_a_replaced_contract_cannot_change_pay_type_or_be_replaced_again(api: Api) -> None:
    s = setup(api)
    register(api, s, "C-331", "32000000331")
    meters(api, s, "32000000332", "32000000333")
    reason_id = reason(api, s, fee="0")
    first = api.call("POST", "/v1/contracts/32000000331/replace",
                     {"reason_id": reason_id, "new_serial": "32000000332", "remainder": "4"}, s.headers)
    assert first.status == 200
    again = api.call("POST", "/v1/contracts/32000000331/replace",
                     {"reason_id": reason_id, "new_serial": "32000000333"}, s.headers)
    assert again.status == 409
    assert api.call("POST", "/v1/contracts/32000000331/pay-type", {"to": "postpaid"}, s.headers).status == 409
    second = api.call("POST", "/v1/contracts/32000000332/replace",
                      {"reason_id": reason_id, "new_serial": "32000000333", "remainder": "1"}, s.headers)
    assert second.status == 200
    assert second.body["contract"]["pending_remainder"]["amount"] == "5.00"  # the undelivered 4 carries on
    customer = api.call("GET", "/v1/customers/C-331", headers=s.headers).body
    assert sorted((c["serial"], c["status"]) for c in customer["contracts"]) == [
        ("32000000331", "replaced"), ("32000000332", "replaced"), ("32000000333", "active")]


def test_a_vend_settles_the_remainder_debt_and_carries_on_the_contract(api: Api) -> None:
    s = setup(api)
    meters(api, s, "32000000341")
    body = {"customer": {"code": "C-341", "name": "Vend", "customer_type_id": s.customer_type_id},
            "contracts": [{"serial": "32000000341", "tariff_id": s.tariff_id, "debt": "30", "pay_type": "postpaid"}],
            "payment": {"payment_term_id": s.cash_id}}
    bill = api.call("POST", "/v1/register-bills", body, s.headers).body
    api.call("POST", f"/v1/register-bills/{bill['id']}/check", headers=s.headers)
    api.call("POST", "/v1/contracts/32000000341/pay-type", {"to": "prepaid", "unpaid_postpaid_amount": "8"}, s.headers)
    meters(api, s, "32000000342")
    replacement = {"reason_id": reason(api, s, fee="0"), "new_serial": "32000000342", "remainder": "6"}
    replaced = api.call("POST", "/v1/contracts/32000000341/replace", replacement, s.headers)
    record_id = replaced.body["record"]["id"]
    contracts = ContractRepository(api.store, system_context(s.tenant_id, "vending"), 2)
    view = contracts.active_for_meter("32000000342")
    assert view is not None and view.debt == Decimal("30.00") and view.carry.receivable == Decimal("8.00")
    operations = contracts.after_vend_operations(view, debt_repaid=Decimal("10"), carry_settled=True,
                                                 remainder_delivered=True)
    commit(api.store, operations)
    after = contracts.active_for_meter("32000000342")
    assert after is not None
    assert (after.debt, after.carry.receivable, after.pending_remainder) == (Decimal("20.00"), Decimal(0), Decimal(0))
    records = api.call("GET", "/v1/customers/C-341/operations?type=replacement", headers=s.headers).body["items"]
    assert [(r["id"], r["remainder_delivered"]) for r in records] == [(record_id, True)]
    with pytest.raises(Conflict):  # a vend on a stale read of the contract
        contracts.after_vend_operations(view, debt_repaid=Decimal("1"), carry_settled=False, remainder_delivered=False)
