"""Mobile money: a simulated provider posts signed callbacks, duplicates, forged and replayed ones; a refused vend
leaves an open payment that an operator refunds or sells again."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from functions.channels.mobile_money import receive_callback
from gridvend.channels.signatures import sign
from tests.api.conftest import Api
from tests.api.test_vends import meter_decoder
from tests.api.vending_setup import Shop, _master_key, install, open_shop

__all__ = ["_master_key"]


@dataclass
class SimulatedProvider:
    """Posts callbacks the way a mobile money provider does."""

    api: Api
    path: str
    secret: bytes

    def post(self, payload: dict[str, Any], *, at: float | None = None, secret: bytes | None = None,
             signature: str | None = None) -> Any:
        body = json.dumps(payload).encode()
        stamp = int(at if at is not None else time.time())
        signed = signature if signature is not None else sign(secret or self.secret, stamp, body)
        headers = {"X-Timestamp": str(stamp), "X-Signature": signed}
        return self.api.call("POST", self.path, headers=headers, raw=body)

    def post_raw(self, body: bytes, stamp: int, signature: str) -> Any:
        return self.api.call("POST", self.path, headers={"X-Timestamp": str(stamp), "X-Signature": signature},
                             raw=body)


def provider(api: Api, shop: Shop, provider_id: str = "MPESA") -> SimulatedProvider:
    made = api.call("POST", "/v1/mobile-money/providers", {"id": provider_id, "name": "M-Pesa"}, shop.headers)
    assert made.status == 201, made.body
    assert "sealed_secret" not in made.body
    return SimulatedProvider(api, made.body["callback_path"], bytes.fromhex(made.body["secret"]))


def payment(serial: str, amount: str = "100.00") -> dict[str, Any]:
    return {"transaction_id": f"TX{uuid.uuid4().hex[:12]}", "account_reference": serial, "amount": amount,
            "currency": "KES", "msisdn": "254700000001"}


def payments(api: Api, shop: Shop, status: str) -> list[dict[str, Any]]:
    return list(api.call("GET", f"/v1/mobile-money/payments?status={status}", headers=shop.headers).body["items"])


def test_a_signed_callback_sells_a_token_the_meter_takes_and_a_duplicate_sells_nothing_more(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "33000000001")
    mpesa = provider(api, shop)
    paid = payment("33000000001")
    first = mpesa.post(paid)
    assert first.status == 200, first.body
    assert first.body["status"] == "vended" and first.body["duplicate"] is False
    assert meter_decoder("33000000001").enter(first.body["tokens"][0]).accepted
    duplicate = mpesa.post(paid)
    assert duplicate.status == 200 and duplicate.body["duplicate"] is True
    assert duplicate.body["tokens"] == first.body["tokens"]
    sales = api.call("GET", "/v1/vends?meter=33000000001", headers=shop.headers).body["items"]
    assert len(sales) == 1 and sales[0]["channel"] == "mobile-money"
    assert sales[0]["payment_reference"] == paid["transaction_id"]
    assert [item["transaction_id"] for item in payments(api, shop, "vended")] == [paid["transaction_id"]]


def test_a_callback_replayed_byte_for_byte_or_delivered_ten_times_at_once_sells_once(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "33000000006")
    mpesa = provider(api, shop)
    body = json.dumps(payment("33000000006", "30.00")).encode()
    stamp = int(time.time())
    signature = sign(mpesa.secret, stamp, body)
    headers = {"x-timestamp": str(stamp), "x-signature": signature}
    provider_id = mpesa.path.rsplit("/", 1)[1]

    def deliver(_: int) -> dict[str, Any]:
        return receive_callback(api.store, shop.tenant_id, provider_id, body, headers)

    with ThreadPoolExecutor(max_workers=10) as pool:
        answers = list(pool.map(deliver, range(10)))
    assert {answer["bill_number"] for answer in answers} == {answers[0]["bill_number"]}
    assert all(answer["status"] == "vended" for answer in answers)
    assert sum(1 for answer in answers if not answer["duplicate"]) <= 1
    replayed = mpesa.post_raw(body, stamp, signature)
    assert replayed.status == 200 and replayed.body["duplicate"] is True
    assert replayed.body["tokens"] == answers[0]["tokens"]
    sales = api.call("GET", "/v1/vends?meter=33000000006", headers=shop.headers).body["items"]
    assert len(sales) == 1


def test_forged_stale_and_unsigned_callbacks_are_refused_recorded_and_sell_nothing(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "33000000002")
    mpesa = provider(api, shop)
    forged = mpesa.post(payment("33000000002"), secret=b"not-the-secret")
    assert forged.status == 401
    stale_stamp = int(time.time()) - 3600
    replayed_body = json.dumps(payment("33000000002")).encode()
    replayed = mpesa.post_raw(replayed_body, stale_stamp, sign(mpesa.secret, stale_stamp, replayed_body))
    assert replayed.status == 401
    unsigned = api.call("POST", mpesa.path, payment("33000000002"))
    assert unsigned.status == 401
    tampered_body = json.dumps(payment("33000000002", "9999.00")).encode()
    stamp = int(time.time())
    tampered = mpesa.post_raw(tampered_body, stamp, sign(mpesa.secret, stamp, replayed_body))
    assert tampered.status == 401
    refused = api.call("GET", "/v1/mobile-money/refused-callbacks", headers=shop.headers).body["items"]
    assert sorted(item["reason"] for item in refused) == [
        "bad signature", "bad signature", "missing signature or timestamp", "stale timestamp"
    ]
    assert api.call("GET", "/v1/vends?meter=33000000002", headers=shop.headers).body["items"] == []
    assert payments(api, shop, "vended") == [] and payments(api, shop, "open") == []


def test_a_refused_vend_leaves_an_open_payment_that_the_operator_sells_again_to_the_right_meter(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "33000000003")
    mpesa = provider(api, shop)
    paid = payment("33999999999")  # a mistyped account reference
    answer = mpesa.post(paid)
    assert answer.status == 200 and answer.body["status"] == "open" and answer.body["reason"]
    assert [item["transaction_id"] for item in payments(api, shop, "open")] == [paid["transaction_id"]]
    again = mpesa.post(paid)
    assert again.body["duplicate"] is True and again.body["status"] == "open"
    path = f"/v1/mobile-money/payments/MPESA/{paid['transaction_id']}"
    sold = api.call("POST", f"{path}/revend", {"meter": "33000000003"}, shop.headers)
    assert sold.status == 200, sold.body
    assert sold.body["status"] == "vended" and sold.body["meter"] == "33000000003"
    assert meter_decoder("33000000003").enter(sold.body["tokens"][0]).accepted
    assert payments(api, shop, "open") == []
    assert api.call("POST", f"{path}/refund", {"reason": "late"}, shop.headers).status == 422
    assert api.call("POST", f"{path}/revend", {}, shop.headers).status == 422


def test_an_open_payment_can_be_refunded_and_then_never_sold(api: Api) -> None:
    shop = open_shop(api)
    mpesa = provider(api, shop)
    paid = payment("33000000404")
    assert mpesa.post(paid).body["status"] == "open"
    path = f"/v1/mobile-money/payments/MPESA/{paid['transaction_id']}"
    refunded = api.call("POST", f"{path}/refund", {"reason": "customer asked"}, shop.headers)
    assert refunded.status == 200 and refunded.body["status"] == "refunded"
    assert api.call("POST", f"{path}/revend", {}, shop.headers).status == 422
    assert payments(api, shop, "refunded")[0]["transaction_id"] == paid["transaction_id"]
    assert mpesa.post(paid).body["status"] == "refunded"


def test_secrets_stay_sealed_rotation_retires_the_old_secret_and_tenants_stay_apart(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "33000000005")
    mpesa = provider(api, shop)
    stored = api.store.get(f"T#{shop.tenant_id}#MMPROV", "MPESA")
    assert stored is not None and mpesa.secret.hex() not in json.dumps(stored)
    rotated = api.call("POST", "/v1/mobile-money/providers/MPESA/secret", headers=shop.headers).body
    assert mpesa.post(payment("33000000005")).status == 401
    fresh = SimulatedProvider(api, mpesa.path, bytes.fromhex(rotated["secret"]))
    assert fresh.post(payment("33000000005")).body["status"] == "vended"
    other = open_shop(api)
    other_mpesa = provider(api, other)
    crossed = SimulatedProvider(api, mpesa.path, other_mpesa.secret)
    assert crossed.post(payment("33000000005")).status == 401
    assert payments(api, other, "vended") == [] and len(payments(api, shop, "vended")) == 1
