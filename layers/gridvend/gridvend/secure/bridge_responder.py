"""The agent's side of the bridge: answer one BridgeRequest with the office's own secure module.

Failures become error codes with operator-readable messages. A failure this module does not know
is answered with its type name only, since its message could hold anything.
"""

from __future__ import annotations

import logging

from pydantic import JsonValue

from gridvend.secure import bridge_codec as codec
from gridvend.secure.bridge_messages import (
    BridgeError,
    BridgeErrorCode,
    BridgeOperation,
    BridgeRequest,
    BridgeResponse,
    ErrorKey,
)
from gridvend.secure.errors import BridgeRequestInvalid, SecureModuleFailure, VendingKeyNotFound, WrongOffice
from gridvend.secure.interface import DEFAULT_KEY_EXPIRY, SecureModule
from gridvend.secure.key_file import parse_key_file
from gridvend.sts.errors import StsError

logger = logging.getLogger(__name__)


class BridgeResponder:
    def __init__(self, module: SecureModule, tenant: str, office: str) -> None:
        self._module = module
        self._tenant = tenant
        self._office = office

    def __repr__(self) -> str:
        return f"BridgeResponder(tenant={self._tenant!r}, office={self._office!r})"

    def answer(self, request: BridgeRequest) -> BridgeResponse:
        try:
            if (request.tenant, request.office) != (self._tenant, self._office):
                raise WrongOffice(
                    f"this agent serves office {self._office} of tenant {self._tenant}, "
                    f"not office {request.office} of tenant {request.tenant}"
                )
            return BridgeResponse.success(request.correlation_id, self._perform(request.op, request.args))
        except Exception as failure:
            context = {"op": request.op.value, "correlation_id": request.correlation_id}
            logger.warning("secure module operation failed", extra={**context, "failure": type(failure).__name__})
            return BridgeResponse.failure(request.correlation_id, bridge_error_for(failure))

    def _perform(self, operation: BridgeOperation, args: dict[str, JsonValue]) -> JsonValue:
        module = self._module
        if operation is BridgeOperation.LOAD_KEY_FILE:
            key_file = parse_key_file(codec.text_from_json(args.get("key_file"), "key_file"))
            return [codec.to_json(info) for info in module.load_key_file(key_file)]
        if operation is BridgeOperation.LIST_KEYS:
            return [codec.to_json(info) for info in module.list_keys()]
        if operation is BridgeOperation.SET_CURRENT_KEY:
            return codec.to_json(module.set_current_key(codec.key_ref_from_json(args.get("key"))))
        if operation is BridgeOperation.DELETE_KEY:
            module.delete_key(codec.key_ref_from_json(args.get("key")))
            return None
        if operation is BridgeOperation.ISSUE_TOKEN:
            meter = codec.meter_from_json(args.get("meter"))
            return module.issue_token(meter, codec.token_request_from_json(args.get("request")))
        if operation is BridgeOperation.KEY_CHANGE:
            key_expiry = args.get("key_expiry", DEFAULT_KEY_EXPIRY)
            if not isinstance(key_expiry, int):
                raise BridgeRequestInvalid("key_expiry must be an integer")
            old_meter = codec.meter_from_json(args.get("old_meter"), "old_meter")
            new_meter = codec.meter_from_json(args.get("new_meter"), "new_meter")
            return list(module.key_change(old_meter, new_meter, key_expiry))
        meter = codec.meter_from_json(args.get("meter"))
        return codec.to_json(module.decode_token(meter, codec.text_from_json(args.get("token"), "token")))


def bridge_error_for(failure: Exception) -> BridgeError:
    if isinstance(failure, VendingKeyNotFound):
        return BridgeError(
            code=BridgeErrorCode.KEY_NOT_FOUND, message=failure.detail, key=ErrorKey(sgc=failure.sgc, krn=failure.krn)
        )
    if isinstance(failure, SecureModuleFailure):
        known = failure.code in BridgeErrorCode.__members__
        code = BridgeErrorCode(failure.code) if known else BridgeErrorCode.MODULE_FAILURE
        return BridgeError(code=code, message=failure.detail)
    if isinstance(failure, StsError):
        # The STS engine's messages name the field and the rule, never a value or a key.
        return BridgeError(code=BridgeErrorCode.INVALID_REQUEST, message=str(failure))
    return BridgeError(code=BridgeErrorCode.MODULE_FAILURE, message=f"internal failure ({type(failure).__name__})")
