"""How a simulated meter carries out a command from the cloud, and what it answers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from pydantic import ValidationError

from gridvend.ami import commands as params
from gridvend.iot.messages import AckStatus, CommandKind, CommandMessage, EventCode, Scalar
from iot.sim.firmware import FirmwareReceiver, FirmwareRejected
from iot.sim.meter import RelayMode, SimEvent, SimMeter


@dataclass
class Execution:
    status: AckStatus
    reason: str = ""
    result: dict[str, Scalar] = field(default_factory=dict)
    progress: int | None = None
    events: list[SimEvent] = field(default_factory=list)


def _failed(reason: str) -> Execution:
    return Execution(AckStatus.FAILED, reason)


def execute(meter: SimMeter, command: CommandMessage, firmware: FirmwareReceiver, now: datetime) -> Execution:
    if command.kind is CommandKind.FIRMWARE_UPGRADE:
        return _firmware(meter, command, firmware, now)
    if command.kind is CommandKind.DELIVER_VEND:
        return _vend_tokens(meter, command, now)
    try:
        given = params.params_model(command.kind).model_validate(command.params)
    except ValidationError as error:
        return _failed(f"bad params: {error.errors(include_url=False)[0]['msg']}")
    kind = command.kind
    if kind in (CommandKind.RELAY_CONNECT, CommandKind.RELAY_DISCONNECT, CommandKind.FORCED_ON,
                CommandKind.FORCED_OFF, CommandKind.PREPAYMENT_RECOVERY):
        return _relay(meter, kind, now)
    if isinstance(given, params.ReadParams):
        values = meter.values()
        return Execution(AckStatus.DONE, result={code: _scalar(values.get(code)) for code in given.obis})
    if isinstance(given, params.DeliverTokenParams):
        _, reason, events = meter.enter_token(given.token, now, via="remote")
        status = AckStatus.DONE if reason == "accepted" else AckStatus.FAILED
        result: dict[str, Scalar] = {"accepted": status is AckStatus.DONE, "credit_kwh": str(meter.credit_kwh)}
        return Execution(status, "" if status is AckStatus.DONE else reason, result, events=events)
    return _setting(meter, given)


def _vend_tokens(meter: SimMeter, command: CommandMessage, now: datetime) -> Execution:
    """Each token in order, as if typed one after another; after a refusal the rest are not entered (a key
    change pair or credit token after a refused one would fail anyway). The answer tells each token's fate."""
    try:
        vend = params.VendTokens.model_validate(command.params)
    except ValidationError:
        return _failed("bad vend tokens")
    result: dict[str, Scalar] = {"bill": vend.bill, "tokens": len(vend.tokens)}
    events: list[SimEvent] = []
    refusal = ""
    for position, token in enumerate(vend.tokens, start=1):
        if refusal:
            result[f"token_{position}"] = "not entered"
            continue
        _, reason, caused = meter.enter_token(token, now, via="remote")
        events += caused
        if reason == "accepted":
            result[f"token_{position}"] = "accepted"
        else:
            result[f"token_{position}"] = f"rejected: {reason}"
            refusal = f"token {position} of {len(vend.tokens)} rejected: {reason}"
    result["accepted"] = sum(1 for position in range(1, len(vend.tokens) + 1)
                             if result[f"token_{position}"] == "accepted")
    result["credit_kwh"] = str(meter.credit_kwh)
    if refusal:
        return Execution(AckStatus.FAILED, refusal, result, events=events)
    return Execution(AckStatus.DONE, result=result, events=events)


def _relay(meter: SimMeter, kind: CommandKind, now: datetime) -> Execution:
    if kind is CommandKind.RELAY_CONNECT:
        meter.remote_open = False
        if meter.mode is RelayMode.FORCED_OFF:
            meter.mode = RelayMode.PREPAYMENT
    elif kind is CommandKind.RELAY_DISCONNECT:
        meter.remote_open = True
    elif kind is CommandKind.FORCED_ON:
        meter.mode = RelayMode.FORCED_ON
    elif kind is CommandKind.FORCED_OFF:
        meter.mode = RelayMode.FORCED_OFF
    else:
        meter.mode, meter.remote_open = RelayMode.PREPAYMENT, False
    events = meter.settle(now, kind.value)
    result: dict[str, Scalar] = {"relay": "closed" if meter.relay_closed else "open", "mode": meter.mode.value}
    if kind is CommandKind.RELAY_CONNECT and not meter.relay_closed:
        return Execution(AckStatus.FAILED, "no credit: the relay stays open", result, events=events)
    return Execution(AckStatus.DONE, result=result, events=events)


def _setting(meter: SimMeter, given: object) -> Execution:
    settings = meter.settings
    if isinstance(given, params.PowerThresholdParams):
        settings.power_threshold_w = given.watts
    elif isinstance(given, params.AlarmAmountsParams):
        settings.alarm_1_kwh, settings.alarm_2_kwh = given.alarm_1_kwh, given.alarm_2_kwh
    elif isinstance(given, params.HoardingLimitParams):
        settings.hoarding_limit_kwh = given.kwh
    elif isinstance(given, params.PriceIssueParams):
        settings.prices.update(given.prices)
    elif isinstance(given, params.TouDownloadParams):
        settings.tou = tuple((segment.minute, segment.rate) for segment in given.segments)
    elif isinstance(given, params.CtPtRatioParams):
        settings.ct_ratio, settings.pt_ratio = given.ct, given.pt
    elif isinstance(given, params.ChangePasswordParams):
        settings.passwords[given.level] = given.password
        return Execution(AckStatus.DONE, result={"level": given.level})
    else:
        return _failed("not supported by this meter")
    return Execution(AckStatus.DONE, result={"applied": True})


def _firmware(meter: SimMeter, command: CommandMessage, firmware: FirmwareReceiver, now: datetime) -> Execution:
    try:
        chunk = params.FirmwareChunk.model_validate(command.params)
        percent, complete = firmware.receive(chunk)
    except ValidationError:
        return _failed("bad firmware chunk")
    except FirmwareRejected as refusal:
        return _failed(str(refusal))
    result: dict[str, Scalar] = {"chunk": chunk.chunk, "chunks": chunk.chunks}
    if not complete:
        return Execution(AckStatus.PROGRESS, result=result, progress=percent)
    previous = meter.settings.firmware_version
    meter.settings.firmware_version = chunk.version
    event = SimEvent(EventCode.FIRMWARE_UPDATED, now, chunk.version, {"previous": previous})
    return Execution(AckStatus.DONE, result={**result, "version": chunk.version}, progress=100, events=[event])


def _scalar(value: Decimal | None) -> Scalar:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() and value.as_tuple().exponent == 0 else str(value)
