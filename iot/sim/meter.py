"""One simulated prepaid meter: energy registers per TOU rate, load, voltage and current, a credit
register that consumption drains, a relay that opens at zero credit (unless forced on), alarms, events,
and the STS decoder that takes tokens typed on the keypad or delivered remotely.

The meter lives on simulated time: `advance(now)` integrates consumption up to `now` in steps of at
most a simulated minute, so crossings (low credit, zero credit, overload) carry the moment they happen.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum

from gridvend.iot import obis
from gridvend.iot.messages import EventCode
from gridvend.sts.decoder import MeterDecoder, MeterDecoderState, TokenOutcome
from iot.sim.load import LoadProfile

STEP = timedelta(minutes=1)
WH_PER_TENTH = 100  # the STS credit register counts 0.1 kWh
OVERLOAD_LOCKOUT = timedelta(minutes=5)
NOMINAL_VOLTS = 230.0
POWER_FACTOR = 0.95
# Default TOU scheme: (minute of day it starts, rate 1..4), in order.
DEFAULT_TOU = ((0, 1), (6 * 60, 2), (18 * 60, 3), (22 * 60, 1))


class RelayMode(StrEnum):
    PREPAYMENT = "prepayment"  # opens at zero credit
    FORCED_ON = "forced_on"  # stays closed; credit may go below zero
    FORCED_OFF = "forced_off"  # stays open until connected or back in prepayment mode


RELAY_MODE_CODES = {RelayMode.PREPAYMENT: 0, RelayMode.FORCED_ON: 1, RelayMode.FORCED_OFF: 2}


@dataclass(frozen=True)
class SimEvent:
    code: EventCode
    at: datetime
    value: str | int | float | bool | None = None
    detail: dict[str, str | int | float | bool | None] = field(default_factory=dict)


@dataclass(frozen=True)
class FaultRates:
    """How often, per simulated day, the world does something to a meter (0: never)."""

    outages: float = 0.0
    cover_openings: float = 0.0
    tampering: float = 0.0


OUTAGE_MINUTES = (5, 90)
COVER_OPEN_MINUTES = 10


@dataclass
class MeterSettings:
    alarm_1_kwh: Decimal = Decimal("5")
    alarm_2_kwh: Decimal = Decimal("1")
    hoarding_limit_kwh: Decimal | None = None
    power_threshold_w: int | None = None
    ct_ratio: int = 1
    pt_ratio: int = 1
    prices: dict[int, Decimal] = field(default_factory=dict)  # rate -> price per kWh
    tou: tuple[tuple[int, int], ...] = DEFAULT_TOU
    passwords: dict[int, str] = field(default_factory=dict, repr=False)  # level -> password
    firmware_version: int = 100


class SimMeter:
    def __init__(
        self,
        serial: str,
        decoder_state: MeterDecoderState,
        load: LoadProfile,
        start: datetime,
        seed: int = 0,
        settings: MeterSettings | None = None,
        faults: FaultRates | None = None,
    ) -> None:
        self.serial = serial
        self.decoder = MeterDecoder(decoder_state)
        self.load = load
        self.settings = settings or MeterSettings()
        self.rng = random.Random(seed)
        self.clock = start
        self.imported_wh = [0.0] * (obis.TOU_RATES + 1)  # index 0 unused: rates are 1..4
        self.exported_wh = [0.0] * (obis.TOU_RATES + 1)
        self.drawn_wh = 0.0  # consumed since the credit register last dropped a tenth
        self.mode = RelayMode.PREPAYMENT
        self.remote_open = False
        self.powered = True
        self.tripped_until: datetime | None = None
        self.relay_closed = self.credit_wh > 0
        self.power_w = 0.0
        self.volts = NOMINAL_VOLTS
        self.signal_dbm = -60 - self.rng.randint(0, 40)
        self.faults = faults or FaultRates()
        self._power_back_at: datetime | None = None
        self._cover_closes_at: datetime | None = None
        self._alarm_level = self._level_for(self.credit_wh)

    def __repr__(self) -> str:
        relay = "closed" if self.relay_closed else "open"
        return f"SimMeter({self.serial}, credit={self.credit_kwh} kWh, relay={relay})"

    # --- state as a meter shows it -----------------------------------------------------------

    @property
    def credit_wh(self) -> float:
        return self.decoder.state.credit[0] * WH_PER_TENTH - self.drawn_wh

    @property
    def credit_kwh(self) -> Decimal:
        return (Decimal(self.credit_wh) / 1000).quantize(Decimal("0.001"))

    def active_rate(self, moment: datetime) -> int:
        minute = moment.hour * 60 + moment.minute
        rate = self.settings.tou[-1][1]
        for start, segment_rate in self.settings.tou:
            if minute >= start:
                rate = segment_rate
        return rate

    def values(self) -> dict[str, Decimal]:
        """Every data item the meter can answer for, by OBIS code, in wire units."""
        kwh = Decimal("0.001")
        current = self.power_w / (self.volts * POWER_FACTOR) if self.volts > 0 else 0.0
        found: dict[str, Decimal] = {
            obis.ACTIVE_IMPORT: (Decimal(sum(self.imported_wh)) / 1000).quantize(kwh),
            obis.ACTIVE_EXPORT: (Decimal(sum(self.exported_wh)) / 1000).quantize(kwh),
            obis.ACTIVE_POWER: Decimal(round(self.power_w)),
            obis.VOLTAGE_L1: Decimal(str(round(self.volts, 1))),
            obis.CURRENT_L1: Decimal(str(round(current, 3))),
            obis.POWER_FACTOR: Decimal("0.950"),
            obis.FREQUENCY: Decimal("50.00"),
            obis.CREDIT: self.credit_kwh,
            obis.RELAY_STATE: Decimal(1 if self.relay_closed else 0),
            obis.RELAY_MODE: Decimal(RELAY_MODE_CODES[self.mode]),
            obis.ACTIVE_TARIFF: Decimal(self.active_rate(self.clock)),
            obis.SIGNAL_STRENGTH: Decimal(self.signal_dbm),
            obis.FIRMWARE_VERSION: Decimal(self.settings.firmware_version),
            obis.CLOCK: Decimal(int(self.clock.timestamp())),
            obis.ALARM_AMOUNT_1: self.settings.alarm_1_kwh,
            obis.ALARM_AMOUNT_2: self.settings.alarm_2_kwh,
            obis.CT_RATIO: Decimal(self.settings.ct_ratio),
            obis.PT_RATIO: Decimal(self.settings.pt_ratio),
        }
        for rate in range(1, obis.TOU_RATES + 1):
            found[obis.import_rate(rate)] = (Decimal(self.imported_wh[rate]) / 1000).quantize(kwh)
            found[obis.export_rate(rate)] = (Decimal(self.exported_wh[rate]) / 1000).quantize(kwh)
        if self.settings.power_threshold_w is not None:
            found[obis.POWER_THRESHOLD] = Decimal(self.settings.power_threshold_w)
        if self.settings.hoarding_limit_kwh is not None:
            found[obis.HOARDING_LIMIT] = self.settings.hoarding_limit_kwh
        return found

    def periodic_reading(self) -> dict[str, Decimal]:
        values = self.values()
        return {code: values[code] for code in (*obis.PERIODIC_READING, obis.SIGNAL_STRENGTH)}

    # --- time passing ------------------------------------------------------------------------

    def advance(self, now: datetime) -> list[SimEvent]:
        events: list[SimEvent] = []
        while self.clock < now:
            step_end = min(now, self.clock + STEP)
            events += self._step(self.clock, step_end)
            self.clock = step_end
        return events

    def _step(self, start: datetime, end: datetime) -> list[SimEvent]:
        events: list[SimEvent] = self._faults(start, end)
        if self.tripped_until is not None and start >= self.tripped_until:
            self.tripped_until = None
            events += self.settle(start, "overload lockout over")
        hours = (end - start).total_seconds() / 3600
        demand = self.load.demand_watts(start, self.rng) if self.powered else 0.0
        solar = self.load.solar_watts(start) if self.powered else 0.0
        threshold = self.settings.power_threshold_w
        if self.relay_closed and threshold is not None and demand > threshold:
            self.tripped_until = start + OVERLOAD_LOCKOUT
            events.append(SimEvent(EventCode.OVERLOAD, start, round(demand), {"threshold_w": threshold}))
            events += self.settle(start, "overload")
        drawn = demand if self.relay_closed else 0.0
        net_watts = drawn - solar
        self.power_w = max(net_watts, 0.0)
        self.volts = NOMINAL_VOLTS + self.rng.uniform(-3, 3) if self.powered else 0.0
        rate = self.active_rate(start)
        if net_watts < 0:
            self.exported_wh[rate] += -net_watts * hours
            return events
        energy_wh = net_watts * hours
        if self.mode is RelayMode.PREPAYMENT and energy_wh >= self.credit_wh > 0:
            energy_wh = self.credit_wh  # the relay opens the moment credit runs out
        self.imported_wh[rate] += energy_wh
        self._drain(energy_wh)
        return events + self._alarms(end)

    def _drain(self, energy_wh: float) -> None:
        self.drawn_wh += energy_wh
        tenths, self.drawn_wh = divmod(self.drawn_wh, WH_PER_TENTH)
        self.decoder.state.credit[0] -= int(tenths)
        if abs(self.credit_wh) < 1e-6:
            self.decoder.state.credit[0], self.drawn_wh = 0, 0.0

    def _level_for(self, credit_wh: float) -> int:
        if credit_wh <= 0:
            return 3
        if credit_wh <= float(self.settings.alarm_2_kwh) * 1000:
            return 2
        if credit_wh <= float(self.settings.alarm_1_kwh) * 1000:
            return 1
        return 0

    def _alarms(self, at: datetime) -> list[SimEvent]:
        level = self._level_for(self.credit_wh)
        events: list[SimEvent] = []
        credit: dict[str, str | int | float | bool | None] = {"credit_kwh": str(self.credit_kwh)}
        if level > self._alarm_level:
            crossed = {1: EventCode.LOW_CREDIT_1, 2: EventCode.LOW_CREDIT_2, 3: EventCode.CREDIT_EXHAUSTED}
            for passed in range(self._alarm_level + 1, level + 1):
                events.append(SimEvent(crossed[passed], at, str(self.credit_kwh), credit))
        self._alarm_level = level
        return events + self.settle(at, "credit")

    def settle(self, at: datetime, reason: str) -> list[SimEvent]:
        """Moves the relay to where mode, credit, remote commands and trips say it belongs."""
        if self.mode is RelayMode.FORCED_OFF:
            wanted = False
        elif self.mode is RelayMode.FORCED_ON:
            wanted = True
        else:
            wanted = not self.remote_open and self.credit_wh > 0 and self.tripped_until is None
        if wanted == self.relay_closed:
            return []
        self.relay_closed = wanted
        if not wanted:
            self.power_w = 0.0
        code = EventCode.RELAY_CLOSED if wanted else EventCode.RELAY_OPEN
        detail: dict[str, str | int | float | bool | None] = {
            "reason": reason, "mode": self.mode.value, "credit_kwh": str(self.credit_kwh)
        }
        return [SimEvent(code, at, None, detail)]

    def _faults(self, start: datetime, end: datetime) -> list[SimEvent]:
        events: list[SimEvent] = []
        share_of_day = (end - start).total_seconds() / 86400
        if self._power_back_at is not None and start >= self._power_back_at:
            self._power_back_at = None
            events += self.power_return(start)
        elif self.powered and self.rng.random() < self.faults.outages * share_of_day:
            self._power_back_at = start + timedelta(minutes=self.rng.randint(*OUTAGE_MINUTES))
            events += self.power_loss(start)
        if self._cover_closes_at is not None and start >= self._cover_closes_at:
            self._cover_closes_at = None
            events.append(SimEvent(EventCode.COVER_CLOSED, start))
        elif self._cover_closes_at is None and self.rng.random() < self.faults.cover_openings * share_of_day:
            self._cover_closes_at = start + timedelta(minutes=COVER_OPEN_MINUTES)
            events.append(SimEvent(EventCode.COVER_OPEN, start))
        if self.rng.random() < self.faults.tampering * share_of_day:
            self.decoder.state.tamper = True
            events.append(SimEvent(EventCode.TAMPER, start, None, {"kind": "magnetic field"}))
        return events

    # --- tokens ------------------------------------------------------------------------------

    def enter_token(self, token: str, at: datetime, via: str) -> tuple[TokenOutcome, str, list[SimEvent]]:
        """A token typed on the keypad or delivered remotely. Returns the decoder's outcome, the reason
        as the meter displays it (including a hoarding-limit refusal) and the events it causes."""
        kept = copy.deepcopy(self.decoder.state)
        outcome = self.decoder.enter(token.replace(" ", "").replace("-", ""))
        reason = outcome.reason.value
        limit = self.settings.hoarding_limit_kwh
        if outcome.accepted and limit is not None and self.credit_wh > float(limit) * 1000:
            self.decoder.state = kept
            reason = "hoarding limit"
        accepted = outcome.accepted and reason == outcome.reason.value
        if accepted and "credit_cleared" in outcome.changes:
            self.drawn_wh = 0.0  # the register is empty: nothing left to draw the next tenth from
        detail: dict[str, str | int | float | bool | None] = {"via": via, "reason": reason}
        if accepted:
            detail.update({name: str(value) for name, value in outcome.changes.items()})
        code = EventCode.TOKEN_ACCEPTED if accepted else EventCode.TOKEN_REJECTED
        events = [SimEvent(code, at, str(self.credit_kwh), detail)]
        self._alarm_level = self._level_for(self.credit_wh)
        return outcome, reason, events + self.settle(at, "token")

    # --- the outside world -------------------------------------------------------------------

    def power_loss(self, at: datetime) -> list[SimEvent]:
        if not self.powered:
            return []
        self.powered = False
        return [SimEvent(EventCode.POWER_OFF, at)]

    def power_return(self, at: datetime) -> list[SimEvent]:
        if self.powered:
            return []
        self.powered = True
        return [SimEvent(EventCode.POWER_ON, at)]
