"""``python -m gridvend.sts batch``: JSON lines in, one JSON line out per line in, in order.

A bad line (invalid JSON, not an object, unknown op, missing field, bad hex, value out of range) answers
``{"error": "..."}`` and the batch goes on. Blank lines are answered too, so answers pair with requests
by line number. Keys: hex, upper or lower case in, upper case out. Answers never contain a key other
than the ``decoder_key`` a ``decoder_key`` request asks for, and errors never echo a key.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TextIO

from gridvend.sts.errors import AmountOutOfRange, InvalidField, InvalidKey, StsError
from gridvend.sts.keys import MeterKeyIdentity, derive_decoder_key
from gridvend.sts.tid import tid_from_time
from gridvend.sts.token_requests import (
    ClearCreditToken,
    ClearTamperToken,
    CreditToken,
    PhaseUnbalanceLimitToken,
    PowerLimitToken,
    TariffRateToken,
    TokenRequest,
    WaterMeterFactorToken,
)
from gridvend.sts.tokens import class1_token, decode_token, encode_token, key_change_tokens

Request = dict[str, Any]
Answer = dict[str, Any]


def _field(request: Request, name: str) -> Any:
    if name not in request:
        raise InvalidField(f"missing field: {name}")
    return request[name]


def _int(request: Request, name: str, default: int | None = None) -> int:
    if default is not None and name not in request:
        return default
    value = _field(request, name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidField(f"{name} must be an integer")
    return value


def _str(request: Request, name: str) -> str:
    value = _field(request, name)
    if not isinstance(value, str):
        raise InvalidField(f"{name} must be a string")
    return value


def _hex(request: Request, name: str) -> bytes:
    value = _field(request, name)
    if not isinstance(value, str) or len(value) % 2 or not value.isascii():
        raise InvalidKey(f"{name}: bad hex (an even number of hex digits expected)")
    try:
        return bytes.fromhex(value)
    except ValueError:
        raise InvalidKey(f"{name}: bad hex") from None


def _amount(request: Request, name: str = "amount") -> Decimal:
    value = _field(request, name)
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise AmountOutOfRange(f"{name} must be a decimal number or string")
    try:
        return Decimal(value.strip() if isinstance(value, str) else value)
    except InvalidOperation:
        raise AmountOutOfRange(f"{name} must be a decimal number") from None


def _tid(request: Request) -> int:
    if "tid" in request:
        return _int(request, "tid")
    if "time" in request:
        try:
            local_time = datetime.fromisoformat(_str(request, "time"))
        except ValueError:
            raise InvalidField("time must be ISO 8601, e.g. 2004-03-01T13:55") from None
        return tid_from_time(local_time, _int(request, "base_date", 1993))
    raise InvalidField("missing field: tid (or time and base_date)")


def op_decoder_key(request: Request) -> Answer:
    ea = _int(request, "ea", 7)
    identity = MeterKeyIdentity(
        iin=_str(request, "iin"),
        drn=_str(request, "drn"),
        key_type=_int(request, "key_type"),
        sgc=_str(request, "sgc"),
        ti=_int(request, "ti"),
        krn=_int(request, "krn"),
        base_date=_int(request, "base_date", 1993),
        ea=ea,
        key_bits=_int(request, "key_bits", 128 if ea == 11 else 64),
    )
    key = derive_decoder_key(_int(request, "dkga"), _hex(request, "vending_key"), identity)
    return {"decoder_key": key.hex().upper()}


def _token_request(request: Request) -> TokenRequest:
    token_class = _int(request, "class")
    subclass = _int(request, "subclass")
    tid = _tid(request)
    random = _int(request, "random")
    if token_class == 0:
        return CreditToken(subclass, tid, random, _amount(request))
    if token_class != 2:
        raise InvalidField("class must be 0 or 2 (use op class1 for class 1 tokens)")
    if subclass == 0:
        return PowerLimitToken(tid, random, _amount(request))
    if subclass == 1:
        return ClearCreditToken(tid, random, _int(request, "register"))
    if subclass == 2:
        return TariffRateToken(tid, random, _int(request, "rate"))
    if subclass == 5:
        return ClearTamperToken(tid, random)
    if subclass == 6:
        return PhaseUnbalanceLimitToken(tid, random, _amount(request))
    if subclass == 7:
        return WaterMeterFactorToken(tid, random, _int(request, "factor"))
    if subclass in (3, 4, 8, 9):
        raise InvalidField("key change tokens come from op key_change")
    raise InvalidField(f"class 2 subclass {subclass} is not supported")


def op_token(request: Request) -> Answer:
    token_request = _token_request(request)
    return {"token": encode_token(token_request, _hex(request, "decoder_key"), _int(request, "ea"))}


def op_key_change(request: Request) -> Answer:
    rollover = _field(request, "rollover")
    if rollover not in (0, 1):
        raise InvalidField("rollover must be 0 or 1")
    sgc = _str(request, "sgc") if "sgc" in request else None
    tokens = key_change_tokens(
        _hex(request, "old_decoder_key"),
        _hex(request, "new_decoder_key"),
        _int(request, "ea"),
        key_expiry=_int(request, "key_expiry"),
        krn=_int(request, "krn"),
        rollover=bool(rollover),
        key_type=_int(request, "key_type"),
        ti=_int(request, "ti"),
        sgc=sgc,
    )
    return {"tokens": tokens}


def op_class1(request: Request) -> Answer:
    token = class1_token(_int(request, "subclass"), _int(request, "control"), _int(request, "manufacturer"))
    return {"token": token}


def op_decode(request: Request) -> Answer:
    decoded = decode_token(_str(request, "token"), _hex(request, "decoder_key"), _int(request, "ea"))
    return decoded.public_fields()


OPERATIONS: dict[str, Callable[[Request], Answer]] = {
    "decoder_key": op_decoder_key,
    "token": op_token,
    "key_change": op_key_change,
    "class1": op_class1,
    "decode": op_decode,
}


def answer(line: str) -> Answer:
    """The answer to one request line; never raises."""
    if not line.strip():
        return {"error": "empty line: a request is a JSON object"}
    try:
        request = json.loads(line, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        return {"error": f"invalid JSON: {exc.msg} at column {exc.colno}"}
    if not isinstance(request, dict):
        return {"error": "a request is a JSON object"}
    op = request.get("op")
    operation = OPERATIONS.get(op) if isinstance(op, str) else None
    if operation is None:
        return {"error": "missing field: op" if op is None else "unknown op"}
    try:
        return operation(request)
    except StsError as exc:
        return {"error": str(exc)}
    except Exception as exc:  # a bug: name its type only, a message could carry input
        return {"error": f"internal error ({type(exc).__name__})"}


def answers(lines: Iterable[str]) -> Iterator[str]:
    for line in lines:
        yield json.dumps(answer(line))


def run_batch(stdin: TextIO, stdout: TextIO) -> None:
    for line in answers(stdin):
        stdout.write(line + "\n")
        stdout.flush()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args != ["batch"]:
        sys.stderr.write("usage: python -m gridvend.sts batch  (JSON lines on stdin, answers on stdout)\n")
        return 2
    run_batch(sys.stdin, sys.stdout)
    return 0
