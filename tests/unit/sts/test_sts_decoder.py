"""The meter-side decoder: accept, reject with the standard's reasons, apply, key change in parts."""

from __future__ import annotations

import json
from dataclasses import asdict
from decimal import Decimal

import pytest

from gridvend.sts import (
    ClearCreditToken,
    ClearTamperToken,
    CreditToken,
    InvalidKey,
    MeterDecoder,
    MeterDecoderState,
    PhaseUnbalanceLimitToken,
    PowerLimitToken,
    Reason,
    TariffRateToken,
    TokenRequest,
    WaterMeterFactorToken,
    class1_token,
    encode_token,
    key_change_tokens,
)

KEY = bytes.fromhex("E653341F9D5BF36F")
NEW_KEY = bytes.fromhex("060B8643C59A27F1")
MISTY_KEY = bytes.fromhex("F94B6ED353C3BFDB113E2D3A7EA3C41D")
NEW_MISTY_KEY = bytes.fromhex("00112233445566778899AABBCCDDEEFF")


def meter(**fields: object) -> MeterDecoder:
    return MeterDecoder(MeterDecoderState(decoder_key=KEY.hex(), **fields))  # type: ignore[arg-type]


def credit(tid: int, amount: str = "10", subclass: int = 0, key: bytes = KEY, ea: int = 7) -> str:
    return encode_token(CreditToken(subclass, tid, tid % 16, Decimal(amount)), key, ea)


def test_credit_is_added_to_its_subclass_register() -> None:
    decoder = meter()
    outcome = decoder.enter(credit(1000, "25.6"))
    assert outcome.accepted and outcome.reason is Reason.ACCEPTED
    assert outcome.changes == {"credit_register": 0, "credit_added": "25.6", "credit": "25.6"}
    decoder.enter(credit(1001, "1.5", subclass=1))
    assert decoder.state.credit_amount(0) == Decimal("25.6")
    assert decoder.state.credit_amount(1) == Decimal("1.5")
    assert decoder.state.recent_tids == [1000, 1001]


def test_a_used_tid_is_rejected_and_changes_nothing() -> None:
    decoder = meter()
    token = credit(1000)
    decoder.enter(token)
    outcome = decoder.enter(token)
    assert not outcome.accepted and outcome.reason is Reason.USED
    assert outcome.changes == {}
    assert decoder.state.credit_amount() == Decimal(10)


def test_a_tid_older_than_the_full_memory_is_too_old() -> None:
    decoder = meter(tid_memory=3)
    for tid in (10, 20, 30, 40):
        assert decoder.enter(credit(tid)).accepted
    assert decoder.state.recent_tids == [20, 30, 40]
    assert decoder.enter(credit(15)).reason is Reason.TOO_OLD
    assert decoder.enter(credit(10)).reason is Reason.TOO_OLD
    assert decoder.enter(credit(25)).accepted  # newer than the oldest remembered
    assert decoder.state.recent_tids == [25, 30, 40]


def test_tokens_past_the_key_expiry_number_are_rejected() -> None:
    decoder = meter(key_expiry=0x59)
    assert decoder.enter(credit(0x59FFFF)).accepted
    outcome = decoder.enter(credit(0x5A0000))
    assert not outcome.accepted and outcome.reason is Reason.KEY_EXPIRED


def test_credit_beyond_the_register_limit_overflows() -> None:
    decoder = meter(credit_limit=1000)
    assert decoder.enter(credit(1, "99.9")).accepted
    outcome = decoder.enter(credit(2, "0.2"))
    assert outcome.reason is Reason.OVERFLOW
    assert decoder.state.credit[0] == 999
    assert 2 not in decoder.state.recent_tids  # a rejected token can be entered again later


def test_wrong_key_or_typo_is_bad_crc_and_garbage_is_bad_format() -> None:
    decoder = meter()
    assert decoder.enter(credit(5, key=NEW_KEY)).reason is Reason.BAD_CRC
    token = credit(6)
    typo = token[:5] + str((int(token[5]) + 1) % 10) + token[6:]
    assert decoder.enter(typo).reason is Reason.BAD_CRC
    assert decoder.enter("12345").reason is Reason.BAD_FORMAT
    assert decoder.enter(token).accepted


def test_management_tokens_change_the_meter() -> None:
    decoder = meter(tamper=True)
    decoder.enter(credit(1, "50"))
    decoder.enter(credit(2, "7", subclass=2))
    steps: list[tuple[TokenRequest, dict[str, object]]] = [
        (PowerLimitToken(10, 1, Decimal(3500)), {"max_power_limit_w": 3500}),
        (PhaseUnbalanceLimitToken(11, 1, Decimal(600)), {"phase_unbalance_limit_w": 600}),
        (TariffRateToken(12, 1, 1234), {"tariff_rate": 1234}),
        (WaterMeterFactorToken(13, 1, 9), {"water_meter_factor": 9}),
        (ClearTamperToken(14, 1), {"tamper": False}),
        (ClearCreditToken(15, 1, 2), {"credit_cleared": 2}),
    ]
    for request, changes in steps:
        outcome = decoder.enter(encode_token(request, KEY, 7))
        assert outcome.accepted and outcome.changes == changes
    state = decoder.state
    assert (state.max_power_limit_w, state.phase_unbalance_limit_w) == (3500, 600)
    assert (state.tariff_rate, state.water_meter_factor, state.tamper) == (1234, 9, False)
    assert state.credit[0] == 500 and state.credit[2] == 0
    assert decoder.enter(encode_token(ClearCreditToken(16, 1), KEY, 7)).changes == {"credit_cleared": "all"}
    assert state.credit == [0] * 8
    assert decoder.enter(encode_token(ClearCreditToken(17, 1, 9), KEY, 7)).reason is Reason.NOT_SUPPORTED


