"""A vend interrupted anywhere never yields two tokens or loses a payment; parallel vends serialise on the meter."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

import pytest

from functions.vending import service as vend_service
from functions.vending.routes.vends import tenant_terms
from functions.vending.schemas import VendRequest
from functions.vending.service import VendService
from gridvend.auth.context import TenantContext
from gridvend.secure.local_module import KeyHoldingModule
from gridvend.store.tenants import own_tenant_settings, tenant_context_fields
from tests.api.conftest import Api
from tests.api.test_vends import meter_decoder, module_balance
from tests.api.vending_setup import Shop, _master_key, install, open_shop

__all__ = ["_master_key"]


def _service(api: Api, shop: Shop) -> VendService:
    ctx = TenantContext(
        tenant_id=shop.tenant_id,
        user_id="u1",
        username="clerk",
        permissions=frozenset({"*"}),
        extra=tenant_context_fields(own_tenant_settings(api.store, shop.tenant_id) or {}),
    )
    return VendService(api.store, ctx, tenant_terms(ctx))


def _sales(api: Api, shop: Shop, serial: str) -> list[dict[str, Any]]:
    return list(api.call("GET", f"/v1/vends?meter={serial}&limit=200", headers=shop.headers).body["items"])


def test_fifty_parallel_vends_to_one_meter_make_fifty_receipts_with_distinct_increasing_tids(api: Api) -> None:
    shop = open_shop(api, credit_kwh="100000")
    install(api, shop, "12000000001")
    before = module_balance(api, shop)
    service = _service(api, shop)
    request = VendRequest(meter="12000000001", amount=Decimal("10.00"))

    def sell(_: int) -> dict[str, Any]:
        receipt, fresh = service.vend(request, f"par-{uuid.uuid4().hex}")
        assert fresh
        return receipt

    with ThreadPoolExecutor(max_workers=10) as pool:
        receipts = list(pool.map(sell, range(50)))
    tids = [receipt["tid"] for receipt in receipts]
    assert len(set(tids)) == 50
    stored = _sales(api, shop, "12000000001")
    assert len(stored) == 50
    by_time = sorted(stored, key=lambda receipt: receipt["tid"])
    assert [receipt["bill_number"] for receipt in by_time] == sorted(receipt["bill_number"] for receipt in stored)
    energy = sum(Decimal(receipt["energy_kwh"]) for receipt in receipts)
    assert module_balance(api, shop) == before - energy
    decoder = meter_decoder("12000000001")
    for receipt in by_time:
        assert decoder.enter(receipt["tokens"][0]).accepted


def test_a_crash_after_the_token_before_the_transaction_leaves_nothing_and_the_retry_sells_once(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = open_shop(api)
    install(api, shop, "12000000002")
    before = module_balance(api, shop)
    service = _service(api, shop)
    real_commit = vend_service.commit
    calls: list[int] = []

    def crash_once(store: Any, operations: Any) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise TimeoutError("the connection dropped before the transaction was sent")
        real_commit(store, operations)

    monkeypatch.setattr(vend_service, "commit", crash_once)
    request = VendRequest(meter="12000000002", amount=Decimal("50.00"))
    payment_key = f"crash-{uuid.uuid4().hex}"
    with pytest.raises(TimeoutError):
        service.vend(request, payment_key)
    assert _sales(api, shop, "12000000002") == []
    assert module_balance(api, shop) == before
    receipt, fresh = service.vend(request, payment_key)
    assert fresh
    assert [sale["bill_number"] for sale in _sales(api, shop, "12000000002")] == [receipt["bill_number"]]
    assert module_balance(api, shop) == before - Decimal(receipt["energy_kwh"])


def test_a_lost_response_retried_returns_the_first_receipt(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "12000000003")
    service = _service(api, shop)
    request = VendRequest(meter="12000000003", amount=Decimal("50.00"))
    payment_key = f"lost-{uuid.uuid4().hex}"
    first, _ = service.vend(request, payment_key)
    again, fresh = service.vend(request, payment_key)
    assert not fresh and again == first
    assert len(_sales(api, shop, "12000000003")) == 1


def test_a_transaction_conflict_is_retried_with_fresh_reads(api: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    shop = open_shop(api)
    install(api, shop, "12000000004")
    service = _service(api, shop)
    real_commit = vend_service.commit
    conflicts: list[int] = []

    def conflict_once(store: Any, operations: Any) -> None:
        if not conflicts:
            conflicts.append(1)
            VendService(store, service._ctx, service._tenant).vend(
                VendRequest(meter="12000000004", amount=Decimal("20.00")), f"other-{uuid.uuid4().hex}"
            )
        real_commit(store, operations)

    monkeypatch.setattr(vend_service, "commit", conflict_once)
    receipt, _ = service.vend(VendRequest(meter="12000000004", amount=Decimal("30.00")), f"mine-{uuid.uuid4().hex}")
    sales = _sales(api, shop, "12000000004")
    assert len(sales) == 2
    assert len({sale["tid"] for sale in sales}) == 2
    assert receipt["bill_number"] in {sale["bill_number"] for sale in sales}


def test_a_bill_number_taken_meanwhile_books_the_same_token_under_the_next_number(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = open_shop(api, sts_base_date=2014)
    install(api, shop, "12000000005")
    install(api, shop, "12000000006")
    service = _service(api, shop)
    real_commit = vend_service.commit
    real_issue = KeyHoldingModule.issue_token
    tokens_made: list[str] = []
    other: list[dict[str, Any]] = []
    interrupted: list[bool] = []

    def counted_issue(module: KeyHoldingModule, meter: Any, request: Any) -> str:
        tokens_made.append(meter.drn)
        return real_issue(module, meter, request)

    def another_sale_first(store: Any, operations: Any) -> None:
        if not interrupted:
            interrupted.append(True)
            sold, _ = VendService(store, service._ctx, service._tenant).vend(
                VendRequest(meter="12000000006", amount=Decimal("20.00")), f"other-{uuid.uuid4().hex}"
            )
            other.append(sold)
        real_commit(store, operations)

    monkeypatch.setattr(KeyHoldingModule, "issue_token", counted_issue)
    monkeypatch.setattr(vend_service, "commit", another_sale_first)
    receipt, fresh = service.vend(VendRequest(meter="12000000005", amount=Decimal("30.00")), f"mine-{uuid.uuid4().hex}")

    assert fresh
    assert tokens_made == ["12000000005", "12000000006"]  # ours was made once, before the other sale took its number
    assert int(receipt["bill_number"][-6:]) == int(other[0]["bill_number"][-6:]) + 1
    [stored] = _sales(api, shop, "12000000005")
    assert stored["bill_number"] == receipt["bill_number"] and stored["tokens"] == receipt["tokens"]
    outcome = meter_decoder("12000000005").enter(receipt["tokens"][0])
    assert outcome.accepted
