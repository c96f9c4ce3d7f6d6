"""A sale takes the customer from the snapshot the meter's last sale left on its vend state, and never sells on a
snapshot that the customer has moved away from (blacklisted, renamed since); the tariff and charge items it prices
with (built once per record version) follow their records' changes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

import pytest

from tests.api.conftest import Api
from tests.api.vending_setup import Shop, _master_key, install, open_shop

__all__ = ["_master_key"]


def key() -> str:
    return f"pay-{uuid.uuid4().hex}"


def serial_for(number: int) -> str:
    return f"{12_000_000_000 + uuid.uuid4().int % 900_000 * 10 + number:011d}"


@contextmanager
def customer_reads(api: Api, monkeypatch: pytest.MonkeyPatch, shop: Shop) -> Iterator[list[str]]:
    """The customer items read one at a time while the block runs."""
    seen: list[str] = []
    original_get = api.store.get

    def get(pk: str, sk: str) -> Any:
        if pk == f"T#{shop.tenant_id}#CUST":
            seen.append(sk)
        return original_get(pk, sk)

    with monkeypatch.context() as patch:
        patch.setattr(api.store, "get", get)
        yield seen


def test_a_meters_next_sale_takes_the_customer_from_the_last_sales_snapshot(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = open_shop(api)
    serial = serial_for(1)
    install(api, shop, serial)
    with customer_reads(api, monkeypatch, shop) as first_reads:
        first = shop.sell(api, serial, key())
    with customer_reads(api, monkeypatch, shop) as second_reads:
        second = shop.sell(api, serial, key())
    assert first.status == second.status == 201, (first.body, second.body)
    assert len(first_reads) == 1  # the meter's first sale: no snapshot yet
    assert second_reads == []
    assert second.body["customer"] == first.body["customer"]


def test_a_customer_blacklisted_after_a_sale_is_refused_at_the_next(api: Api) -> None:
    shop = open_shop(api)
    serial = serial_for(2)
    install(api, shop, serial, code=f"CB{serial[-5:]}")
    assert shop.sell(api, serial, key()).status == 201
    changed = api.call("PATCH", f"/v1/customers/CB{serial[-5:]}", {"status": "blacklist"}, shop.headers)
    assert changed.status == 200, changed.body
    refused = shop.sell(api, serial, key())
    assert refused.status == 422 and "blacklist" in refused.body["detail"]
    assert len(api.call("GET", f"/v1/vends?meter={serial}", headers=shop.headers).body["items"]) == 1


def test_a_renamed_customer_gets_the_new_name_and_the_snapshot_follows(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = open_shop(api)
    serial = serial_for(3)
    code = f"CR{serial[-5:]}"
    install(api, shop, serial, code=code)
    assert shop.sell(api, serial, key()).body["customer"]["name"] == f"Customer {serial}"
    renamed = api.call("PATCH", f"/v1/customers/{code}", {"name": "Renamed Person"}, shop.headers)
    assert renamed.status == 200, renamed.body
    with customer_reads(api, monkeypatch, shop) as after_rename:
        second = shop.sell(api, serial, key())
    with customer_reads(api, monkeypatch, shop) as later:
        third = shop.sell(api, serial, key())
    assert second.status == third.status == 201
    assert second.body["customer"]["name"] == third.body["customer"]["name"] == "Renamed Person"
    assert len(after_rename) == 1  # the snapshot failed its check: the sale read the customer once
    assert later == []
    assert second.body["tid"] < third.body["tid"]


def test_a_changed_tariff_and_charge_item_price_the_next_sale(api: Api) -> None:
    shop = open_shop(api, price="0.25", fee="1.00")
    serial = serial_for(4)
    install(api, shop, serial)
    before = shop.sell(api, serial, key(), amount="50.00").body
    charge_id = shop_charge_item(api, shop)
    for path, change in (
        (f"/v1/archives/tariffs/{shop.tariff_id}", {"price": "0.50"}),
        (f"/v1/archives/charge-items/{charge_id}", {"amount": "2.00"}),
    ):
        changed = api.call("PATCH", path, change, shop.headers)
        assert changed.status == 200, changed.body
    after = shop.sell(api, serial, key(), amount="50.00").body
    assert [line["amount"] for line in before["breakdown"]["charges"]] == ["1.00"]
    assert [line["amount"] for line in after["breakdown"]["charges"]] == ["2.00"]
    assert Decimal(after["energy_kwh"]) < Decimal(before["energy_kwh"]) / 2 + 1
    assert Decimal(after["breakdown"]["amount"]) / Decimal(after["energy_kwh"]) >= Decimal("0.49")


def shop_charge_item(api: Api, shop: Shop) -> str:
    found = api.call("GET", f"/v1/archives/customer-types/{shop.customer_type_id}", headers=shop.headers)
    assert found.status == 200, found.body
    return str(found.body["charge_item_ids"][0])
