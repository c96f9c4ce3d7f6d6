"""The device contract: topics, the IoT rule's envelope, payload schemas and OBIS items."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from gridvend.ami.commands import (
    AlarmAmountsParams,
    ChangePasswordParams,
    DeliverTokenParams,
    TouDownloadParams,
    desired_state,
    stored_params,
)
from gridvend.iot import obis
from gridvend.iot.messages import CommandKind, ReadingMessage
from gridvend.iot.rule_events import Rejected, read_uplink, rule_message
from gridvend.iot.topics import BadTopic, Channel, parse_uplink_topic, uplink_topic

NOW_MS = int(datetime.now(UTC).timestamp() * 1000)


def _body(topic: str, payload: bytes) -> str:
    return json.dumps(rule_message(topic, payload, NOW_MS))


def _reading(**changes: object) -> bytes:
    document = {"msg_id": "abcdef012345", "meter": "04710000001", "at": "2025-01-31T12:00:00Z",
                "registers": {obis.ACTIVE_IMPORT: 12.5}, **changes}
    return json.dumps(document).encode()


def test_the_tenant_and_thing_come_from_the_topic() -> None:
    topic = parse_uplink_topic(uplink_topic("acme", "MOD-1", Channel.EVENT))
    assert (topic.tenant_id, topic.thing_id, topic.channel) == ("acme", "MOD-1", Channel.EVENT)
    for bad in ("gv/acme/MOD-1/down/cmd", "gv/ACME/MOD-1/up/reading", "gv/acme/MOD 1/up/reading",
                "gv/acme/MOD-1/up/selfie", "xx/acme/MOD-1/up/reading", "gv/acme/up/reading"):
        with pytest.raises(BadTopic):
            parse_uplink_topic(bad)


def test_a_good_uplink_reads_with_exact_decimal_values() -> None:
    uplink = read_uplink(_body("gv/acme/MOD-1/up/reading", _reading()))
    assert isinstance(uplink.message, ReadingMessage)
    assert uplink.message.registers == {obis.ACTIVE_IMPORT: Decimal("12.5")}
    assert uplink.message.at == datetime(2025, 1, 31, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("not json at all", "not an IoT rule message"),
        (json.dumps({"topic": "gv/acme/M/up/reading", "received_at": 1, "payload_b64": "%%%"}), "not base64"),
        (_body("gv/acme/M/up/reading", b"\xff\xfe binary"), "not JSON"),
        (_body("gv/acme/M/up/reading", b"[1, 2]"), "not a JSON object"),
        (_body("gv/acme/M/up/reading", _reading(at="2025-01-31T12:00:00")), "UTC offset"),
        (_body("gv/acme/M/up/reading", _reading(registers={"1.0.99.8.0.255": 1})), "does not know"),
        (_body("gv/acme/M/up/reading", _reading(tenant="other")), "tenant"),
        (_body("gv/acme/M/up/reading", _reading(msg_id="x")), "msg_id"),
        (_body("gv/acme/M/down/cmd", _reading()), "not an uplink topic"),
    ],
)
def test_a_bad_uplink_is_rejected_with_its_reason(body: str, reason: str) -> None:
    with pytest.raises(Rejected) as refusal:
        read_uplink(body)
    assert reason in refusal.value.reason


def test_an_oversized_payload_is_rejected_before_parsing() -> None:
    body = json.dumps({"topic": "gv/acme/M/up/event", "received_at": 1,
                       "payload_b64": base64.b64encode(b" " * 200_000).decode()})
    with pytest.raises(Rejected):
        read_uplink(body)


def test_obis_values_round_trip_through_integer_storage() -> None:
    stored = obis.stored_registers({obis.ACTIVE_IMPORT: Decimal("1234.567"), obis.VOLTAGE_L1: Decimal("229.94")})
    assert stored == {obis.ACTIVE_IMPORT: 1234567, obis.VOLTAGE_L1: 2299}
    assert obis.wire_registers(stored) == {obis.ACTIVE_IMPORT: Decimal("1234.567"), obis.VOLTAGE_L1: Decimal("229.9")}


def test_command_params_check_what_a_meter_could_not_take() -> None:
    with pytest.raises(ValueError, match="alarm_2_kwh"):
        AlarmAmountsParams(alarm_1_kwh=Decimal(1), alarm_2_kwh=Decimal(2))
    with pytest.raises(ValueError, match="00:00"):
        TouDownloadParams.model_validate({"segments": [{"start": "06:00", "rate": 2}]})
    assert DeliverTokenParams(token="1234 5678 9012 3456 7890").token == "12345678901234567890"
    password = stored_params(CommandKind.CHANGE_PASSWORD, ChangePasswordParams(level=1, password="abcd1234"))
    assert password == {"level": 1, "password": "***"}
    amounts = AlarmAmountsParams(alarm_1_kwh=Decimal(1), alarm_2_kwh=Decimal(0))
    assert desired_state(CommandKind.FORCED_OFF, amounts) == {"mode": "forced_off"}
    assert desired_state(CommandKind.SET_ALARM_AMOUNTS, amounts) == {
        "alarm_amounts": {"alarm_1_kwh": "1", "alarm_2_kwh": "0"}}
