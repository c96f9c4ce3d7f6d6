"""A fleet of simulated meters behind modules (one meter each) or concentrators (many meters each),
run by one loop: every tick each meter lives up to the simulated now, reports its registers when its
period comes round, raises its events, and carries out the commands that arrived meanwhile."""

from __future__ import annotations

import contextlib
import queue
import random
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from gridvend.iot.messages import (
    AckMessage,
    AckStatus,
    CommandKind,
    CommandMessage,
    EventCode,
    EventMessage,
    ReadingMessage,
)
from gridvend.iot.topics import Channel
from gridvend.store.ami.things import ThingKind
from iot.sim.clock import SimClock
from iot.sim.commands import Execution, execute
from iot.sim.firmware import FirmwareReceiver
from iot.sim.identity import FleetKeys, meter_decoder_state, serial_number
from iot.sim.link import Credentials, DeviceLink, new_msg_id
from iot.sim.load import LoadProfile
from iot.sim.meter import FaultRates, MeterSettings, SimEvent, SimMeter

CONNECT_TIMEOUT_SECONDS = 60.0
# Firmware keeps its answers to the last token commands: a resent command is answered, not entered again.
TOKEN_COMMANDS = frozenset({CommandKind.DELIVER_TOKEN, CommandKind.DELIVER_VEND})
REMEMBERED_TOKEN_ANSWERS = 1000
Result = TypeVar("Result")
ProvisionThing = Callable[[str, ThingKind, list[str]], Credentials]


@dataclass(frozen=True)
class FleetConfig:
    tenant_id: str
    meters: int = 20
    per_concentrator: int = 0  # 0: every meter has its own module
    speed: float = 1.0
    report_seconds: float = 900.0  # simulated seconds between periodic readings
    tick_seconds: float = 0.5  # real seconds between loop turns
    backlog: timedelta = timedelta(0)  # how far before now simulated time starts
    serial_prefix: str = "0471"
    initial_credit_kwh: int = 20
    base_watts: tuple[float, float] = (300.0, 1500.0)
    solar_share: float = 0.1  # share of meters with a rooftop panel
    seed: int = 1
    faults: FaultRates = field(default_factory=FaultRates)
    keys: FleetKeys = field(default_factory=FleetKeys)


@dataclass
class SimThing:
    thing_id: str
    kind: ThingKind
    serials: list[str]
    link: DeviceLink | None = None


@dataclass
class FleetStats:
    readings: int = 0
    events: int = 0
    acks: int = 0
    commands: int = 0
    publish_errors: int = 0


