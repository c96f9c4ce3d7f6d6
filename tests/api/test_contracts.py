"""The change modules after a register bill is checked: customer information, contract terms, adding and
cancelling contracts, closing the account with settlement; and the contract lookup vending uses."""

from __future__ import annotations

from decimal import Decimal

from gridvend.auth.context import system_context
from gridvend.customers.model import ContractStatus, CustomerStatus, PayType
from gridvend.customers.vending_view import VendingContract
from gridvend.store.contracts import ContractRepository
from tests.api.conftest import Api
from tests.api.test_customers import Setup, archive, meter_state, meters, register, setup


def lookup(api: Api, s: Setup, serial: str) -> VendingContract:
    found = ContractRepository(api.store, system_context(s.tenant_id, "vending"), 2).active_for_meter(serial)
    assert found is not None
    return found


def test_customer_information_changes_through_the_change_module(api: Api) -> None:
    s = setup(api)
    register(api, s, "C-101", "31000000101", phone="0700 000 101")
    region = archive(api, s.headers, "regions", {"code": "R1", "name": "North"})
    changed = api.call("PATCH", "/v1/customers/C-101", {"name": "New Name", "region_id": region, "version": 1},
                       s.headers)
    assert changed.status == 200, changed.body
    assert (changed.body["name"], changed.body["region_id"], changed.body["version"]) == ("New Name", region, 2)
    stale = api.call("PATCH", "/v1/customers/C-101", {"name": "Lost update", "version": 1}, s.headers)
    assert stale.status == 409
    in_use = api.call("DELETE", f"/v1/archives/regions/{region}", headers=s.headers)
    assert in_use.status == 409
    bad = api.call("PATCH", "/v1/customers/C-101", {"code": "OTHER"}, s.headers)
    assert bad.status == 400 and bad.body["errors"][0]["field"] == "code"
    unknown = api.call("PATCH", "/v1/customers/C-101", {"card_no": "123"}, s.headers)
    assert unknown.status == 400 and unknown.body["errors"][0]["field"] == "card_no"
    operations = api.call("GET", "/v1/customers/C-101/operations?type=change_customer", headers=s.headers).body
    assert operations["items"][0]["changed"] == ["name", "region_id"]


def test_a_blacklisted_customer_is_flagged_for_vending(api: Api) -> None:
    s = setup(api)
    register(api, s, "C-111", "31000000111")
    view = lookup(api, s, "31000000111")
    assert view.may_vend
    reply = api.call("PATCH", "/v1/customers/C-111", {"status": "blacklist"}, s.headers)
    assert reply.status == 200 and reply.body["status"] == "blacklist"
    view = lookup(api, s, "31000000111")
    assert view.customer_status is CustomerStatus.BLACKLIST
    assert "blacklisted" in (view.refusal() or "")


def test_the_vending_lookup_carries_the_contract_terms(api: Api) -> None:
    s = setup(api)
    meters(api, s, "31000000121")
    body = {
        "customer": {"code": "C-121", "name": "Terms", "customer_type_id": s.customer_type_id},
        "contracts": [{"serial": "31000000121", "tariff_id": s.tariff_id, "alarm_amount_1": "10.50",
                       "hoarding_limit": "500", "debt": "30.00", "power_threshold_w": 5000, "ct_ratio": 3}],
        "payment": {"payment_term_id": s.cash_id},
    }
    bill = api.call("POST", "/v1/register-bills", body, s.headers).body
    assert api.call("POST", f"/v1/register-bills/{bill['id']}/check", headers=s.headers).status == 200
    view = lookup(api, s, "31000000121")
    assert (view.tariff_id, view.customer_type_id) == (s.tariff_id, s.customer_type_id)
    assert view.pay_type is PayType.PREPAID
    assert (view.alarm_amount_1, view.hoarding_limit) == (Decimal("10.50"), Decimal("500.00"))
    assert view.debt == Decimal("30.00")
    assert (view.ct_ratio, view.pt_ratio, view.power_threshold_w) == (3, 1, 5000)
    assert ContractRepository(api.store, system_context(s.tenant_id, "v"), 2).active_for_meter("39999999999") is None


def test_contract_terms_change_and_the_meter_ratio_follows(api: Api) -> None:
    s = setup(api)
    register(api, s, "C-131", "31000000131")
    tariff = archive(api, s.headers, "tariffs", {"code": "T2", "name": "Other", "type": "single", "price": "0.3"})
    reply = api.call("PATCH", "/v1/contracts/31000000131",
                     {"tariff_id": tariff, "ct_ratio": 40, "alarm_amount_2": "5", "version": 1}, s.headers)
    assert reply.status == 200, reply.body
    assert (reply.body["tariff_id"], reply.body["ratio"], reply.body["alarm_amount_2"]) == (tariff, 40, "5.00")
    assert api.call("GET", "/v1/meters/31000000131", headers=s.headers).body["ratio"] == 40
    freed = api.call("DELETE", f"/v1/archives/tariffs/{s.tariff_id}", headers=s.headers)
    assert freed.status == 204
    refused = api.call("PATCH", "/v1/contracts/31000000131", {"pay_type": "postpaid"}, s.headers)
    assert refused.status == 400 and refused.body["errors"][0]["field"] == "pay_type"
    missing = api.call("PATCH", "/v1/contracts/31000000131", {"tariff_id": "NOPE"}, s.headers)
    assert missing.status == 400 and missing.body["errors"][0]["field"] == "tariff_id"


