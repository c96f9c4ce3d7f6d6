"""The meter side: a decoder that accepts or rejects tokens as a payment meter does.

``MeterDecoder(state).enter(token)`` decodes the token with the meter's key, checks it (CRC, key
expiry, TID used or too old, register overflow), applies it to ``state`` (which it changes in place)
and says what happened. Key change tokens arrive in parts (2 for 64-bit keys, 4 for 128-bit keys,
any order); the new key takes effect when the last part arrives. The state is a plain dataclass of
JSON types: ``dataclasses.asdict(state)`` and ``MeterDecoderState.from_dict`` round-trip it.
"""

from __future__ import annotations

import bisect
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from gridvend.sts.amount import TENTH, to_units
from gridvend.sts.ciphers import key_bytes_for
from gridvend.sts.errors import BadCrc, BadTokenFormat, InvalidField, InvalidKey, UnsupportedToken
from gridvend.sts.tid import BASE_DATES, next_base_date
from gridvend.sts.token_requests import ALL_REGISTERS
from gridvend.sts.tokens import DecodedToken, KeyChangePart, decode_token

TID_MEMORY = 50  # TIDs a meter remembers
CREDIT_REGISTERS = 8  # one per class 0 subclass
CREDIT_LIMIT = 99_999_999  # tenths: a register holds at most 9,999,999.9 kWh (or m3, ...)

Change = str | int | bool


class Reason(StrEnum):
    ACCEPTED = "accepted"
    BAD_FORMAT = "bad format"
    BAD_CRC = "bad CRC or wrong key"
    USED = "TID already used"
    TOO_OLD = "TID too old"
    KEY_EXPIRED = "key expired"
    OVERFLOW = "overflow"
    NOT_SUPPORTED = "not supported by this meter"


@dataclass
class MeterDecoderState:
    """Everything a meter's token decoder keeps. ``decoder_key`` is hex and stays out of repr."""

    decoder_key: str = field(repr=False)
    ea: int = 7
    base_date: int = 1993
    key_expiry: int = 255  # KEN: tokens whose TID's top 8 bits exceed it are rejected
    krn: int = 1
    key_type: int = 2
    ti: int = 1
    recent_tids: list[int] = field(default_factory=list)  # ascending, at most tid_memory of them
    credit: list[int] = field(default_factory=lambda: [0] * CREDIT_REGISTERS)  # tenths, per subclass
    max_power_limit_w: int | None = None
    phase_unbalance_limit_w: int | None = None
    tariff_rate: int | None = None
    water_meter_factor: int | None = None
    tamper: bool = False
    sgc: str | None = None
    pending_key_change: list[dict[str, Any]] = field(default_factory=list, repr=False)
    tid_memory: int = TID_MEMORY
    credit_limit: int = CREDIT_LIMIT

    def __post_init__(self) -> None:
        length = key_bytes_for(self.ea)
        try:
            key = bytes.fromhex(self.decoder_key)
        except (TypeError, ValueError):
            raise InvalidKey("decoder_key must be hex") from None
        if len(key) != length:
            raise InvalidKey(f"a decoder key for EA{self.ea:02d} must be {length} bytes")
        if self.base_date not in BASE_DATES:
            raise InvalidField("base_date must be 1993, 2014 or 2035")
        if len(self.credit) != CREDIT_REGISTERS:
            raise InvalidField(f"credit holds {CREDIT_REGISTERS} registers")

    @property
    def key(self) -> bytes:
        return bytes.fromhex(self.decoder_key)

    def credit_amount(self, subclass: int = 0) -> Decimal:
        """Register ``subclass`` in kWh (m3, ...)."""
        return self.credit[subclass] * TENTH

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready. It holds the decoder key (and any pending key change parts): keep it as a secret."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> MeterDecoderState:
        return cls(**data)


@dataclass(frozen=True)
class TokenOutcome:
    """Whether the meter took the token, why (or why not), and what changed in its state."""

    accepted: bool
    reason: Reason
    changes: dict[str, Change] = field(default_factory=dict)
    decoded: DecodedToken | None = None


def _reject(reason: Reason, decoded: DecodedToken | None = None) -> TokenOutcome:
    return TokenOutcome(False, reason, {}, decoded)


class _Rejected(Exception):
    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.value)
        self.reason = reason


