"""Selling electricity: receipts whose tokens a meter accepts, exactly once per payment, and clear refusals."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from gridvend.sts.decoder import MeterDecoder, MeterDecoderState
from gridvend.sts.keys import MeterKeyIdentity, derive_decoder_key
from tests.api.conftest import Api
from tests.api.test_customers import archive
from tests.api.vending_setup import TEST_VENDING_KEY, Shop, _master_key, install, key_file, open_shop

__all__ = ["_master_key"]


def key() -> str:
    return f"pay-{uuid.uuid4().hex}"


def meter_decoder(serial: str, base_date: int = 2014, krn: int = 1) -> MeterDecoder:
    identity = MeterKeyIdentity(iin="600727", drn=serial, key_type=2, sgc="123456", ti=1, krn=krn, base_date=base_date)
    decoder_key = derive_decoder_key(2, bytes.fromhex(TEST_VENDING_KEY), identity)
    return MeterDecoder(MeterDecoderState(decoder_key=decoder_key.hex(), base_date=base_date, krn=krn, sgc="123456"))


def credit_kwh(decoder: MeterDecoder) -> Decimal:
    return Decimal(decoder.state.credit[0]) / 10


def module_balance(api: Api, shop: Shop) -> Decimal:
    return Decimal(api.call("GET", "/v1/secure-modules/SM1", headers=shop.headers).body["balance_kwh"])


def test_a_vend_returns_a_receipt_whose_token_the_meter_accepts_for_its_energy(api: Api) -> None:
    shop = open_shop(api, sts_base_date=2014)
    install(api, shop, "11000000001")
    reply = shop.sell(api, "11000000001", key(), amount="100.00", paid="150.00")
    assert reply.status == 201, reply.body
    receipt: dict[str, Any] = reply.body
    breakdown = receipt["breakdown"]
    assert Decimal(breakdown["net_amount"]) <= Decimal("100.00")
    assert Decimal(receipt["payment"]["change"]) == Decimal("150.00") - Decimal(breakdown["net_amount"])
    assert [charge["code"] for charge in breakdown["charges"]] == ["SVC"]
    assert len(receipt["tokens"]) == 1 and len(receipt["tokens"][0]) == 20
    decoder = meter_decoder("11000000001")
    outcome = decoder.enter(receipt["tokens"][0])
    assert outcome.accepted, outcome.reason
    assert credit_kwh(decoder) == Decimal(receipt["energy_kwh"]) > 0


def test_selling_by_energy_gives_at_least_the_energy_asked(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "11000000002")
    receipt = shop.sell(api, "11000000002", key(), energy="50.0").body
    assert Decimal(receipt["energy_kwh"]) >= Decimal("50.0")
    decoder = meter_decoder("11000000002")
    assert decoder.enter(receipt["tokens"][0]).accepted
    assert credit_kwh(decoder) == Decimal(receipt["energy_kwh"])


def test_a_retry_with_the_same_key_returns_the_same_receipt_and_no_second_sale(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "11000000003")
    payment = key()
    first = shop.sell(api, "11000000003", payment)
    again = shop.sell(api, "11000000003", payment)
    assert first.status == again.status == 201
    assert again.body == first.body
    assert again.headers["Idempotent-Replayed"] == "true"
    sales = api.call("GET", "/v1/vends?meter=11000000003", headers=shop.headers).body["items"]
    assert len(sales) == 1
    other_body = shop.sell(api, "11000000003", payment, amount="20.00")
    assert other_body.status == 409


def test_two_vends_in_one_minute_get_increasing_tids_and_both_tokens_work(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "11000000004")
    first = shop.sell(api, "11000000004", key()).body
    second = shop.sell(api, "11000000004", key()).body
    assert second["tid"] > first["tid"]
    decoder = meter_decoder("11000000004")
    assert decoder.enter(first["tokens"][0]).accepted
    assert decoder.enter(second["tokens"][0]).accepted
    assert not decoder.enter(first["tokens"][0]).accepted
    assert credit_kwh(decoder) == Decimal(first["energy_kwh"]) + Decimal(second["energy_kwh"])


def test_module_credit_falls_by_the_energy_and_an_exhausted_module_refuses(api: Api) -> None:
    shop = open_shop(api, credit_kwh="500")
    install(api, shop, "11000000005")
    receipt = shop.sell(api, "11000000005", key(), amount="100.00").body
    assert module_balance(api, shop) == Decimal("500") - Decimal(receipt["energy_kwh"])
    refused = shop.sell(api, "11000000005", key(), amount="1000.00")
    assert refused.status == 422
    assert "credit" in refused.body["detail"]
    assert len(api.call("GET", "/v1/vends?meter=11000000005", headers=shop.headers).body["items"]) == 1
    assert module_balance(api, shop) == Decimal("500") - Decimal(receipt["energy_kwh"])


def test_refusals_name_the_reason_and_record_nothing(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "11000000006", code="CBLACK")
    install(api, shop, "11000000007", code="CCANCEL")
    api.call("PATCH", "/v1/customers/CBLACK", {"status": "blacklist"}, shop.headers)
    blacklisted = shop.sell(api, "11000000006", key())
    assert blacklisted.status == 422 and "blacklist" in blacklisted.body["detail"]
    cancelled = api.call("POST", "/v1/contracts/11000000007/cancel", {"reason": "moved out"}, shop.headers)
    assert cancelled.status == 200, cancelled.body
    refused = shop.sell(api, "11000000007", key())
    assert refused.status == 422
    assert shop.sell(api, "99999999999", key()).status == 404
    for serial in ("11000000006", "11000000007"):
        assert api.call("GET", f"/v1/vends?meter={serial}", headers=shop.headers).body["items"] == []


def test_another_tenant_cannot_sell_to_or_read_this_tenants_meter(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "11000000008")
    receipt = shop.sell(api, "11000000008", key()).body
    other = open_shop(api)
    assert other.sell(api, "11000000008", key()).status == 404
    assert api.call("GET", f"/v1/vends/{receipt['bill_number']}", headers=other.headers).status == 404
    assert api.call("GET", "/v1/vends?meter=11000000008", headers=other.headers).body["items"] == []


def test_bad_vend_requests_name_the_field(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "11000000009")
    no_key = api.call("POST", "/v1/vends", {"meter": "11000000009", "amount": "10"}, shop.headers)
    assert no_key.status == 400 and no_key.body["errors"][0]["field"] == "Idempotency-Key"
    cases = [
        ({"meter": "11000000009"}, "body"),
        ({"meter": "11000000009", "amount": "-5"}, "amount"),
        ({"meter": "11000000009", "amount": "10", "energy": "5"}, "body"),
        ({"meter": "11000000009", "amount": "10", "payment_term": "BARTER"}, "payment_term"),
        ({"meter": "11000000009", "amount": "10", "paid": "5"}, "paid"),
        ({"meter": "11000000009", "amount": "10", "payment_term": "CHEQUE"}, "cheque_number"),
        ({"meter": "11000000009", "amount": "10", "tip": "1"}, "tip"),
    ]
    for body, field in cases:
        reply = api.call("POST", "/v1/vends", body, {**shop.headers, "Idempotency-Key": key()})
        assert reply.status == 400, (body, reply.body)
        assert field in [problem["field"] for problem in reply.body["errors"]], (body, reply.body)
    assert api.call("GET", "/v1/vends?meter=11000000009", headers=shop.headers).body["items"] == []


def test_above_the_warn_amount_the_operator_must_confirm(api: Api) -> None:
    shop = open_shop(api, warn_amount="500")
    install(api, shop, "11000000010")
    refused = shop.sell(api, "11000000010", key(), amount="800.00")
    assert refused.status == 422
    confirmed = shop.sell(api, "11000000010", key(), amount="800.00", confirmed=True)
    assert confirmed.status == 201


def test_a_meter_on_base_date_1993_gets_the_rollover_key_change_first(api: Api) -> None:
    shop = open_shop(api, krns=(1, 2))
    install(api, shop, "11000000011", base_date=1993)
    receipt = shop.sell(api, "11000000011", key()).body
    assert receipt["key_change"] is True
    assert len(receipt["tokens"]) == 3
    decoder = meter_decoder("11000000011", base_date=1993, krn=1)
    for token in receipt["tokens"]:
        outcome = decoder.enter(token)
        assert outcome.accepted, outcome.reason
    assert (decoder.state.base_date, decoder.state.krn) == (2014, 2)
    assert credit_kwh(decoder) == Decimal(receipt["energy_kwh"])
    meter = api.call("GET", "/v1/meters/11000000011", headers=shop.headers).body
    assert (meter["base_date"], meter["krn"]) == (2014, 2)
    next_receipt = shop.sell(api, "11000000011", key()).body
    assert len(next_receipt["tokens"]) == 1
    assert decoder.enter(next_receipt["tokens"][0]).accepted


def test_receipts_print_as_pdf_escpos_and_text(api: Api) -> None:
    import base64

    shop = open_shop(api)
    install(api, shop, "11000000012")
    receipt = shop.sell(api, "11000000012", key()).body
    path = f"/v1/vends/{receipt['bill_number']}/receipt"
    pdf = api.call("GET", path, headers=shop.headers).body
    assert base64.b64decode(pdf["base64"]).startswith(b"%PDF")
    escpos = base64.b64decode(api.call("GET", f"{path}?format=escpos", headers=shop.headers).body["base64"])
    assert receipt["tokens_grouped"][0].encode() in escpos
    text = api.call("GET", f"{path}?format=text", headers=shop.headers).body["text"]
    assert receipt["tokens_grouped"][0] in text and receipt["bill_number"] in text


def test_a_quote_shows_the_sales_breakdown_and_sells_nothing(api: Api) -> None:
    shop = open_shop(api, warn_amount="500")
    install(api, shop, "11000000021")
    body = {"meter": "11000000021", "amount": "800.00", "paid": "900.00"}
    quoted = api.call("POST", "/v1/vends/quote", body, shop.headers)
    assert quoted.status == 200, quoted.body
    assert quoted.body["needs_confirmation"] is True
    assert "tokens" not in quoted.body and "bill_number" not in quoted.body
    assert api.call("GET", "/v1/vends?meter=11000000021", headers=shop.headers).body["items"] == []
    sold = shop.sell(api, "11000000021", key(), amount="800.00", paid="900.00", confirmed=True).body
    for field in ("energy_kwh", "breakdown", "payment", "customer"):
        assert quoted.body[field] == sold[field], field
    assert api.call("POST", "/v1/vends/quote", {"meter": "11000000021", "amount": "-1"}, shop.headers).status == 400
    other = open_shop(api)
    assert api.call("POST", "/v1/vends/quote", body, other.headers).status == 404


def test_a_sales_point_that_names_its_own_module_sells_from_it(api: Api) -> None:
    shop = open_shop(api)
    install(api, shop, "11000000022")
    office_module = {"id": "SM2", "name": "Branch office module"}
    assert api.call("POST", "/v1/secure-modules", office_module, shop.headers).status == 201
    assert api.call("POST", "/v1/secure-modules/SM2/key-file", {"key_file": key_file(1)}, shop.headers).status == 200
    credit = {"type": "add", "energy_kwh": "1000"}
    assert api.call("POST", "/v1/secure-modules/SM2/credit", credit, shop.headers).status == 200
    branch = archive(api, shop.headers, "branches", {"code": "BR", "name": "Branch"})
    point = {"code": "SP2", "name": "Branch counter", "branch_id": branch, "secure_module_id": "SM2"}
    point_id = archive(api, shop.headers, "sales-points", point)

    at_branch = shop.sell(api, "11000000022", key(), sales_point_id=point_id).body
    at_head_office = shop.sell(api, "11000000022", key()).body

    assert at_branch["module"] == "SM2" and at_head_office["module"] == "SM1"
    shown = api.call("GET", "/v1/secure-modules/SM2", headers=shop.headers).body
    assert Decimal(shown["balance_kwh"]) == Decimal("1000") - Decimal(at_branch["energy_kwh"])
    decoder = meter_decoder("11000000022")
    assert decoder.enter(at_branch["tokens"][0]).accepted
    assert decoder.enter(at_head_office["tokens"][0]).accepted
