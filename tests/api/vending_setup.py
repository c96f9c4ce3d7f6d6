"""A tenant ready to sell: a software secure module with the published test vending key and credit, a tariff,
a customer type with a charge item, and meters registered to customers through the register-bill flow."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any

import pytest

from gridvend.auth.context import TenantContext
from gridvend.store.tenants import own_tenant_settings, tenant_context_fields
from tests.api.conftest import Api
from tests.api.test_customers import archive, by_code
from tests.api.test_meters import meter_model, new_meter

TEST_VENDING_KEY = "abababababababab"
TEST_MASTER_KEY = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"


@pytest.fixture(autouse=True)
def _master_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GRIDVEND_SECURE_MASTER_KEY", os.environ.get("GRIDVEND_SECURE_MASTER_KEY", TEST_MASTER_KEY))


def key_file(*krns: int) -> str:
    return json.dumps(
        {
            "format": "gridvend-keyfile/1",
            "issuer": "test",
            "keys": [
                {
                    "sgc": "123456",
                    "krn": krn,
                    "key_type": "M",
                    "dkga": 2,
                    "current": krn == krns[0],
                    "vending_key": TEST_VENDING_KEY,
                }
                for krn in krns
            ],
        }
    )


@dataclass
class Shop:
    tenant_id: str
    headers: dict[str, str]
    model_id: str
    tariff_id: str
    customer_type_id: str
    module_id: str = "SM1"

    def context(self, api: Api, username: str = "u") -> TenantContext:
        """An all-permissions context carrying the tenant's settings, as the API builds one from a token."""
        settings = own_tenant_settings(api.store, self.tenant_id) or {}
        return TenantContext(tenant_id=self.tenant_id, user_id=username, username=username,
                             permissions=frozenset({"*"}), extra=tenant_context_fields(settings))

    def sell(self, api: Api, serial: str, key: str, **body: Any) -> Any:
        payload = {"meter": serial, **({"amount": "100.00"} if "energy" not in body else {}), **body}
        return api.call("POST", "/v1/vends", payload, {**self.headers, "Idempotency-Key": key})


def open_shop(
    api: Api,
    *,
    credit_kwh: str = "100000",
    krns: tuple[int, ...] = (1,),
    price: str = "0.25",
    vat: str = "16",
    fee: str = "1.00",
    **tenant: Any,
) -> Shop:
    tenant_id, headers = api.new_tenant(**tenant)
    module = api.call("POST", "/v1/secure-modules", {"id": "SM1", "name": "Office module", "is_default": True}, headers)
    assert module.status == 201, module.body
    loaded = api.call("POST", "/v1/secure-modules/SM1/key-file", {"key_file": key_file(*krns)}, headers)
    assert loaded.status == 200, loaded.body
    credit = api.call("POST", "/v1/secure-modules/SM1/credit", {"type": "add", "energy_kwh": credit_kwh}, headers)
    assert credit.status == 200, credit.body
    tariff_id = archive(api, headers, "tariffs", {"code": "T1", "name": "Flat", "type": "single", "price": price})
    charge_id = archive(
        api,
        headers,
        "charge-items",
        {"code": "SVC", "name": "Service", "method": "per_times", "amount": fee, "taxed": True},
    )
    type_id = archive(
        api,
        headers,
        "customer-types",
        {"code": "RES", "name": "Residential", "vat_percent": vat, "charge_item_ids": [charge_id]},
    )
    return Shop(tenant_id, headers, meter_model(api, headers), tariff_id, type_id)


def install(api: Api, shop: Shop, serial: str, code: str = "", **meter_fields: Any) -> None:
    """A meter with the test key's identity, registered to a new customer and in service."""
    new_meter(api, shop.headers, serial, shop.model_id, **{"drn": serial, **meter_fields})
    cash_id = by_code(api, shop.headers, "payment-terms", "CASH")
    body = {
        "customer": {
            "code": code or f"C{serial[-6:]}",
            "name": f"Customer {serial}",
            "customer_type_id": shop.customer_type_id,
        },
        "contracts": [{"serial": serial, "tariff_id": shop.tariff_id}],
        "payment": {"payment_term_id": cash_id},
    }
    bill = api.call("POST", "/v1/register-bills", body, shop.headers)
    assert bill.status == 201, bill.body
    checked = api.call("POST", f"/v1/register-bills/{bill.body['id']}/check", headers=shop.headers)
    assert checked.status == 200, checked.body
