"""Reading requests: JSON bodies into pydantic models, query parameters, opaque page cursors."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Protocol, TypeVar

from chalice.app import Request
from pydantic import BaseModel, ValidationError

from gridvend.errors import InvalidInput
from gridvend.validation import invalid_input_from

MAX_BODY_BYTES = 1_000_000
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
Model = TypeVar("Model", bound=BaseModel)


def json_object(request: Request) -> dict[str, Any]:
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise InvalidInput.for_field("body", f"larger than {MAX_BODY_BYTES} bytes")
    if not raw.strip():
        raise InvalidInput.for_field("body", "a JSON object is required")
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput.for_field("body", "not valid JSON") from None
    if not isinstance(payload, dict):
        raise InvalidInput.for_field("body", "must be a JSON object")
    return payload


def parse_model(model: type[Model], payload: dict[str, Any], prefix: str = "") -> Model:
    try:
        return model.model_validate(payload)
    except ValidationError as error:
        raise invalid_input_from(error, prefix) from None


def body_as(request: Request, model: type[Model]) -> Model:
    return parse_model(model, json_object(request))


def query(request: Request) -> dict[str, str]:
    return dict(request.query_params or {})


def page_size(params: dict[str, str]) -> int:
    raw = params.get("limit", str(DEFAULT_PAGE_SIZE))
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise InvalidInput.for_field("limit", f"a whole number from 1 to {MAX_PAGE_SIZE}")
    return int(raw)


def encode_cursor(next_key: dict[str, str] | None) -> str | None:
    if next_key is None:
        return None
    return base64.urlsafe_b64encode(json.dumps(next_key, sort_keys=True).encode()).decode().rstrip("=")


def decode_cursor(params: dict[str, str], tenant_prefix: str, partition: str) -> dict[str, str] | None:
    """Accepts only a cursor of this query's partition, inside the caller's tenant."""
    raw = params.get("cursor")
    if not raw:
        return None
    try:
        decoded = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput.for_field("cursor", "not a cursor this list gave out") from None
    if not (
        isinstance(decoded, dict)
        and all(isinstance(key, str) and isinstance(value, str) for key, value in decoded.items())
        and partition in decoded.values()
        and all(value.startswith(tenant_prefix) for key, value in decoded.items() if key.endswith("pk"))
    ):
        raise InvalidInput.for_field("cursor", "not a cursor this list gave out")
    return decoded


class MeterRecords(Protocol):
    """A repository that lists one meter's records (vends, engineering tokens, refunds) newest first."""

    def meter_partition(self, serial: str) -> str: ...

    def of_meter(
        self, serial: str, *, limit: int, start_key: dict[str, str] | None
    ) -> tuple[list[dict[str, Any]], dict[str, str] | None]: ...


def meter_page(params: dict[str, str], tenant_prefix: str, records: MeterRecords, serial: str) -> dict[str, Any]:
    """One page of a meter's records (`limit`, `cursor` from the query), with the cursor of the next."""
    start = decode_cursor(params, tenant_prefix, records.meter_partition(serial))
    items, next_key = records.of_meter(serial, limit=page_size(params), start_key=start)
    return {"items": items, "next_cursor": encode_cursor(next_key)}