def test_test_tokens_are_accepted_without_a_tid() -> None:
    decoder = meter()
    outcome = decoder.enter(class1_token(0, 5, 0))
    assert outcome.accepted and outcome.changes == {"test_control": 5}
    assert decoder.enter(class1_token(0, 5, 0)).accepted
    assert decoder.state.recent_tids == []


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_key_change_takes_two_parts_in_either_order(order: tuple[int, int]) -> None:
    decoder = meter(key_expiry=255, krn=1, ti=1)
    decoder.enter(credit(100))
    tokens = key_change_tokens(KEY, NEW_KEY, 7, key_expiry=200, krn=2, rollover=False, key_type=2, ti=7)
    first = decoder.enter(tokens[order[0]])
    assert first.accepted and first.changes == {"key_change_parts": "1 of 2"}
    assert decoder.state.decoder_key == KEY.hex()  # not yet
    second = decoder.enter(tokens[order[1]])
    assert second.accepted and second.changes["key_changed"] is True
    state = decoder.state
    assert bytes.fromhex(state.decoder_key) == NEW_KEY
    assert (state.key_expiry, state.krn, state.ti, state.key_type) == (200, 2, 7, 2)
    assert state.pending_key_change == []
    assert state.recent_tids == [100]  # no rollover: TIDs kept
    assert decoder.enter(credit(100, key=NEW_KEY)).reason is Reason.USED
    assert decoder.enter(credit(101)).reason is Reason.BAD_CRC
    assert decoder.enter(credit(101, key=NEW_KEY)).accepted


def test_rollover_key_change_moves_to_base_2014_and_forgets_tids() -> None:
    decoder = meter(base_date=1993)
    decoder.enter(credit((1 << 24) - 2))
    for token in key_change_tokens(KEY, NEW_KEY, 7, 255, 1, True, 2, 1):
        outcome = decoder.enter(token)
    assert outcome.changes["base_date"] == 2014 and outcome.changes["tids_cleared"] is True
    assert decoder.state.base_date == 2014 and decoder.state.recent_tids == []
    assert decoder.enter(credit(5, key=NEW_KEY)).accepted  # a small 2014 TID is not "too old"


def test_128_bit_key_change_takes_four_parts() -> None:
    decoder = MeterDecoder(MeterDecoderState(decoder_key=MISTY_KEY.hex(), ea=11))
    tokens = key_change_tokens(MISTY_KEY, NEW_MISTY_KEY, 11, 255, 4, False, 2, 3, sgc="123457")
    assert len(tokens) == 4
    for count, token in enumerate(reversed(tokens[1:]), start=1):
        outcome = decoder.enter(token)
        assert outcome.accepted and outcome.changes == {"key_change_parts": f"{count} of 4"}
    outcome = decoder.enter(tokens[0])
    assert outcome.changes["key_changed"] is True and outcome.changes["sgc"] == "123457"
    assert bytes.fromhex(decoder.state.decoder_key) == NEW_MISTY_KEY
    assert (decoder.state.krn, decoder.state.ti) == (4, 3)
    assert decoder.enter(credit(9, key=NEW_MISTY_KEY, ea=11)).accepted


def test_a_64_bit_meter_does_not_take_sets_3_and_4() -> None:
    tokens = key_change_tokens(KEY, NEW_MISTY_KEY, 7, 255, 1, False, 2, 1)
    decoder = meter()
    assert decoder.enter(tokens[2]).reason is Reason.NOT_SUPPORTED


def test_state_round_trips_through_json() -> None:
    decoder = meter()
    decoder.enter(credit(1000, "25.6"))
    decoder.enter(key_change_tokens(KEY, NEW_KEY, 7, 255, 2, False, 2, 1)[0])
    text = json.dumps(asdict(decoder.state))
    restored = MeterDecoder(MeterDecoderState.from_dict(json.loads(text)))
    assert restored.state == decoder.state
    second = key_change_tokens(KEY, NEW_KEY, 7, 255, 2, False, 2, 1)[1]
    assert restored.enter(second).changes["key_changed"] is True


def test_state_refuses_a_key_of_the_wrong_length() -> None:
    with pytest.raises(InvalidKey):
        MeterDecoderState(decoder_key=KEY.hex(), ea=11)
    with pytest.raises(InvalidKey):
        MeterDecoderState(decoder_key="not hex")
