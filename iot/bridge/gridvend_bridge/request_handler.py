"""One request from the cloud in, one answer out: secure module operations go to the office's
module through the BridgeResponder; printer and card requests to their devices.

Only requests addressed to this agent's tenant and office are carried out. A request that changed
something at the office is answered once: its answer is kept in the journal (with the event the
cloud must hear of) and given again if the same correlation id comes back. Failures are not kept,
so a retry after one tries again. Logs name the operation, the correlation id and the outcome only.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

from pydantic import JsonValue, ValidationError

from gridvend.iot.bridge_cards import CardRead, PurchaseWrite
from gridvend.iot.bridge_devices import (
    DeviceErrorCode,
    DeviceOperation,
    DeviceRequest,
    DeviceResponse,
    Voucher,
    is_device_operation,
)
from gridvend.secure.bridge_messages import BridgeError, BridgeErrorCode, BridgeOperation, BridgeRequest, BridgeResponse
from gridvend.secure.bridge_responder import BridgeResponder
from gridvend_bridge.device_actions import DeviceFailure, OfficeDevices
from gridvend_bridge.journal import Journal

logger = logging.getLogger(__name__)

# Secure module operations whose answers are kept: they make tokens or change the module's keys.
_KEPT_MODULE_OPERATIONS = frozenset(
    {
        BridgeOperation.ISSUE_TOKEN,
        BridgeOperation.KEY_CHANGE,
        BridgeOperation.LOAD_KEY_FILE,
        BridgeOperation.SET_CURRENT_KEY,
        BridgeOperation.DELETE_KEY,
    }
)
_INVALID_CORRELATION = "invalid"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}")


@dataclass(frozen=True)
class Answer:
    correlation_id: str
    body: str  # the answer's JSON
    ok: bool
    replayed: bool = False


class RequestHandler:
    def __init__(self, tenant: str, office: str, devices: OfficeDevices, journal: Journal) -> None:
        self._tenant = tenant
        self._office = office
        self._devices = devices
        self._journal = journal
        self._responder = BridgeResponder(devices.secure_module(), tenant, office)

    def __repr__(self) -> str:
        return f"RequestHandler(tenant={self._tenant!r}, office={self._office!r})"

    def handle(self, payload: bytes) -> Answer:
        try:
            message = json.loads(payload.decode())
        except ValueError:
            return self._invalid(_INVALID_CORRELATION, "the request is not JSON")
        if not isinstance(message, dict):
            return self._invalid(_INVALID_CORRELATION, "the request is not a JSON object")
        correlation_id = message.get("correlation_id")
        correlation = correlation_id if isinstance(correlation_id, str) else _INVALID_CORRELATION
        op = message.get("op")
        if isinstance(op, str) and op in BridgeOperation.__members__.values():
            return self._module_request(message, correlation)
        if is_device_operation(op):
            return self._device_request(message, correlation)
        return self._invalid(correlation, "op must be a secure module, printer or card operation")

    def _module_request(self, message: dict[str, JsonValue], correlation: str) -> Answer:
        try:
            request = BridgeRequest.model_validate(message)
        except ValidationError as error:
            return self._invalid(correlation, _fields_of(error))
        kept = request.op in _KEPT_MODULE_OPERATIONS
        if kept and (replay := self._replay(request.correlation_id)) is not None:
            return replay
        response = self._responder.answer(request)
        body = response.model_dump_json()
        if kept and response.ok:
            self._journal.record(request.correlation_id, request.op.value, body)
        _log(request.op.value, request.correlation_id, response.error.code if response.error else None)
        return Answer(request.correlation_id, body, response.ok)

    def _device_request(self, message: dict[str, JsonValue], correlation: str) -> Answer:
        try:
            request = DeviceRequest.model_validate(message)
        except ValidationError as error:
            return self._invalid(correlation, _fields_of(error))
        if (request.tenant, request.office) != (self._tenant, self._office):
            response = DeviceResponse.failed(
                request.correlation_id,
                DeviceErrorCode.WRONG_OFFICE,
                f"this agent serves office {self._office} of tenant {self._tenant}",
            )
            _log(request.op.value, request.correlation_id, DeviceErrorCode.WRONG_OFFICE)
            return Answer(request.correlation_id, response.model_dump_json(), False)
        if request.op is not DeviceOperation.DEVICE_STATUS and (replay := self._replay(request.correlation_id)):
            return replay
        try:
            result, event = self._perform(request)
        except DeviceFailure as failure:
            response = DeviceResponse.failed(request.correlation_id, failure.code, failure.message)
            _log(request.op.value, request.correlation_id, failure.code)
            return Answer(request.correlation_id, response.model_dump_json(), False)
        body = DeviceResponse.success(request.correlation_id, result).model_dump_json()
        if event is not None:
            event_body: dict[str, JsonValue] = {"correlation_id": request.correlation_id, **event[1]}
            self._journal.record(request.correlation_id, request.op.value, body, (event[0], event_body))
        _log(request.op.value, request.correlation_id, None)
        return Answer(request.correlation_id, body, True)

    def _perform(self, request: DeviceRequest) -> tuple[JsonValue, tuple[str, dict[str, JsonValue]] | None]:
        devices = self._devices
        try:
            if request.op is DeviceOperation.PRINT_VOUCHER:
                voucher = Voucher.model_validate(request.args.get("voucher"))
                printed = devices.print_voucher(voucher)
                return printed, ("voucher_printed", {"voucher": voucher.model_dump(mode="json")})
            if request.op is DeviceOperation.READ_CARD:
                return devices.read_card().model_dump(mode="json"), None
            if request.op is DeviceOperation.WRITE_PURCHASE:
                card = devices.write_purchase(PurchaseWrite.model_validate(request.args))
                return _card_written(card, "purchase")
            if request.op is DeviceOperation.MAKE_CARD:
                card = devices.make_card(request.args.get("content"))
                return _card_written(card, "make_card")
            return {"devices": devices.status()}, None
        except ValidationError as error:
            raise DeviceFailure(DeviceErrorCode.INVALID_REQUEST, _fields_of(error)) from None

    def _replay(self, correlation_id: str) -> Answer | None:
        kept = self._journal.answer_for(correlation_id)
        if kept is None:
            return None
        logger.info("request answered again from the journal", extra={"correlation_id": correlation_id})
        return Answer(correlation_id, kept, True, replayed=True)

    def _invalid(self, correlation: str, reason: str) -> Answer:
        body = BridgeResponse.failure(
            correlation if _is_name(correlation) else _INVALID_CORRELATION,
            error=_bridge_error(reason),
        ).model_dump_json()
        _log("invalid", correlation, BridgeErrorCode.INVALID_REQUEST)
        return Answer(correlation, body, False)


def _card_written(card: CardRead, how: str) -> tuple[JsonValue, tuple[str, dict[str, JsonValue]]]:
    written: dict[str, JsonValue] = card.model_dump(mode="json")
    return written, ("card_written", {"how": how, "card": written})


def _bridge_error(reason: str) -> BridgeError:
    return BridgeError(code=BridgeErrorCode.INVALID_REQUEST, message=reason[:1000])


def _fields_of(error: ValidationError) -> str:
    """The invalid fields and the rule each broke, never the values sent."""
    problems = error.errors(include_input=False, include_url=False, include_context=False)
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'request'}: {problem['msg']}" for problem in problems
    )


def _is_name(text: str) -> bool:
    return bool(_NAME.fullmatch(text))


def _log(op: str, correlation_id: str, failure_code: str | None) -> None:
    context = {"op": op, "correlation_id": correlation_id[:64], "outcome": failure_code or "ok"}
    logger.info("request handled", extra=context)
