"""The secure module's and the other devices' answers share one envelope; only their error types differ."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from gridvend.iot.bridge_devices import DeviceErrorCode, DeviceResponse
from gridvend.secure.bridge_messages import BridgeError, BridgeErrorCode, BridgeResponse


def test_both_answers_have_the_same_wire_shape() -> None:
    module_answer = BridgeResponse.failure("c-1", BridgeError(code=BridgeErrorCode.MODULE_UNAVAILABLE, message="x"))
    device_answer = DeviceResponse.failed("c-1", DeviceErrorCode.PRINTER_UNAVAILABLE, "x")

    assert module_answer.model_dump().keys() == device_answer.model_dump().keys()
    assert BridgeResponse.success("c-2", ["t"]).model_dump() == DeviceResponse.success("c-2", ["t"]).model_dump()


def test_each_answer_takes_only_its_own_error_codes() -> None:
    device_error = DeviceResponse.failed("c-3", DeviceErrorCode.CARD_ABSENT).model_dump(mode="json")

    with pytest.raises(ValidationError):
        BridgeResponse.model_validate(device_error)
    assert DeviceResponse.model_validate(device_error).error is not None


def test_an_answer_is_ok_with_a_result_or_failed_with_an_error() -> None:
    with pytest.raises(ValidationError):
        DeviceResponse.model_validate({"correlation_id": "c-4", "ok": True, "error": {"code": "CARD_ABSENT"}})
    with pytest.raises(ValidationError):
        BridgeResponse.model_validate({"correlation_id": "c-5", "ok": False})