class MeterDecoder:
    """A meter's token decoder over a ``MeterDecoderState`` (changed in place by ``enter``)."""

    def __init__(self, state: MeterDecoderState) -> None:
        self.state = state

    def __repr__(self) -> str:
        s = self.state
        return f"MeterDecoder(ea={s.ea}, krn={s.krn}, ti={s.ti}, key_type={s.key_type}, base_date={s.base_date})"

    def enter(self, token: str) -> TokenOutcome:
        state = self.state
        try:
            decoded = decode_token(token, state.key, state.ea)
        except BadTokenFormat:
            return _reject(Reason.BAD_FORMAT)
        except BadCrc:
            return _reject(Reason.BAD_CRC)
        except UnsupportedToken:
            return _reject(Reason.NOT_SUPPORTED)
        if decoded.token_class == 1:
            changes: dict[str, Change] = {"test_control": decoded.control or 0}
            return TokenOutcome(True, Reason.ACCEPTED, changes, decoded)
        if decoded.key_change is not None:
            return self._key_change(decoded, decoded.key_change)
        tid = decoded.tid if decoded.tid is not None else 0
        if (tid >> 16) > state.key_expiry:
            return _reject(Reason.KEY_EXPIRED, decoded)
        position = bisect.bisect_left(state.recent_tids, tid)
        if position < len(state.recent_tids) and state.recent_tids[position] == tid:
            return _reject(Reason.USED, decoded)
        if len(state.recent_tids) >= state.tid_memory and position == 0:
            return _reject(Reason.TOO_OLD, decoded)
        try:
            changes = self._apply(decoded)
        except _Rejected as rejected:
            return _reject(rejected.reason, decoded)
        state.recent_tids.insert(position, tid)
        del state.recent_tids[: max(0, len(state.recent_tids) - state.tid_memory)]
        return TokenOutcome(True, Reason.ACCEPTED, changes, decoded)

    def _apply(self, decoded: DecodedToken) -> dict[str, Change]:
        state = self.state
        subclass = decoded.subclass
        if decoded.token_class == 0:
            added = to_units(decoded.amount or Decimal(0), TENTH)
            if state.credit[subclass] + added > state.credit_limit:
                raise _Rejected(Reason.OVERFLOW)
            state.credit[subclass] += added
            return {
                "credit_register": subclass,
                "credit_added": str(added * TENTH),
                "credit": str(state.credit_amount(subclass)),
            }
        if subclass == 0:
            state.max_power_limit_w = int(decoded.amount or 0)
            return {"max_power_limit_w": state.max_power_limit_w}
        if subclass == 1:
            register = decoded.register
            if register == ALL_REGISTERS:
                state.credit = [0] * CREDIT_REGISTERS
                return {"credit_cleared": "all"}
            if register is None or register >= CREDIT_REGISTERS:
                raise _Rejected(Reason.NOT_SUPPORTED)
            state.credit[register] = 0
            return {"credit_cleared": register}
        if subclass == 2:
            state.tariff_rate = decoded.value
            return {"tariff_rate": decoded.value or 0}
        if subclass == 5:
            state.tamper = False
            return {"tamper": False}
        if subclass == 6:
            state.phase_unbalance_limit_w = int(decoded.amount or 0)
            return {"phase_unbalance_limit_w": state.phase_unbalance_limit_w}
        if subclass == 7:
            state.water_meter_factor = decoded.value
            return {"water_meter_factor": decoded.value or 0}
        raise _Rejected(Reason.NOT_SUPPORTED)  # pragma: no cover - decode_token refuses the rest

    def _key_change(self, decoded: DecodedToken, part: KeyChangePart) -> TokenOutcome:
        state = self.state
        needed = (1, 2, 3, 4) if key_bytes_for(state.ea) == 16 else (1, 2)
        if part.set_number not in needed:
            return _reject(Reason.NOT_SUPPORTED, decoded)
        pending = {p["set_number"]: p for p in state.pending_key_change}
        pending[part.set_number] = asdict(part)
        if set(pending) != set(needed):
            state.pending_key_change = [pending[n] for n in sorted(pending)]
            changes: dict[str, Change] = {"key_change_parts": f"{len(pending)} of {len(needed)}"}
            return TokenOutcome(True, Reason.ACCEPTED, changes, decoded)
        state.pending_key_change = []
        parts = {n: KeyChangePart(**p) for n, p in pending.items()}
        rollover = bool(parts[1].rollover)
        if rollover and state.base_date == BASE_DATES[-1]:
            return _reject(Reason.NOT_SUPPORTED, decoded)
        if len(needed) == 2:
            new_key = (parts[1].key_part << 32) | parts[2].key_part
        else:
            new_key = (
                (parts[1].key_part << 96) | (parts[4].key_part << 64) | (parts[3].key_part << 32) | parts[2].key_part
            )
            state.sgc = f"{((parts[4].sgc_part or 0) << 12) | (parts[3].sgc_part or 0):06d}"
        state.decoder_key = new_key.to_bytes(key_bytes_for(state.ea), "big").hex().upper()
        state.key_expiry = ((parts[1].key_expiry_nibble or 0) << 4) | (parts[2].key_expiry_nibble or 0)
        state.krn = parts[1].krn or 0
        state.key_type = parts[1].key_type or 0
        state.ti = parts[2].ti or 0
        changes = {
            "key_changed": True,
            "key_expiry": state.key_expiry,
            "krn": state.krn,
            "key_type": state.key_type,
            "ti": state.ti,
        }
        if state.sgc is not None and len(needed) == 4:
            changes["sgc"] = state.sgc
        if rollover:
            state.base_date = next_base_date(state.base_date)
            state.recent_tids = []
            changes["base_date"] = state.base_date
            changes["tids_cleared"] = True
        return TokenOutcome(True, Reason.ACCEPTED, changes, decoded)