def test_adding_a_contract_collects_the_registration_charge(api: Api) -> None:
    s = setup(api, fee="20.00")
    register(api, s, "C-141", "31000000141")
    meters(api, s, "31000000142")
    body = {"serial": "31000000142", "tariff_id": s.tariff_id, "payment": {"payment_term_id": s.cash_id,
                                                                          "paid": "25"}}
    reply = api.call("POST", "/v1/customers/C-141/contracts", body, s.headers)
    assert reply.status == 201, reply.body
    assert reply.body["contract"]["serial"] == "31000000142"
    settlement = reply.body["record"]["settlement"]
    assert (settlement["due"], settlement["change"]) == ("20.00", "5.00")
    assert meter_state(api, s, "31000000142") == "in_service"
    customer = api.call("GET", "/v1/customers/C-141", headers=s.headers).body
    assert sorted(c["serial"] for c in customer["contracts"]) == ["31000000141", "31000000142"]
    again = api.call("POST", "/v1/customers/C-141/contracts", body, s.headers)
    assert again.status == 409 and again.body["errors"][0]["field"] == "serial"


def test_a_cancelled_contract_stops_vending_and_the_meter_comes_off_site(api: Api) -> None:
    s = setup(api)
    register(api, s, "C-151", "31000000151")
    reply = api.call("POST", "/v1/contracts/31000000151/cancel", {"reason": "moved away",
                                                                  "remaining_credit": "3.50"}, s.headers)
    assert reply.status == 200, reply.body
    assert reply.body["contract"]["status"] == "cancelled"
    assert reply.body["record"]["remaining_credit"] == "3.50"
    assert meter_state(api, s, "31000000151") == "replaced"
    view = lookup(api, s, "31000000151")
    assert view.contract_status is ContractStatus.CANCELLED and not view.may_vend
    again = api.call("POST", "/v1/contracts/31000000151/cancel", {"reason": "twice"}, s.headers)
    assert again.status == 409
    changed = api.call("PATCH", "/v1/contracts/31000000151", {"remark": "x"}, s.headers)
    assert changed.status == 409


def test_a_meter_whose_contract_ended_can_be_registered_to_someone_else(api: Api) -> None:
    s = setup(api)
    register(api, s, "C-161", "31000000161")
    api.call("POST", "/v1/contracts/31000000161/cancel", {"reason": "moved"}, s.headers)
    from gridvend.meters.states import MeterState
    from tests.api.test_stock_bills import force_state

    force_state(api, s.tenant_id, "31000000161", MeterState.IN_WAREHOUSE)
    body = {"customer": {"code": "C-162", "name": "Next", "customer_type_id": s.customer_type_id},
            "contracts": [{"serial": "31000000161", "tariff_id": s.tariff_id}],
            "payment": {"payment_term_id": s.cash_id}}
    bill = api.call("POST", "/v1/register-bills", body, s.headers).body
    assert api.call("POST", f"/v1/register-bills/{bill['id']}/check", headers=s.headers).status == 200
    assert api.call("GET", "/v1/contracts/31000000161", headers=s.headers).body["customer_code"] == "C-162"
    first = api.call("GET", "/v1/customers/C-161", headers=s.headers).body
    assert first["contracts"] == []  # its contract is history now; the meter's latest belongs to C-162
    assert api.call("POST", f"/v1/register-bills/{bill['id']}/uncheck", headers=s.headers).status == 200
    restored = api.call("GET", "/v1/contracts/31000000161", headers=s.headers).body
    assert (restored["customer_code"], restored["status"]) == ("C-161", "cancelled")


