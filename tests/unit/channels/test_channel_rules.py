"""Pure channel rules: commission, API keys, callback signatures, sealed secrets, token message text."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gridvend.channels.api_keys import issue_key, parse_key, secret_matches
from gridvend.channels.commission import CommissionRule
from gridvend.channels.secret_box import SecretUnreadable, open_sealed, seal
from gridvend.channels.signatures import sign, verify
from gridvend.channels.token_message import mask_destination, token_message
from gridvend.errors import InvalidInput

MASTER = bytes(range(32))


def test_commission_is_a_rounded_percent_or_a_fixed_amount_never_more_than_paid() -> None:
    assert CommissionRule("percent", Decimal("2.5")).earned(Decimal("123.45"), 2) == Decimal("3.09")
    assert CommissionRule("fixed", Decimal("5")).earned(Decimal("3.00"), 2) == Decimal("3.00")
    assert CommissionRule().earned(Decimal("10"), 0) == Decimal("0")
    with pytest.raises(InvalidInput):
        CommissionRule("percent", Decimal("101"))


def test_an_issued_key_parses_back_to_its_tenant_and_only_its_secret_matches() -> None:
    issued = issue_key("acme-power")
    presented = parse_key(issued.plain)
    assert presented is not None and presented.tenant_id == "acme-power" and presented.key_id == issued.key_id
    assert secret_matches(presented.key_id, presented.secret, issued.secret_hash)
    assert not secret_matches(presented.key_id, presented.secret[:-1] + "x", issued.secret_hash)
    assert presented.secret not in issued.secret_hash
    assert parse_key("gvk.acme.0123") is None and parse_key("") is None


def test_a_signature_holds_only_for_the_same_body_secret_and_a_fresh_timestamp() -> None:
    body = b'{"transaction_id": "TX1"}'
    signature = sign(b"s3cret", 1_700_000_000, body)
    assert verify(b"s3cret", body, signature, "1700000000", 1_700_000_100).accepted
    assert verify(b"s3cret", body + b" ", signature, "1700000000", 1_700_000_100).reason == "bad signature"
    assert verify(b"other", body, signature, "1700000000", 1_700_000_100).reason == "bad signature"
    assert verify(b"s3cret", body, signature, "1700000000", 1_700_000_301).reason == "stale timestamp"
    assert verify(b"s3cret", body, signature, "17e8", 1_700_000_000).reason == "malformed timestamp"
    assert not verify(b"s3cret", body, None, None, 0).accepted


def test_a_sealed_secret_opens_only_with_the_same_key_and_binding() -> None:
    sealed = seal(MASTER, b"provider-secret", "mm-provider/acme/MPESA")
    assert b"provider-secret".hex() not in sealed
    assert open_sealed(MASTER, sealed, "mm-provider/acme/MPESA") == b"provider-secret"
    with pytest.raises(SecretUnreadable):
        open_sealed(MASTER, sealed, "mm-provider/other/MPESA")
    with pytest.raises(SecretUnreadable):
        open_sealed(bytes(32), sealed, "mm-provider/acme/MPESA")


def test_the_token_message_shows_every_token_grouped_with_energy_amount_and_reference() -> None:
    receipt = {
        "meter": "58000000001",
        "bill_number": "V20260101000001",
        "tokens": ["11112222333344445555", "66667777888899990000"],
        "energy_kwh": "12.5",
        "currency": "KES",
        "breakdown": {"amount": "100.00"},
    }
    message = token_message(receipt, "Acme")
    assert "Token: 1111 2222 3333 4444 5555" in message.text
    assert message.text.index("1111 2222") < message.text.index("6666 7777")
    assert "12.5 kWh" in message.text and "KES 100.00" in message.text and "V20260101000001" in message.text
    assert mask_destination("+254700123456") == "+254***456"
    assert mask_destination("jane@example.com") == "ja***@example.com"
