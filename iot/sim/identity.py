"""Who the simulated meters are: serial numbers that are STS meter numbers (DRN), and the decoder key
each is loaded with at the factory, derived from the tenant's vending key. The default vending key is a
published test key for the demo tenant only; a real meter's key never leaves its decoder."""

from __future__ import annotations

from dataclasses import dataclass, field

from gridvend.sts.decoder import MeterDecoderState
from gridvend.sts.keys import MeterKeyIdentity, derive_decoder_key

DEMO_VENDING_KEY_HEX = "ABABABABABABABAB"  # DKGA02 test key: demo and tests only
DRN_DIGITS = 11  # after a 6-digit IIN


@dataclass(frozen=True)
class FleetKeys:
    vending_key: bytes = field(default=bytes.fromhex(DEMO_VENDING_KEY_HEX), repr=False)
    iin: str = "600727"
    sgc: str = "123456"
    ti: int = 1
    krn: int = 1
    key_type: int = 2
    ea: int = 7
    dkga: int = 2
    base_date: int = 2014


def serial_number(prefix: str, index: int) -> str:
    if not prefix.isdigit() or len(prefix) >= DRN_DIGITS:
        raise ValueError(f"the serial prefix is 1-{DRN_DIGITS - 1} digits")
    return f"{prefix}{index:0{DRN_DIGITS - len(prefix)}d}"


def meter_identity(keys: FleetKeys, serial: str) -> MeterKeyIdentity:
    return MeterKeyIdentity(
        iin=keys.iin, drn=serial, key_type=keys.key_type, sgc=keys.sgc, ti=keys.ti, krn=keys.krn,
        base_date=keys.base_date, ea=keys.ea,
    )


def meter_decoder_state(keys: FleetKeys, serial: str, credit_kwh: int) -> MeterDecoderState:
    decoder_key = derive_decoder_key(keys.dkga, keys.vending_key, meter_identity(keys, serial))
    state = MeterDecoderState(
        decoder_key=decoder_key.hex().upper(), ea=keys.ea, base_date=keys.base_date, krn=keys.krn,
        key_type=keys.key_type, ti=keys.ti, sgc=keys.sgc,
    )
    state.credit[0] = credit_kwh * 10
    return state
