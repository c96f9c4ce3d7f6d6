"""Token delivery: the SMS (SNS) and e-mail (SES) carry the vend's token in groups of four, its energy and amount;
each attempt's status is kept and a resend makes another attempt. moto runs in this process as the AWS endpoint."""

from __future__ import annotations

import json
import re
import socket
import time
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from moto.core import DEFAULT_ACCOUNT_ID
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.ses.models import ses_backends
from moto.sns.models import sns_backends

from functions.channels.delivery import token_sender
from gridvend.channels.signatures import sign
from tests.api.conftest import Api
from tests.api.test_vends import credit_kwh, meter_decoder
from tests.api.vending_setup import _master_key, install, open_shop

__all__ = ["_master_key"]
REGION = "us-east-1"


@pytest.fixture(scope="module")
def moto_endpoint() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def aws_messages(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for variable in ("AWS_ENDPOINT_URL_SNS", "AWS_ENDPOINT_URL_SES"):
        monkeypatch.setenv(variable, moto_endpoint)
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    token_sender.cache_clear()
    yield
    token_sender.cache_clear()


def sms_to(phone: str) -> list[str]:
    return [text for number, text in sns_backends[DEFAULT_ACCOUNT_ID][REGION].sms_messages.values() if number == phone]


def mails_to(address: str) -> list[Any]:
    return [mail for mail in ses_backends[DEFAULT_ACCOUNT_ID][REGION].sent_messages
            if address in mail.destinations.get("ToAddresses", [])]


def test_the_sms_holds_the_token_in_groups_of_four_with_energy_and_amount(api: Api, aws_messages: None) -> None:
    shop = open_shop(api)
    install(api, shop, "34000000001")
    sold = shop.sell(api, "34000000001", f"dl-{uuid.uuid4().hex}", amount="100.00").body
    phone = f"+2547{uuid.uuid4().int % 10**8:08d}"
    sent = api.call("POST", f"/v1/vends/{sold['bill_number']}/deliveries", {"channel": "sms", "to": phone},
                    shop.headers)
    assert sent.status == 201, sent.body
    assert sent.body["status"] == "sent" and phone not in str(sent.body)
    [text] = sms_to(phone)
    token = sold["tokens"][0]
    assert " ".join(token[i : i + 4] for i in range(0, 20, 4)) in text
    assert f"{sold['energy_kwh']} kWh" in text and sold["breakdown"]["amount"] in text
    texted = re.search(r"\d{4} \d{4} \d{4} \d{4} \d{4}", text)
    assert texted is not None
    decoder = meter_decoder("34000000001")
    assert decoder.enter(texted.group().replace(" ", "")).accepted  # the meter takes what the customer reads
    assert credit_kwh(decoder) == Decimal(sold["energy_kwh"])
    resent = api.call("POST", f"/v1/vends/{sold['bill_number']}/deliveries", {"channel": "sms", "to": phone},
                      shop.headers)
    assert resent.status == 201 and len(sms_to(phone)) == 2
    listed = api.call("GET", f"/v1/vends/{sold['bill_number']}/deliveries", headers=shop.headers).body["items"]
    assert [item["status"] for item in listed] == ["sent", "sent"]


def test_the_email_holds_the_token_and_a_missing_destination_names_the_field(api: Api, aws_messages: None) -> None:
    shop = open_shop(api)
    install(api, shop, "34000000002")
    sold = shop.sell(api, "34000000002", f"dl-{uuid.uuid4().hex}").body
    address = f"c{uuid.uuid4().hex[:8]}@example.com"
    sent = api.call("POST", f"/v1/vends/{sold['bill_number']}/deliveries", {"channel": "email", "to": address},
                    shop.headers)
    assert sent.status == 201, sent.body
    [mail] = mails_to(address)
    assert sold["tokens_grouped"][0] in mail.body and "34000000002" in mail.subject
    missing = api.call("POST", f"/v1/vends/{sold['bill_number']}/deliveries", {"channel": "sms"}, shop.headers)
    assert missing.status == 400 and missing.body["errors"][0]["field"] == "to"
    _, other_headers = api.new_tenant()
    hidden = api.call("POST", f"/v1/vends/{sold['bill_number']}/deliveries", {"channel": "email", "to": address},
                      other_headers)
    assert hidden.status == 404 and len(mails_to(address)) == 1


def test_a_mobile_money_provider_can_send_the_token_to_the_paying_phone(api: Api, aws_messages: None) -> None:
    shop = open_shop(api)
    install(api, shop, "34000000003")
    made = api.call("POST", "/v1/mobile-money/providers", {"id": "MPESA", "name": "M-Pesa", "sms_tokens": True},
                    shop.headers).body
    msisdn = f"2547{uuid.uuid4().int % 10**8:08d}"
    body = json.dumps({"transaction_id": f"TX{uuid.uuid4().hex[:10]}", "account_reference": "34000000003",
                       "amount": "100.00", "msisdn": msisdn}).encode()
    stamp = int(time.time())
    signature = sign(bytes.fromhex(made["secret"]), stamp, body)
    paid = api.call("POST", made["callback_path"], headers={"X-Timestamp": str(stamp), "X-Signature": signature},
                    raw=body)
    assert paid.status == 200 and paid.body["delivery"] == "sent", paid.body
    [text] = sms_to(f"+{msisdn}")
    assert paid.body["tokens_grouped"][0] in text
    again = api.call("POST", made["callback_path"], headers={"X-Timestamp": str(stamp), "X-Signature": signature},
                     raw=body)
    assert again.body["duplicate"] is True and len(sms_to(f"+{msisdn}")) == 1
