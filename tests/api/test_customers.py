"""Customer registration: a register bill drafts a customer with meter contracts and its charges; checking it
creates both and puts the meters in service in one transaction; refusals change nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.api.conftest import Api
from tests.api.test_meters import meter_model, new_meter


@dataclass
class Setup:
    tenant_id: str
    headers: dict[str, str]
    model_id: str
    tariff_id: str
    customer_type_id: str
    cash_id: str
    fee_id: str


def archive(api: Api, headers: dict[str, str], kind: str, body: dict[str, Any]) -> str:
    reply = api.call("POST", f"/v1/archives/{kind}", body, headers)
    assert reply.status == 201, reply.body
    return str(reply.body["id"])


def by_code(api: Api, headers: dict[str, str], kind: str, code: str) -> str:
    reply = api.call("GET", f"/v1/archives/{kind}?q={code}&match=exact", headers=headers)
    return str(reply.body["items"][0]["id"])


def setup(api: Api, fee: str = "50.00", vat_percent: str = "0") -> Setup:
    tenant_id, headers = api.new_tenant()
    model_id = meter_model(api, headers, ct_ratio=2)
    tariff_id = archive(api, headers, "tariffs", {"code": "T1", "name": "Flat", "type": "single", "price": "0.20"})
    fee_id = archive(
        api, headers, "charge-items",
        {"code": "REG", "name": "Registration fee", "method": "per_times", "amount": fee, "taxed": True},
    )
    type_id = archive(
        api, headers, "customer-types",
        {"code": "RES", "name": "Residential", "vat_percent": vat_percent, "registration_charge_item_ids": [fee_id]},
    )
    cash_id = by_code(api, headers, "payment-terms", "CASH")
    return Setup(tenant_id, headers, model_id, tariff_id, type_id, cash_id, fee_id)


def meters(api: Api, s: Setup, *serials: str) -> None:
    for serial in serials:
        new_meter(api, s.headers, serial, s.model_id)


def contract(s: Setup, serial: str, **terms: Any) -> dict[str, Any]:
    return {"serial": serial, "tariff_id": s.tariff_id, **terms}


def registration(s: Setup, code: str, serials: list[str], paid: str | None = None, **customer: Any) -> dict[str, Any]:
    payment: dict[str, Any] = {"payment_term_id": s.cash_id}
    if paid is not None:
        payment["paid"] = paid
    return {
        "customer": {"code": code, "name": f"Customer {code}", "customer_type_id": s.customer_type_id, **customer},
        "contracts": [contract(s, serial) for serial in serials],
        "payment": payment,
    }


def draft(api: Api, s: Setup, body: dict[str, Any], expected: int = 201) -> Any:
    reply = api.call("POST", "/v1/register-bills", body, s.headers)
    assert reply.status == expected, reply.body
    return reply.body


def check(api: Api, s: Setup, bill_id: str, action: str = "check", expected: int = 200) -> Any:
    reply = api.call("POST", f"/v1/register-bills/{bill_id}/{action}", headers=s.headers)
    assert reply.status == expected, reply.body
    return reply.body


def register(api: Api, s: Setup, code: str, *serials: str, **customer: Any) -> dict[str, Any]:
    meters(api, s, *serials)
    bill = draft(api, s, registration(s, code, list(serials), **customer))
    return dict(check(api, s, bill["id"]))


def meter_state(api: Api, s: Setup, serial: str) -> str:
    return str(api.call("GET", f"/v1/meters/{serial}", headers=s.headers).body["state"])


def test_a_checked_register_bill_creates_the_customer_and_contracts_and_installs_the_meters(api: Api) -> None:
    s = setup(api, fee="50.00", vat_percent="10")
    meters(api, s, "30000000001", "30000000002")
    body = registration(s, "c-001", ["30000000001", "30000000002"], paid="120.00", phone="+254 700 111222")
    bill = draft(api, s, body)
    assert bill["status"] == "draft" and bill["number"].startswith("R")
    assert bill["customer"]["code"] == "C-001"
    assert [(f["amount"], f["serial"]) for f in bill["fees"]] == [("50.00", "30000000001"), ("50.00", "30000000002")]
    assert (bill["vat"], bill["due"], bill["paid"], bill["change"]) == ("10.00", "110.00", "120.00", "10.00")
    assert api.call("GET", "/v1/customers/C-001", headers=s.headers).status == 404
    assert meter_state(api, s, "30000000001") == "in_warehouse"

    checked = check(api, s, bill["id"])
    assert checked["status"] == "checked"
    customer = api.call("GET", "/v1/customers/c-001", headers=s.headers).body
    assert customer["status"] == "active" and customer["register_bill_id"] == bill["id"]
    assert sorted((c["serial"], c["status"], c["ratio"]) for c in customer["contracts"]) == [
        ("30000000001", "active", 2), ("30000000002", "active", 2)]
    assert meter_state(api, s, "30000000001") == "in_service"
    history = api.call("GET", "/v1/meters/30000000002/history", headers=s.headers).body["items"]
    assert history[0]["to"] == "in_service" and history[0]["bill_id"] == bill["id"]
    operations = api.call("GET", "/v1/customers/C-001/operations", headers=s.headers).body["items"]
    assert [(o["type"], o["number"], o["settlement"]["change"]) for o in operations] == [
        ("register", bill["number"], "10.00")]


def test_a_meter_out_for_installation_registers_too(api: Api) -> None:
    s = setup(api)
    meters(api, s, "30000000011")
    from gridvend.meters.states import MeterState
    from tests.api.test_stock_bills import force_state

    force_state(api, s.tenant_id, "30000000011", MeterState.OUT_FOR_INSTALLATION)
    bill = draft(api, s, registration(s, "C-011", ["30000000011"]))
    check(api, s, bill["id"])
    assert meter_state(api, s, "30000000011") == "in_service"


def test_a_checked_bill_cannot_be_edited_or_deleted_until_unchecked(api: Api) -> None:
    s = setup(api)
    meters(api, s, "30000000021")
    bill = draft(api, s, registration(s, "C-021", ["30000000021"]))
    renamed = api.call("PATCH", f"/v1/register-bills/{bill['id']}", {"customer": {"name": "Renamed"}}, s.headers)
    assert renamed.status == 200 and renamed.body["customer"]["name"] == "Renamed"
    check(api, s, bill["id"])
    refused = api.call("PATCH", f"/v1/register-bills/{bill['id']}",
                       {"customer": {**bill["customer"], "name": "Again"}}, s.headers)
    assert refused.status == 409
    assert api.call("DELETE", f"/v1/register-bills/{bill['id']}", headers=s.headers).status == 409
    assert api.call("GET", "/v1/customers/C-021", headers=s.headers).body["name"] == "Renamed"

    check(api, s, bill["id"], "uncheck")
    assert api.call("GET", "/v1/customers/C-021", headers=s.headers).status == 404
    assert meter_state(api, s, "30000000021") == "in_warehouse"
    assert api.call("GET", "/v1/contracts/30000000021", headers=s.headers).status == 404
    edited = api.call("PATCH", f"/v1/register-bills/{bill['id']}",
                      {"customer": {**bill["customer"], "name": "Third"}}, s.headers)
    assert edited.status == 200
    check(api, s, bill["id"])
    assert api.call("GET", "/v1/customers/C-021", headers=s.headers).body["name"] == "Third"


def test_checking_needs_the_check_right(api: Api) -> None:
    s = setup(api)
    meters(api, s, "30000000031")
    bill = draft(api, s, registration(s, "C-031", ["30000000031"]))
    role = archive(api, s.headers, "roles", {"code": "CLERK", "name": "Clerk",
                                              "permissions": ["register-bills:*", "customers:view"]})
    created = api.call("POST", "/v1/operators", {"username": "clerk", "display_name": "Clerk", "roles": [role],
                                                 "password": "clerk-pass-1"}, s.headers)
    assert created.status == 201, created.body
    clerk = api.login(s.tenant_id, "clerk", "clerk-pass-1")
    refused = api.call("POST", f"/v1/register-bills/{bill['id']}/check", headers=clerk)
    assert refused.status == 403
    assert api.call("GET", "/v1/customers/C-031", headers=clerk).status == 404
    assert meter_state(api, s, "30000000031") == "in_warehouse"


def test_a_meter_in_service_cannot_be_registered_again(api: Api) -> None:
    s = setup(api)
    register(api, s, "C-041", "30000000041")
    again = draft(api, s, registration(s, "C-042", ["30000000041"]), expected=409)
    assert again["errors"][0]["field"] == "contracts[0].serial"
    assert api.call("GET", "/v1/register-bills?status=draft", headers=s.headers).body["items"] == []


def test_a_meter_taken_between_draft_and_check_fails_the_whole_check(api: Api) -> None:
    s = setup(api)
    meters(api, s, "30000000051", "30000000052")
    first = draft(api, s, registration(s, "C-051", ["30000000051", "30000000052"]))
    second = draft(api, s, registration(s, "C-052", ["30000000052"]))
    check(api, s, second["id"])
    check(api, s, first["id"], expected=409)
    assert api.call("GET", "/v1/customers/C-051", headers=s.headers).status == 404
    assert meter_state(api, s, "30000000051") == "in_warehouse"
    assert api.call("GET", f"/v1/register-bills/{first['id']}", headers=s.headers).body["status"] == "draft"


def test_duplicate_codes_and_serials_are_refused(api: Api) -> None:
    s = setup(api)
    register(api, s, "C-061", "30000000061")
    meters(api, s, "30000000062")
    taken = draft(api, s, registration(s, "c-061", ["30000000062"]), expected=409)
    assert taken["errors"][0]["field"] == "customer.code"
    twice = draft(api, s, registration(s, "C-062", ["30000000062", "30000000062"]), expected=400)
    assert twice["errors"][0]["field"] == "contracts[1].serial"


def test_bad_registrations_name_the_field_and_store_nothing(api: Api) -> None:
    s = setup(api)
    meters(api, s, "30000000071")
    good = registration(s, "C-071", ["30000000071"])
    cases: list[tuple[dict[str, Any], str]] = [
        ({"customer": {**good["customer"], "customer_type_id": "NOPE"}}, "customer.customer_type_id"),
        ({"customer": {**good["customer"], "region_id": "NOPE"}}, "customer.region_id"),
        ({"customer": {**good["customer"], "status": "closed"}}, "customer.status"),
        ({"customer": {**good["customer"], "email": "not-an-email"}}, "customer.email"),
        ({"contracts": [contract(s, "30000000071", tariff_id="NOPE")]}, "contracts[0].tariff_id"),
        ({"contracts": [contract(s, "39999999999")]}, "contracts[0].serial"),
        ({"contracts": [contract(s, "30000000071", alarm_amount_1="-1")]}, "contracts[0].alarm_amount_1"),
        ({"contracts": [contract(s, "30000000071", pay_type="credit")]}, "contracts[0].pay_type"),
        ({"contracts": []}, "contracts"),
        ({"payment": {"payment_term_id": s.cash_id, "paid": "10.00"}}, "payment.paid"),
        ({"payment": {"paid": "50.00"}}, "payment.payment_term_id"),
        ({"payment": {"payment_term_id": s.cash_id, "paid": "50.001"}}, "payment.paid"),
    ]
    for change, field in cases:
        reply = api.call("POST", "/v1/register-bills", {**good, **change}, s.headers)
        assert reply.status == 400, (change, reply.body)
        assert field in [problem["field"] for problem in reply.body["errors"]], (change, reply.body)
    assert api.call("GET", "/v1/register-bills", headers=s.headers).body["items"] == []
    cheque = by_code(api, s.headers, "payment-terms", "CHEQUE")
    no_cheque = api.call("POST", "/v1/register-bills", {**good, "payment": {"payment_term_id": cheque}}, s.headers)
    assert no_cheque.status == 400 and no_cheque.body["errors"][0]["field"] == "payment.cheque_no"
    no_change = api.call("POST", "/v1/register-bills",
                         {**good, "payment": {"payment_term_id": cheque, "cheque_no": "77", "paid": "60"}}, s.headers)
    assert no_change.status == 400 and no_change.body["errors"][0]["field"] == "payment.paid"


def test_a_meter_of_another_tenant_cannot_be_registered(api: Api) -> None:
    s = setup(api)
    other = setup(api)
    meters(api, other, "30000000081")
    reply = draft(api, s, registration(s, "C-081", ["30000000081"]), expected=400)
    assert reply["errors"][0]["field"] == "contracts[0].serial"
    assert meter_state(api, other, "30000000081") == "in_warehouse"
    assert api.call("GET", "/v1/contracts/30000000081", headers=other.headers).status == 404


def test_customer_codes_come_from_the_customer_numbering_rule(api: Api) -> None:
    s = setup(api)
    archive(api, s.headers, "numbering-rules",
            {"code": "customer", "name": "Customers", "prefix": "CU", "parts": ["prefix"], "serial_digits": 4})
    meters(api, s, "30000000091")
    body = registration(s, "X", ["30000000091"])
    del body["customer"]["code"]
    bill = draft(api, s, body)
    assert bill["customer"]["code"] == "CU0001"
    check(api, s, bill["id"])
    assert api.call("GET", "/v1/customers/CU0001", headers=s.headers).status == 200


def test_without_a_customer_numbering_rule_the_code_is_required(api: Api) -> None:
    s = setup(api)
    meters(api, s, "30000000095")
    body = registration(s, "X", ["30000000095"])
    del body["customer"]["code"]
    reply = draft(api, s, body, expected=400)
    assert reply["errors"][0]["field"] == "customer.code"


def test_the_largest_register_bill_fits_one_transaction(api: Api) -> None:
    from gridvend.customers.schemas import MAX_CONTRACTS_PER_BILL

    s = setup(api)
    serials = [f"3010000{n:04d}" for n in range(MAX_CONTRACTS_PER_BILL + 1)]
    meters(api, s, *serials)
    tariffs = [archive(api, s.headers, "tariffs", {"code": f"TB{n}", "name": f"TB{n}", "type": "single", "price": "1"})
               for n in range(MAX_CONTRACTS_PER_BILL)]
    body = registration(s, "C-BIG", serials[:-1])
    pairs = zip(serials[:-1], tariffs, strict=True)
    body["contracts"] = [contract(s, serial, tariff_id=tariff) for serial, tariff in pairs]
    too_many = {**body, "contracts": [*body["contracts"], contract(s, serials[-1])]}
    assert draft(api, s, too_many, expected=400)["errors"][0]["field"] == "contracts"
    bill = draft(api, s, body)
    check(api, s, bill["id"])
    customer = api.call("GET", "/v1/customers/C-BIG", headers=s.headers).body
    assert len(customer["contracts"]) == MAX_CONTRACTS_PER_BILL
    check(api, s, bill["id"], "uncheck")
    assert api.call("GET", "/v1/customers/C-BIG", headers=s.headers).status == 404
