"""Converts validated archive input to its stored form and back: money to integer minor units,
other decimals to exact strings."""

from __future__ import annotations

import typing
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from gridvend.archives.fields import MoneyMarker
from gridvend.errors import InvalidInput
from gridvend.money import from_minor, has_at_most_decimals, to_minor


def _is_money(info: FieldInfo) -> bool:
    if any(isinstance(item, MoneyMarker) for item in info.metadata):
        return True
    # `Money | None` keeps the marker inside the Annotated member of the union.
    return any(
        isinstance(extra, MoneyMarker)
        for member in typing.get_args(info.annotation)
        for extra in typing.get_args(member)[1:]
    )


def _nested_model(info: FieldInfo) -> type[BaseModel] | None:
    annotation = info.annotation
    for candidate in (annotation, *getattr(annotation, "__args__", ())):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def to_stored(model: BaseModel, decimals: int, path: str = "") -> dict[str, Any]:
    stored: dict[str, Any] = {}
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        field_path = f"{path}{name}"
        stored[name] = _value_to_stored(value, info, decimals, field_path)
    return stored


def _value_to_stored(value: Any, info: FieldInfo, decimals: int, field_path: str) -> Any:
    if value is None:
        return None
    if isinstance(value, BaseModel):
        return to_stored(value, decimals, f"{field_path}.")
    if isinstance(value, list):
        return [
            _value_to_stored(element, info, decimals, f"{field_path}[{position}]")
            for position, element in enumerate(value)
        ]
    if isinstance(value, Decimal):
        if _is_money(info):
            if not has_at_most_decimals(value, decimals):
                raise InvalidInput.for_field(field_path, f"at most {decimals} decimal places")
            return to_minor(value, decimals)
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def from_stored(schema: type[BaseModel], stored: dict[str, Any], decimals: int) -> dict[str, Any]:
    shown: dict[str, Any] = {}
    for name, info in schema.model_fields.items():
        if name in stored:
            shown[name] = _value_from_stored(stored[name], info, decimals)
    return shown


def _value_from_stored(value: Any, info: FieldInfo, decimals: int) -> Any:
    if value is None:
        return None
    nested = _nested_model(info)
    if isinstance(value, list):
        return [_value_from_stored(element, info, decimals) for element in value]
    if isinstance(value, dict) and nested is not None:
        return from_stored(nested, value, decimals)
    if _is_money(info) and isinstance(value, int | float):
        return str(from_minor(int(value), decimals))
    return value