def test_closing_the_account_settles_debts_and_credits(api: Api) -> None:
    s = setup(api)
    meters(api, s, "31000000171", "31000000172")
    body = {
        "customer": {"code": "C-171", "name": "Leaving", "customer_type_id": s.customer_type_id},
        "contracts": [{"serial": "31000000171", "tariff_id": s.tariff_id, "debt": "40"},
                      {"serial": "31000000172", "tariff_id": s.tariff_id}],
        "payment": {"payment_term_id": s.cash_id},
    }
    bill = api.call("POST", "/v1/register-bills", body, s.headers).body
    api.call("POST", f"/v1/register-bills/{bill['id']}/check", headers=s.headers)
    short = api.call("POST", "/v1/customers/C-171/close",
                     {"reason": "moving", "credits": [{"serial": "31000000172", "remaining_credit": "15"}]}, s.headers)
    assert short.status == 400 and short.body["errors"][0]["field"] == "payment.payment_term_id"
    unknown = api.call("POST", "/v1/customers/C-171/close",
                       {"reason": "moving", "credits": [{"serial": "39999999999"}]}, s.headers)
    assert unknown.status == 400 and unknown.body["errors"][0]["field"] == "credits[0].serial"
    reply = api.call("POST", "/v1/customers/C-171/close", {
        "reason": "moving", "credits": [{"serial": "31000000172", "remaining_credit": "15"}],
        "payment": {"payment_term_id": s.cash_id, "paid": "30"}}, s.headers)
    assert reply.status == 200, reply.body
    record = reply.body["record"]
    assert (record["owed_by_customer"], record["owed_to_customer"], record["refund"]) == ("40.00", "15.00", "0.00")
    assert (record["settlement"]["due"], record["settlement"]["change"]) == ("25.00", "5.00")
    assert reply.body["customer"]["status"] == "closed"
    assert {meter_state(api, s, serial) for serial in ("31000000171", "31000000172")} == {"replaced"}
    view = lookup(api, s, "31000000171")
    assert view.customer_status is CustomerStatus.CLOSED and not view.may_vend
    assert api.call("PATCH", "/v1/customers/C-171", {"name": "x"}, s.headers).status == 409
    assert api.call("POST", "/v1/customers/C-171/close", {"reason": "again"}, s.headers).status == 409


def test_uncheck_is_refused_once_the_customer_changed(api: Api) -> None:
    s = setup(api)
    bill = register(api, s, "C-181", "31000000181")
    api.call("PATCH", "/v1/customers/C-181", {"name": "Changed"}, s.headers)
    refused = api.call("POST", f"/v1/register-bills/{bill['id']}/uncheck", headers=s.headers)
    assert refused.status == 409
    assert api.call("GET", "/v1/customers/C-181", headers=s.headers).body["name"] == "Changed"
    assert meter_state(api, s, "31000000181") == "in_service"


def test_customers_are_found_by_code_name_serial_and_phone(api: Api) -> None:
    s = setup(api)
    register(api, s, "AB-1", "31000000191", name="Mary Wanjiku", phone="+254 711 000 191")
    register(api, s, "AB-2", "31000000192", name="Mark Otieno", phone="0722 000 192")
    register(api, s, "CD-1", "31000000193", name="Zed", phone="0733 000 193")

    def codes(params: str) -> list[str]:
        reply = api.call("GET", f"/v1/customers?{params}", headers=s.headers)
        assert reply.status == 200, reply.body
        return [customer["code"] for customer in reply.body["items"]]

    assert codes("code=ab") == ["AB-1", "AB-2"]
    assert codes("name=mar") == ["AB-2", "AB-1"]  # by name: "mark" < "mary"
    assert codes("serial=31000000193") == ["CD-1"]
    assert codes("serial=3100000019") == ["AB-1", "AB-2", "CD-1"]
    assert codes("phone=0722") == ["AB-2"]
    assert codes("phone=254711") == ["AB-1"]
    first = api.call("GET", "/v1/customers?limit=2", headers=s.headers).body
    assert [c["code"] for c in first["items"]] == ["AB-1", "AB-2"] and first["next_cursor"]
    rest = api.call("GET", f"/v1/customers?limit=2&cursor={first['next_cursor']}", headers=s.headers).body
    assert [c["code"] for c in rest["items"]] == ["CD-1"]
    two = api.call("GET", "/v1/customers?code=AB&name=Mary", headers=s.headers)
    assert two.status == 400 and two.body["errors"][0]["field"] == "name"


def test_customers_of_one_tenant_are_invisible_to_another(api: Api) -> None:
    s = setup(api)
    other = setup(api)
    register(api, s, "C-201", "31000000201")
    register(api, other, "C-202", "31000000202")
    assert [c["code"] for c in api.call("GET", "/v1/customers", headers=other.headers).body["items"]] == ["C-202"]
    assert api.call("GET", "/v1/customers/C-201", headers=other.headers).status == 404
    assert api.call("GET", "/v1/contracts/31000000201", headers=other.headers).status == 404
    assert api.call("PATCH", "/v1/customers/C-201", {"name": "x"}, other.headers).status == 404
    assert api.call("POST", "/v1/contracts/31000000201/cancel", {"reason": "x"}, other.headers).status == 404
    assert api.call("GET", "/v1/customers?serial=31000000201", headers=other.headers).body["items"] == []
    cursor = api.call("GET", "/v1/customers?limit=1", headers=s.headers).body["next_cursor"]
    if cursor is not None:  # DynamoDB may hand out a cursor at a full page; it leads nowhere else
        assert api.call("GET", f"/v1/customers?cursor={cursor}", headers=s.headers).body["items"] == []
        assert api.call("GET", f"/v1/customers?cursor={cursor}", headers=other.headers).status == 400
    assert api.call("GET", "/v1/customers/C-201", headers=s.headers).body["name"] == "Customer C-201"
