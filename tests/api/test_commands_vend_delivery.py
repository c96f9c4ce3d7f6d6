"""Remote token delivery of a vend: `"deliver": "remote"` on `POST /v1/vends` and the `deliver_vend` command.
The vend's tokens go to the meter's thing in receipt order, once per vend; the meter's verdict on each token is
kept on the task; a meter no module reaches is refused before anything is sold."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from functions.commands.acks import apply_ack
from functions.commands.context import CommandContext, use_context
from gridvend.iot.messages import AckMessage, AckStatus, CommandKind, CommandMessage
from gridvend.iot.publishing import MemoryShadowStore, RecordingPublisher
from gridvend.iot.rule_events import read_uplink, rule_message
from gridvend.iot.topics import Channel, uplink_topic
from gridvend.store.ami.firmware import MemoryObjectStore
from gridvend.store.ami.things import Thing, ThingKind, ThingRegistry
from tests.api.conftest import Api
from tests.api.test_vends import credit_kwh, key, meter_decoder, module_balance
from tests.api.vending_setup import Shop, _master_key, install, open_shop

__all__ = ["_master_key"]


@pytest.fixture
def devices(api: Api) -> Iterator[CommandContext]:
    context = CommandContext(api.store, RecordingPublisher(), MemoryShadowStore(), MemoryObjectStore())
    use_context(context)
    yield context
    use_context(None)


def _serial() -> str:
    return f"14{uuid.uuid4().int % 10**9:09d}"


def _served_meter(api: Api, shop: Shop) -> str:
    serial = _serial()
    install(api, shop, serial)
    ThingRegistry(api.store, shop.tenant_id).register(
        Thing(f"MOD-{serial}", ThingKind.MODULE, (serial,), f"{shop.tenant_id}:MOD-{serial}")
    )
    return serial


def _sent(devices: CommandContext) -> list[tuple[str, str, CommandMessage]]:
    return list(devices.publisher.sent)  # type: ignore[attr-defined]


def _answer(context: CommandContext, tenant_id: str, command: CommandMessage, status: AckStatus,
            **fields: Any) -> None:
    ack = AckMessage(msg_id=f"ack-{uuid.uuid4().hex}", meter=command.meter, at=datetime.now(UTC),
                     command_id=command.command_id, status=status, **fields)
    topic = uplink_topic(tenant_id, f"MOD-{command.meter}", Channel.ACK)
    body = json.dumps(rule_message(topic, ack.model_dump_json().encode(), int(datetime.now(UTC).timestamp() * 1000)))
    apply_ack(context, read_uplink(body))


def test_a_vend_with_remote_delivery_sends_its_tokens_and_keeps_the_meters_verdict(
    api: Api, devices: CommandContext
) -> None:
    shop = open_shop(api)
    serial = _served_meter(api, shop)

    sold = shop.sell(api, serial, key(), amount="50.00", deliver="remote")

    assert sold.status == 201, sold.body
    delivery = sold.body["delivery"]
    assert delivery["task_id"] and delivery["states"] == {"sent": 1}
    [(tenant, thing, command)] = _sent(devices)
    assert (tenant, thing, command.meter, command.kind) == (shop.tenant_id, f"MOD-{serial}", serial,
                                                            CommandKind.DELIVER_VEND)
    assert command.params == {"bill": sold.body["bill_number"], "tokens": sold.body["tokens"]}
    decoder = meter_decoder(serial)
    assert all(decoder.enter(token).accepted for token in command.params["tokens"])
    assert credit_kwh(decoder) == Decimal(sold.body["energy_kwh"])

    _answer(devices, shop.tenant_id, command, AckStatus.DONE,
            result={"bill": sold.body["bill_number"], "tokens": 1, "token_1": "accepted", "accepted": 1})
    task = api.call("GET", f"/v1/tasks/{delivery['task_id']}", headers=shop.headers).body
    assert (task["kind"], task["params"], task["status"]) == ("deliver_vend", {"bill": sold.body["bill_number"]},
                                                              "done")
    assert task["source"] == f"vend:{sold.body['bill_number']}"
    [record] = api.call("GET", f"/v1/tasks/{delivery['task_id']}/commands", headers=shop.headers).body["items"]
    assert record["result"]["token_1"] == "accepted"


def test_a_rejected_token_fails_the_delivery_with_the_meters_reason(api: Api, devices: CommandContext) -> None:
    shop = open_shop(api)
    serial = _served_meter(api, shop)
    sold = shop.sell(api, serial, key(), amount="20.00", deliver="remote").body
    [(_, _, command)] = _sent(devices)

    _answer(devices, shop.tenant_id, command, AckStatus.FAILED, reason="token 1 of 1 rejected: TID already used",
            result={"token_1": "rejected: TID already used", "accepted": 0})

    [record] = api.call("GET", f"/v1/tasks/{sold['delivery']['task_id']}/commands",
                        headers=shop.headers).body["items"]
    assert record["state"] == "failed" and record["reason"] == "token 1 of 1 rejected: TID already used"
    assert record["result"]["token_1"] == "rejected: TID already used"


def test_a_replayed_vend_finds_its_delivery_and_sends_nothing_again(api: Api, devices: CommandContext) -> None:
    shop = open_shop(api)
    serial = _served_meter(api, shop)
    payment = key()

    first = shop.sell(api, serial, payment, amount="30.00", deliver="remote")
    again = shop.sell(api, serial, payment, amount="30.00", deliver="remote")

    assert again.status == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.body["bill_number"] == first.body["bill_number"]
    assert again.body["delivery"]["task_id"] == first.body["delivery"]["task_id"]
    assert len(_sent(devices)) == 1


def test_a_meter_without_a_module_is_refused_before_anything_is_sold(api: Api, devices: CommandContext) -> None:
    shop = open_shop(api)
    serial = _serial()
    install(api, shop, serial)
    balance = module_balance(api, shop)

    refused = shop.sell(api, serial, key(), amount="30.00", deliver="remote")

    assert refused.status == 422, refused.body
    assert refused.body["errors"][0]["field"] == "deliver"
    assert api.call("GET", f"/v1/vends?meter={serial}", headers=shop.headers).body["items"] == []
    assert module_balance(api, shop) == balance and _sent(devices) == []
    bad = shop.sell(api, serial, key(), amount="30.00", deliver="sms")
    assert bad.status == 400 and "deliver" in json.dumps(bad.body)


def test_an_operator_delivers_a_vend_by_its_bill_number(api: Api, devices: CommandContext) -> None:
    shop = open_shop(api)
    serial = _served_meter(api, shop)
    sold = shop.sell(api, serial, key(), amount="40.00").body
    assert "delivery" not in sold and _sent(devices) == []

    created = api.call("POST", "/v1/commands", {"kind": "deliver_vend", "params": {"bill": sold["bill_number"]}},
                       shop.headers)

    assert created.status == 201, created.body
    assert created.body["target"] == {"meters": [serial]} and created.body["total"] == 1
    [(_, _, command)] = _sent(devices)
    assert command.params["tokens"] == sold["tokens"]
    named = api.call("POST", "/v1/commands", {"kind": "deliver_vend", "targets": {"meters": [serial]},
                                              "params": {"bill": sold["bill_number"]}}, shop.headers)
    assert named.status == 201, named.body


def test_a_delivery_is_refused_for_another_meter_an_unknown_bill_or_another_tenants_vend(
    api: Api, devices: CommandContext
) -> None:
    shop = open_shop(api)
    serial, other_serial = _served_meter(api, shop), _served_meter(api, shop)
    bill = shop.sell(api, serial, key(), amount="40.00").body["bill_number"]
    other_shop = open_shop(api)

    cases = [
        (shop.headers, {"targets": {"meters": [other_serial]}, "params": {"bill": bill}}, "targets"),
        (shop.headers, {"targets": {"region": "R1"}, "params": {"bill": bill}}, "targets"),
        (shop.headers, {"params": {"bill": "NO-SUCH-BILL"}}, "params.bill"),
        (shop.headers, {"params": {"bill": "a b"}}, "params.bill"),
        (other_shop.headers, {"params": {"bill": bill}}, "params.bill"),
    ]
    for headers, body, field_name in cases:
        reply = api.call("POST", "/v1/commands", {"kind": "deliver_vend", **body}, headers)
        assert reply.status == 400, (body, reply.body)
        assert field_name in [problem["field"] for problem in reply.body["errors"]], reply.body
    no_targets = api.call("POST", "/v1/commands", {"kind": "relay_connect"}, shop.headers)
    assert no_targets.status == 400
    assert _sent(devices) == []


def test_a_cancelled_vend_is_not_delivered(api: Api, devices: CommandContext) -> None:
    shop = open_shop(api)
    serial = _served_meter(api, shop)
    sold = shop.sell(api, serial, key(), amount="40.00").body
    cancelled = api.call("POST", f"/v1/vends/{sold['bill_number']}/cancel", {"reason": "customer waived"},
                         shop.headers)
    assert cancelled.status == 201, cancelled.body

    reply = api.call("POST", "/v1/commands", {"kind": "deliver_vend", "params": {"bill": sold["bill_number"]}},
                     shop.headers)

    assert reply.status == 400 and "cancelled" in reply.body["detail"]
    assert _sent(devices) == []
