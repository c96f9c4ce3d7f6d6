"""`make up`'s bootstrap on DynamoDB Local: the demo tenant can sell at once, and its tokens work on its meters."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal
from typing import Any

import pytest
from chalice.test import Client

from functions.common import deps
from functions.local_api import combined_app
from gridvend.store.dynamo import configure_table
from gridvend.sts.decoder import MeterDecoder, MeterDecoderState
from gridvend.sts.keys import MeterKeyIdentity, derive_decoder_key
from infra.local.bootstrap import bootstrap
from infra.local.demo_vending import TEST_VENDING_KEY

pytestmark = pytest.mark.e2e
IDENTITY_FIELDS = ("iin", "drn", "sgc", "ti", "krn", "key_type", "ea", "dkga", "base_date")


def _call(client: Client, method: str, path: str, headers: dict[str, str], body: Any = None) -> tuple[int, Any]:
    reply = client.http.request(method, path, headers={"Content-Type": "application/json", **headers},
                                body=json.dumps(body).encode() if body is not None else b"")
    return reply.status_code, json.loads(reply.body) if reply.body else None


def test_the_demo_tenant_sells_tokens_its_meters_accept(aws_local_env: dict[str, str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    env = {**aws_local_env, "GRIDVEND_TABLE": f"demo-{uuid.uuid4().hex[:8]}"}
    monkeypatch.setenv("GRIDVEND_ARGON2_TIME_COST", "1")
    monkeypatch.setenv("GRIDVEND_ARGON2_MEMORY_KIB", "8192")
    deps.reset()
    try:
        bootstrap(env)
        bootstrap(env)  # idempotent: a second `make up` changes nothing
        with Client(combined_app()) as client:
            status, login = _call(client, "POST", "/v1/auth/login", {},
                                  {"tenant": "demo", "username": "admin", "password": "admin123"})
            assert status == 200
            headers = {"Authorization": f"Bearer {login['access_token']}"}
            _, meters = _call(client, "GET", "/v1/meters?status=in_service&limit=50", headers)
            assert len(meters["items"]) >= 5
            meter = meters["items"][0]
            assert all(field in meter for field in ("serial", *IDENTITY_FIELDS))
            assert (meter["sgc"], meter["krn"], meter["key_type"], meter["base_date"]) == ("123456", 1, 2, 2014)
            status, receipt = _call(client, "POST", "/v1/vends", {**headers, "Idempotency-Key": uuid.uuid4().hex},
                                    {"meter": meter["serial"], "amount": "100.00"})
            assert status == 201, receipt
            status, _ = _call(client, "POST", "/v1/auth/login", {},
                                     {"tenant": "platform", "username": "platform", "password": "platform123"})
            assert status == 200
    finally:
        deps.reset()
        configure_table(aws_local_env["GRIDVEND_TABLE"], aws_local_env["AWS_ENDPOINT_URL_DYNAMODB"])
    identity = MeterKeyIdentity(iin=meter["iin"], drn=meter["drn"], key_type=2, sgc="123456", ti=1, krn=1,
                                base_date=2014)
    decoder = MeterDecoder(MeterDecoderState(
        decoder_key=derive_decoder_key(2, bytes.fromhex(TEST_VENDING_KEY), identity).hex(), base_date=2014))
    assert decoder.enter(receipt["tokens"][0]).accepted
    assert Decimal(decoder.state.credit[0]) / 10 == Decimal(receipt["energy_kwh"])
