"""JSON forms of what crosses the bridge: meter identities, token requests, key descriptions,
token readings. Decoding validates; a bad value raises BridgeRequestInvalid naming the field."""

from __future__ import annotations

from typing import Any, TypeVar, get_args

from pydantic import JsonValue, TypeAdapter, ValidationError

from gridvend.secure.errors import BridgeRequestInvalid
from gridvend.secure.token_reading import TokenReading
from gridvend.secure.vending_key import KeyRef, VendingKeyInfo
from gridvend.sts.keys import MeterKeyIdentity
from gridvend.sts.token_requests import TokenRequest

T = TypeVar("T")

TOKEN_REQUEST_KINDS: dict[str, type[Any]] = {kind.__name__: kind for kind in get_args(TokenRequest)}
_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def _adapter(kind: type[T]) -> TypeAdapter[T]:
    if kind not in _ADAPTERS:
        _ADAPTERS[kind] = TypeAdapter(kind)
    return _ADAPTERS[kind]


def to_json(value: Any) -> JsonValue:
    encoded: JsonValue = _adapter(type(value)).dump_python(value, mode="json")
    return encoded


def from_json(kind: type[T], value: JsonValue, field: str) -> T:
    try:
        return _adapter(kind).validate_python(value)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc']) or field}: {problem['msg']}"
            for problem in error.errors(include_input=False, include_url=False, include_context=False)
        )
        raise BridgeRequestInvalid(f"{field} is invalid: {problems}") from None


def meter_from_json(value: JsonValue, field: str = "meter") -> MeterKeyIdentity:
    return from_json(MeterKeyIdentity, value, field)


def key_ref_from_json(value: JsonValue, field: str = "key") -> KeyRef:
    return from_json(KeyRef, value, field)


def key_infos_from_json(value: JsonValue) -> list[VendingKeyInfo]:
    return from_json(list[VendingKeyInfo], value, "result")


def reading_from_json(value: JsonValue) -> TokenReading:
    return from_json(TokenReading, value, "result")


def token_request_to_json(request: TokenRequest) -> JsonValue:
    encoded = to_json(request)
    assert isinstance(encoded, dict)
    return {"kind": type(request).__name__, **encoded}


def token_request_from_json(value: JsonValue, field: str = "request") -> TokenRequest:
    if not isinstance(value, dict) or value.get("kind") not in TOKEN_REQUEST_KINDS:
        raise BridgeRequestInvalid(f"{field}.kind must be one of {sorted(TOKEN_REQUEST_KINDS)}")
    fields = {name: item for name, item in value.items() if name != "kind"}
    request: TokenRequest = from_json(TOKEN_REQUEST_KINDS[str(value["kind"])], fields, field)
    return request


def text_from_json(value: JsonValue, field: str) -> str:
    if not isinstance(value, str):
        raise BridgeRequestInvalid(f"{field} must be text")
    return value


def tokens_from_json(value: JsonValue) -> list[str]:
    if not (isinstance(value, list) and all(isinstance(token, str) for token in value)):
        raise BridgeRequestInvalid("result must be a list of tokens")
    return [str(token) for token in value]
