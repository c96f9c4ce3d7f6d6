"""A simulated meter takes a delivered vend's tokens in order, as if typed one after another: a key change
pair first, then the credit token made for the new key; after a refusal the rest are not entered."""

from __future__ import annotations

from concurrent.futures import Future
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel

from gridvend.iot.messages import AckMessage, AckStatus, CommandKind, CommandMessage, EventCode, EventMessage
from gridvend.iot.topics import Channel
from gridvend.sts.keys import derive_decoder_key
from gridvend.sts.tokens import CreditToken, encode_token, key_change_tokens
from iot.sim.commands import execute
from iot.sim.firmware import FirmwareReceiver
from iot.sim.fleet import Fleet, FleetConfig
from iot.sim.identity import FleetKeys, meter_decoder_state, meter_identity
from iot.sim.link import Credentials
from iot.sim.load import LoadProfile
from iot.sim.meter import SimMeter

START = datetime(2025, 6, 1, 0, 0, tzinfo=UTC)
SERIAL = "04710000077"
KEYS = FleetKeys()


def _meter() -> SimMeter:
    return SimMeter(SERIAL, meter_decoder_state(KEYS, SERIAL, 0), LoadProfile(base_watts=0.0, noise=0.0), START)


def _key(krn: int) -> bytes:
    return derive_decoder_key(KEYS.dkga, KEYS.vending_key, replace(meter_identity(KEYS, SERIAL), krn=krn))


def _credit(kwh: str, tid: int, krn: int = 1) -> str:
    return encode_token(CreditToken(subclass=0, tid=tid, random=1, amount=Decimal(kwh)), _key(krn), KEYS.ea)


def _key_change_to_krn_2() -> list[str]:
    return key_change_tokens(_key(1), _key(2), KEYS.ea, key_expiry=255, krn=2, rollover=False,
                             key_type=KEYS.key_type, ti=KEYS.ti)


def _deliver(meter: SimMeter, tokens: list[str]) -> tuple[AckStatus, str, dict[str, object], list[EventCode]]:
    command = CommandMessage(command_id="T0000001.04710000077", meter=SERIAL, kind=CommandKind.DELIVER_VEND,
                             params={"bill": "B0001", "tokens": tokens}, sent_at=START)
    done = execute(meter, command, FirmwareReceiver(), START)
    return done.status, done.reason, dict(done.result), [event.code for event in done.events]


def test_a_key_change_pair_then_its_credit_token_are_all_taken_in_order() -> None:
    meter = _meter()

    status, reason, result, events = _deliver(meter, [*_key_change_to_krn_2(), _credit("12.5", 100, krn=2)])

    assert (status, reason) == (AckStatus.DONE, "")
    assert result == {"bill": "B0001", "tokens": 3, "token_1": "accepted", "token_2": "accepted",
                      "token_3": "accepted", "accepted": 3, "credit_kwh": "12.500"}
    assert meter.decoder.state.krn == 2
    assert events.count(EventCode.TOKEN_ACCEPTED) == 3 and EventCode.RELAY_CLOSED in events


def test_after_a_refused_token_the_rest_are_not_entered() -> None:
    meter = _meter()
    spent = _credit("1.0", 50)
    assert meter.enter_token(spent, START, via="keypad")[1] == "accepted"

    status, reason, result, _ = _deliver(meter, [spent, _credit("2.0", 51)])

    assert status is AckStatus.FAILED and reason == "token 1 of 2 rejected: TID already used"
    assert (result["token_1"], result["token_2"], result["accepted"]) == ("rejected: TID already used",
                                                                          "not entered", 0)
    assert meter.credit_kwh == Decimal("1.000")


def test_a_credit_token_for_the_new_key_is_refused_without_its_key_change() -> None:
    meter = _meter()

    status, _, result, _ = _deliver(meter, [_credit("5.0", 60, krn=2)])

    assert status is AckStatus.FAILED and str(result["token_1"]).startswith("rejected")
    assert meter.credit_kwh == 0


def test_malformed_vend_tokens_are_refused() -> None:
    status, reason, _, _ = _deliver(_meter(), ["12345"])

    assert (status, reason) == (AckStatus.FAILED, "bad vend tokens")


class _RecordingLink:
    """Stands in for a module's MQTT link: keeps what the fleet publishes."""

    def __init__(self) -> None:
        self.published: list[tuple[Channel, BaseModel]] = []

    def publish(self, channel: Channel, message: BaseModel) -> Future[None]:
        self.published.append((channel, message))
        done: Future[None] = Future()
        done.set_result(None)
        return done


def test_a_resent_delivery_is_answered_again_without_entering_its_tokens_twice() -> None:
    fleet = Fleet(FleetConfig(tenant_id="t1", meters=1, serial_prefix="0471000007", initial_credit_kwh=0),
                  "127.0.0.1", 1, lambda *_: Credentials(Path(), Path(), Path()))
    (serial,) = fleet.meters
    link = _RecordingLink()
    fleet.things[fleet.thing_of[serial]].link = link  # type: ignore[assignment]
    keys = fleet.config.keys
    decoder_key = derive_decoder_key(keys.dkga, keys.vending_key, meter_identity(keys, serial))
    token = encode_token(CreditToken(subclass=0, tid=700, random=1, amount=Decimal("4.0")), decoder_key, keys.ea)
    command = CommandMessage(command_id=f"T0000009.{serial}", meter=serial, kind=CommandKind.DELIVER_VEND,
                             params={"bill": "B0002", "tokens": [token]}, sent_at=START)

    for attempt in (1, 2):
        fleet._inbox_put(fleet.thing_of[serial], command.model_copy(update={"attempt": attempt}))
    fleet._run_commands()

    answers = [message for channel, message in link.published if channel is Channel.ACK]
    final = [answer for answer in answers if isinstance(answer, AckMessage) and answer.status is AckStatus.DONE]
    assert len(final) == 2 and final[0].result == final[1].result
    assert final[0].result["token_1"] == "accepted"
    assert fleet.meters[serial].credit_kwh == Decimal("4.000")
    accepted = [message for channel, message in link.published
                if channel is Channel.EVENT and isinstance(message, EventMessage)
                and message.code is EventCode.TOKEN_ACCEPTED]
    assert len(accepted) == 1
