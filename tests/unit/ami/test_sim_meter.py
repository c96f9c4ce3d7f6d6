"""The simulated meter behaves as a prepaid meter: consumption drains credit, low credit alarms fire in
order, the relay opens at zero unless forced on, tokens are accepted or refused as the decoder decides."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from gridvend.iot.messages import AckStatus, CommandKind, CommandMessage, EventCode
from gridvend.sts.tokens import CreditToken, encode_token
from iot.sim.commands import execute
from iot.sim.firmware import FirmwareReceiver
from iot.sim.identity import FleetKeys, meter_decoder_state
from iot.sim.load import LoadProfile
from iot.sim.meter import FaultRates, MeterSettings, SimMeter

START = datetime(2025, 6, 1, 0, 0, tzinfo=UTC)
SERIAL = "04710000042"
KEYS = FleetKeys()


def _meter(credit_kwh: int = 3, watts: float = 1000.0, **settings: object) -> SimMeter:
    state = meter_decoder_state(KEYS, SERIAL, credit_kwh)
    return SimMeter(SERIAL, state, LoadProfile(base_watts=watts, noise=0.0), START,
                    settings=MeterSettings(**settings))  # type: ignore[arg-type]


def _token(kwh: str, tid: int) -> str:
    key = bytes.fromhex(meter_decoder_state(KEYS, SERIAL, 0).decoder_key)
    return encode_token(CreditToken(subclass=0, tid=tid, random=1, amount=Decimal(kwh)), key, KEYS.ea)


def _command(kind: CommandKind, **params: object) -> CommandMessage:
    return CommandMessage(command_id="T0000001.04710000042", meter=SERIAL, kind=kind, params=params, sent_at=START)


def test_consumption_drains_credit_fires_alarms_in_order_and_opens_the_relay_at_zero() -> None:
    meter = _meter(credit_kwh=3, alarm_1_kwh=Decimal(2), alarm_2_kwh=Decimal(1))

    events = meter.advance(START + timedelta(hours=12))

    codes = [event.code for event in events]
    assert codes == [EventCode.LOW_CREDIT_1, EventCode.LOW_CREDIT_2, EventCode.CREDIT_EXHAUSTED, EventCode.RELAY_OPEN]
    assert meter.credit_kwh == Decimal("0.000") and not meter.relay_closed
    assert meter.values()["1.0.1.8.0.255"] == Decimal("3.000")  # it drew exactly the credit it had
    assert events[0].at < events[1].at < events[2].at


def test_a_credit_token_adds_its_energy_and_closes_the_relay_and_a_used_token_is_refused() -> None:
    meter = _meter(credit_kwh=0)
    token = _token("5.0", 20_000)

    outcome, reason, events = meter.enter_token(token, START, via="keypad")
    _, reason_again, _ = meter.enter_token(token, START, via="keypad")

    assert outcome.accepted and reason == "accepted" and meter.credit_kwh == Decimal("5.000")
    assert [event.code for event in events] == [EventCode.TOKEN_ACCEPTED, EventCode.RELAY_CLOSED]
    assert reason_again == "TID already used" and meter.credit_kwh == Decimal("5.000")


def test_the_hoarding_limit_refuses_a_token_and_keeps_the_credit() -> None:
    meter = _meter(credit_kwh=8, hoarding_limit_kwh=Decimal(10))

    _, reason, events = meter.enter_token(_token("5.0", 20_001), START, via="remote")

    assert reason == "hoarding limit" and meter.credit_kwh == Decimal("8.000")
    assert events[0].code is EventCode.TOKEN_REJECTED


def test_forced_on_keeps_power_without_credit_and_recovery_brings_prepayment_back() -> None:
    meter = _meter(credit_kwh=1)
    receiver = FirmwareReceiver()
    forced = execute(meter, _command(CommandKind.FORCED_ON), receiver, START)
    meter.advance(START + timedelta(hours=3))
    in_debt = meter.credit_kwh
    recovered = execute(meter, _command(CommandKind.PREPAYMENT_RECOVERY), receiver, meter.clock)

    assert forced.status is AckStatus.DONE and meter.relay_closed is False
    assert in_debt < 0
    assert recovered.result == {"relay": "open", "mode": "prepayment"}


def test_a_power_threshold_trips_the_relay_for_a_while() -> None:
    meter = _meter(credit_kwh=50, watts=2000)
    execute(meter, _command(CommandKind.SET_POWER_THRESHOLD, watts=500), FirmwareReceiver(), START)

    events = meter.advance(START + timedelta(minutes=2))

    assert [event.code for event in events][:2] == [EventCode.OVERLOAD, EventCode.RELAY_OPEN]
    assert meter.advance(START + timedelta(minutes=8))[0].code is EventCode.RELAY_CLOSED


def test_reads_answer_with_the_asked_items_and_bad_params_fail() -> None:
    meter = _meter()
    read = execute(meter, _command(CommandKind.READ, obis=["0.0.19.10.0.255", "0.0.96.3.10.255"]),
                   FirmwareReceiver(), START)
    bad = execute(meter, _command(CommandKind.SET_CT_PT_RATIO, ct=0, pt=1), FirmwareReceiver(), START)

    assert read.result == {"0.0.19.10.0.255": "3.000", "0.0.96.3.10.255": 1}
    assert bad.status is AckStatus.FAILED and bad.reason.startswith("bad params")


def test_the_world_cuts_power_and_opens_covers_at_the_rates_given() -> None:
    state = meter_decoder_state(KEYS, SERIAL, 500)
    meter = SimMeter(SERIAL, state, LoadProfile(base_watts=500, noise=0.0), START, seed=7,
                     faults=FaultRates(outages=24.0, cover_openings=12.0))

    events = meter.advance(START + timedelta(days=2))

    codes = [event.code for event in events]
    offs, ons = codes.count(EventCode.POWER_OFF), codes.count(EventCode.POWER_ON)
    assert 10 <= offs <= 90 and ons in (offs, offs - 1)
    assert codes.count(EventCode.COVER_OPEN) >= 5 and EventCode.TAMPER not in codes


def test_a_firmware_image_is_taken_only_whole_and_matching_its_digest() -> None:
    import base64
    import hashlib

    image = b"firmware" * 100
    chunks = [image[start : start + 256] for start in range(0, len(image), 256)]
    meter, receiver = _meter(), FirmwareReceiver()

    def chunk(index: int, data: bytes, digest: str) -> CommandMessage:
        return _command(CommandKind.FIRMWARE_UPGRADE, firmware_id="fw", version=7, chunk=index, chunks=len(chunks),
                        size=len(image), sha256=digest, data_b64=base64.b64encode(data).decode())

    good = hashlib.sha256(image).hexdigest()
    answers = [execute(meter, chunk(index, data, good), receiver, START) for index, data in enumerate(chunks)]
    other = FirmwareReceiver()
    wrong = [execute(meter, chunk(index, data, "0" * 64), other, START) for index, data in enumerate(chunks)]

    assert [answer.status for answer in answers] == [AckStatus.PROGRESS] * (len(chunks) - 1) + [AckStatus.DONE]
    assert meter.settings.firmware_version == 7 and answers[-1].events[0].code is EventCode.FIRMWARE_UPDATED
    assert wrong[-1].status is AckStatus.FAILED and "SHA-256" in wrong[-1].reason
