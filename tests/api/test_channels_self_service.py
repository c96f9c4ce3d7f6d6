"""Customer self-service: login with meter serial + issued code, purchases, a balance estimate, buying."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from gridvend.ami.rollups import StoredReading
from gridvend.iot.obis import CREDIT
from gridvend.store.ami.readings import NewReading, add_readings
from tests.api.conftest import Api
from tests.api.test_mobile_money import provider
from tests.api.vending_setup import Shop, _master_key, install, open_shop

__all__ = ["_master_key"]


def code_for(api: Api, shop: Shop, serial: str) -> str:
    issued = api.call("POST", "/v1/self-service/codes", {"meter": serial}, shop.headers)
    assert issued.status == 201, issued.body
    return str(issued.body["code"])


def customer_login(api: Api, shop: Shop, serial: str, code: str) -> dict[str, str]:
    reply = api.call("POST", "/v1/self-service/login", {"tenant": shop.tenant_id, "meter": serial, "code": code})
    assert reply.status == 200, reply.body
    return {"X-Customer-Session": reply.body["session_token"]}


def test_a_customer_sees_purchases_and_a_balance_estimate_from_the_credit_reading(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "35000000001")
    read_at = datetime.now(UTC) - timedelta(hours=1)
    reading = StoredReading("35000000001", read_at, {CREDIT: 5250})
    add_readings(api.store, [NewReading(shop.tenant_id, "thing-1", uuid.uuid4().hex, reading)], 90)
    sold = shop.sell(api, "35000000001", f"ss-{uuid.uuid4().hex}").body
    session = customer_login(api, shop, "35000000001", code_for(api, shop, "35000000001"))
    me = api.call("GET", "/v1/self-service/me", headers=session)
    assert me.status == 200, me.body
    assert me.body["customer_name"] == "Customer 35000000001"
    assert [sale["bill_number"] for sale in me.body["purchases"]] == [sold["bill_number"]]
    expected = Decimal("5.25") + Decimal(sold["energy_kwh"])
    assert Decimal(me.body["balance_estimate"]["kwh"]) == expected


def test_wrong_codes_are_refused_then_locked_and_an_earlier_code_stops_working(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "35000000002")
    old_code = code_for(api, shop, "35000000002")
    new_code = code_for(api, shop, "35000000002")
    login = {"tenant": shop.tenant_id, "meter": "35000000002"}
    assert api.call("POST", "/v1/self-service/login", {**login, "code": old_code}).status == 401
    other = open_shop(api)
    assert api.call("POST", "/v1/self-service/login", {**login, "tenant": other.tenant_id,
                                                       "code": new_code}).status == 401
    for _ in range(4):
        assert api.call("POST", "/v1/self-service/login", {**login, "code": "WRONG0000"}).status == 401
    assert api.call("POST", "/v1/self-service/login", {**login, "code": new_code}).status == 423


def test_a_session_opens_only_self_service_and_buys_through_a_payment_channel(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "35000000003")
    provider(api, shop, "AIRTEL")
    session = customer_login(api, shop, "35000000003", code_for(api, shop, "35000000003"))
    me = api.call("GET", "/v1/self-service/me", headers=session).body
    assert me["payment_channels"] == [{"id": "AIRTEL", "name": "M-Pesa"}]
    intent = api.call("POST", "/v1/self-service/purchases", {"provider": "AIRTEL", "amount": "50.00"}, session)
    assert intent.status == 201, intent.body
    assert intent.body["account_reference"] == "35000000003" and intent.body["amount"] == "50.00"
    unknown = api.call("POST", "/v1/self-service/purchases", {"provider": "NOPE", "amount": "5"}, session)
    assert unknown.status == 422
    assert api.call("GET", "/v1/self-service/me").status == 401
    forged = {"X-Customer-Session": session["X-Customer-Session"][:-3] + "abc"}
    assert api.call("GET", "/v1/self-service/me", headers=forged).status == 401
    as_operator = {"Authorization": f"Bearer {session['X-Customer-Session']}"}
    assert api.call("GET", "/v1/agents", headers=as_operator).status in (401, 403)  # the authorizer refuses it