class Fleet:
    def __init__(self, config: FleetConfig, host: str, port: int, provision: ProvisionThing) -> None:
        self.config = config
        self._host, self._port, self._provision = host, port, provision
        self.clock = SimClock(config.speed, config.backlog)
        self.meters: dict[str, SimMeter] = {}
        self.things: dict[str, SimThing] = {}
        self.thing_of: dict[str, str] = {}
        self.stats = FleetStats()
        self._next_report: dict[str, datetime] = {}
        self._firmware: dict[str, FirmwareReceiver] = {}
        self._token_answers: OrderedDict[str, Execution] = OrderedDict()
        self._inbox: queue.Queue[tuple[str, CommandMessage]] = queue.Queue()
        self._calls: queue.Queue[tuple[Callable[[], Any], Future[Any]]] = queue.Queue()
        self._loop_thread: int | None = None
        self._build()

    def _build(self) -> None:
        config = self.config
        rng = random.Random(config.seed)
        start = self.clock.now()
        for index in range(config.meters):
            serial = serial_number(config.serial_prefix, index)
            load = LoadProfile(
                base_watts=rng.uniform(*config.base_watts),
                solar_peak_watts=rng.uniform(800, 2500) if rng.random() < config.solar_share else 0.0,
            )
            state = meter_decoder_state(config.keys, serial, config.initial_credit_kwh)
            seed = rng.randrange(1 << 30)
            self.meters[serial] = SimMeter(serial, state, load, start, seed=seed, settings=MeterSettings(),
                                           faults=config.faults)
            self._next_report[serial] = start + timedelta(seconds=rng.uniform(0, config.report_seconds))
        serials = list(self.meters)
        if config.per_concentrator <= 0:
            groups = [(f"MOD-{serial}", ThingKind.MODULE, [serial]) for serial in serials]
        else:
            size = config.per_concentrator
            groups = [
                (f"DCU-{config.serial_prefix}-{number:04d}", ThingKind.CONCENTRATOR, serials[first : first + size])
                for number, first in enumerate(range(0, len(serials), size), start=1)
            ]
        for thing_id, kind, members in groups:
            self.things[thing_id] = SimThing(thing_id, kind, members)
            for serial in members:
                self.thing_of[serial] = thing_id

    # --- connecting --------------------------------------------------------------------------

    def connect(self) -> None:
        """Provisions every thing, connects them all at once, subscribes, says each is online."""
        for thing in self.things.values():
            credentials = self._provision(thing.thing_id, thing.kind, thing.serials)
            thing.link = DeviceLink(
                self._host, self._port, credentials, self.config.tenant_id, thing.thing_id, thing.serials[0],
                self._inbox_put,
            )
        pending = [thing.link.connect() for thing in self.things.values() if thing.link]
        for connected in pending:
            connected.result(CONNECT_TIMEOUT_SECONDS)
        pending = [thing.link.subscribe() for thing in self.things.values() if thing.link]
        for subscribed in pending:
            subscribed.result(CONNECT_TIMEOUT_SECONDS)
        now = self.clock.now()
        for thing in self.things.values():
            meter = self.meters[thing.serials[0]]
            online = SimEvent(EventCode.MODULE_ONLINE, now, None, {"signal_dbm": meter.signal_dbm})
            self._publish_event(thing.serials[0], online)

    def disconnect(self) -> None:
        pending = [thing.link.disconnect() for thing in self.things.values() if thing.link]
        for disconnected in pending:
            with contextlib.suppress(Exception):  # a link that is gone already is fine here
                disconnected.result(CONNECT_TIMEOUT_SECONDS)

    # --- the loop ----------------------------------------------------------------------------

    def run(self, stop: threading.Event, duration_seconds: float | None = None) -> None:
        self._loop_thread = threading.get_ident()
        ends = None if duration_seconds is None else time.monotonic() + duration_seconds
        while not stop.is_set() and (ends is None or time.monotonic() < ends):
            self.tick()
            stop.wait(self.config.tick_seconds)

    def tick(self) -> None:
        self._run_calls()
        now = self.clock.now()
        for serial, meter in self.meters.items():
            while self._next_report[serial] <= now:
                due = self._next_report[serial]
                self._publish_events(serial, meter.advance(due))
                self._publish_reading(serial)
                self._next_report[serial] = due + timedelta(seconds=self.config.report_seconds)
            self._publish_events(serial, meter.advance(now))
        self._run_commands()

    def call(self, action: Callable[[], Result], timeout: float = 30.0) -> Result:
        """Runs `action` on the loop's thread (where meters may be touched) and returns its result."""
        if self._loop_thread is None or self._loop_thread == threading.get_ident():
            return action()
        done: Future[Result] = Future()
        self._calls.put((action, done))
        return done.result(timeout)

    def type_token(self, serial: str, token: str) -> str:
        """Someone types a token on the meter's keypad; returns what the meter displays (its reason)."""

        def typed() -> str:
            meter = self.meters[serial]
            self._publish_events(serial, meter.advance(self.clock.now()))
            _, reason, events = meter.enter_token(token, meter.clock, via="keypad")
            self._publish_events(serial, events)
            return reason

        return self.call(typed)

    def _run_calls(self) -> None:
        while True:
            try:
                action, done = self._calls.get_nowait()
            except queue.Empty:
                return
            try:
                done.set_result(action())
            except Exception as error:
                done.set_exception(error)

    def _inbox_put(self, thing_id: str, command: CommandMessage) -> None:
        self._inbox.put((thing_id, command))

    def _run_commands(self) -> None:
        while True:
            try:
                thing_id, command = self._inbox.get_nowait()
            except queue.Empty:
                return
            if self.thing_of.get(command.meter) != thing_id:
                continue  # not one of this thing's meters: a concentrator ignores it
            self.stats.commands += 1
            meter = self.meters[command.meter]
            now = self.clock.now()
            self._publish_events(command.meter, meter.advance(now))
            if command.kind is not CommandKind.FIRMWARE_UPGRADE:
                self._publish_ack(command, Execution(AckStatus.RECEIVED))
            answered = self._token_answers.get(command.command_id)
            if answered is not None:  # sent again (our answer was lost): the tokens were taken once already
                self._publish_ack(command, answered)
                continue
            receiver = self._firmware.setdefault(command.meter, FirmwareReceiver())
            execution = execute(meter, command, receiver, now)
            if command.kind in TOKEN_COMMANDS:
                self._token_answers[command.command_id] = execution
                while len(self._token_answers) > REMEMBERED_TOKEN_ANSWERS:
                    self._token_answers.popitem(last=False)
            self._publish_events(command.meter, execution.events)
            self._publish_ack(command, execution)

    # --- uplinks -----------------------------------------------------------------------------

    def link_of(self, serial: str) -> DeviceLink:
        link = self.things[self.thing_of[serial]].link
        if link is None:
            raise RuntimeError("the fleet is not connected")
        return link

    def _publish_reading(self, serial: str) -> None:
        meter = self.meters[serial]
        message = ReadingMessage(msg_id=new_msg_id(), meter=serial, at=meter.clock, registers=meter.periodic_reading())
        self._send(self.link_of(serial).publish(Channel.READING, message))
        self.stats.readings += 1

    def _publish_events(self, serial: str, events: list[SimEvent]) -> None:
        for event in events:
            self._publish_event(serial, event)

    def _publish_event(self, serial: str, event: SimEvent) -> None:
        message = EventMessage(
            msg_id=new_msg_id(), meter=serial, at=event.at, code=event.code, value=event.value, detail=event.detail
        )
        self._send(self.link_of(serial).publish(Channel.EVENT, message))
        self.stats.events += 1

    def _publish_ack(self, command: CommandMessage, execution: Execution) -> None:
        message = AckMessage(
            msg_id=new_msg_id(),
            meter=command.meter,
            at=self.meters[command.meter].clock,
            command_id=command.command_id,
            status=execution.status,
            progress=execution.progress,
            reason=execution.reason,
            result=execution.result,
        )
        self._send(self.link_of(command.meter).publish(Channel.ACK, message))
        self.stats.acks += 1

    def _send(self, published: Future[Any]) -> None:
        def count_failure(done: Future[Any]) -> None:
            if done.exception() is not None:
                self.stats.publish_errors += 1

        published.add_done_callback(count_failure)
