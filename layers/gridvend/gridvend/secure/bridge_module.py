"""The bridge secure module: each call goes to an office's bridge agent and back.

The transport (MQTT in production, a function call in tests) takes a BridgeRequest and returns
its BridgeResponse; it raises TimeoutError (or BridgeTimeout) when no answer comes in time.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable

from pydantic import JsonValue

from gridvend.secure import bridge_codec as codec
from gridvend.secure import errors
from gridvend.secure.bridge_messages import BridgeError, BridgeOperation, BridgeRequest, BridgeResponse
from gridvend.secure.interface import DEFAULT_KEY_EXPIRY
from gridvend.secure.key_file import KeyFile
from gridvend.secure.token_reading import TokenReading
from gridvend.secure.vending_key import KeyRef, VendingKeyInfo
from gridvend.sts.keys import MeterKeyIdentity
from gridvend.sts.token_requests import TokenRequest

BridgeTransport = Callable[[BridgeRequest], BridgeResponse]

_ERRORS_BY_CODE: dict[str, type[errors.SecureModuleFailure]] = {
    error_type.code: error_type
    for error_type in (
        errors.SecureModuleFailure,
        errors.SecureModuleUnavailable,
        errors.KeyNotPermitted,
        errors.KeyFileInvalid,
        errors.TokenRejected,
        errors.BridgeRequestInvalid,
        errors.WrongOffice,
    )
}


class BridgeSecureModule:
    def __init__(
        self,
        transport: BridgeTransport,
        tenant: str,
        office: str,
        new_correlation_id: Callable[[], str] = lambda: uuid.uuid4().hex,
    ) -> None:
        self._transport = transport
        self._tenant = tenant
        self._office = office
        self._new_correlation_id = new_correlation_id

    def __repr__(self) -> str:
        return f"BridgeSecureModule(tenant={self._tenant!r}, office={self._office!r})"

    def load_key_file(self, key_file: KeyFile) -> list[VendingKeyInfo]:
        if key_file.has_plaintext_keys:
            raise errors.KeyFileInvalid("key files with plain vending keys never travel over the bridge")
        result = self._call(BridgeOperation.LOAD_KEY_FILE, {"key_file": key_file.to_json()})
        return codec.key_infos_from_json(result)

    def list_keys(self) -> list[VendingKeyInfo]:
        return codec.key_infos_from_json(self._call(BridgeOperation.LIST_KEYS, {}))

    def set_current_key(self, ref: KeyRef) -> VendingKeyInfo:
        result = self._call(BridgeOperation.SET_CURRENT_KEY, {"key": codec.to_json(ref)})
        return codec.from_json(VendingKeyInfo, result, "result")

    def delete_key(self, ref: KeyRef) -> None:
        self._call(BridgeOperation.DELETE_KEY, {"key": codec.to_json(ref)})

    def issue_token(self, meter: MeterKeyIdentity, request: TokenRequest) -> str:
        args = {"meter": codec.to_json(meter), "request": codec.token_request_to_json(request)}
        return codec.text_from_json(self._call(BridgeOperation.ISSUE_TOKEN, args), "result")

    def key_change(
        self, old_meter: MeterKeyIdentity, new_meter: MeterKeyIdentity, key_expiry: int = DEFAULT_KEY_EXPIRY
    ) -> list[str]:
        args = {"old_meter": codec.to_json(old_meter), "new_meter": codec.to_json(new_meter), "key_expiry": key_expiry}
        return codec.tokens_from_json(self._call(BridgeOperation.KEY_CHANGE, args))

    def decode_token(self, meter: MeterKeyIdentity, token: str) -> TokenReading:
        args = {"meter": codec.to_json(meter), "token": token}
        return codec.reading_from_json(self._call(BridgeOperation.DECODE_TOKEN, args))

    def _call(self, operation: BridgeOperation, args: dict[str, JsonValue]) -> JsonValue:
        request = BridgeRequest(
            op=operation,
            args=args,
            correlation_id=self._new_correlation_id(),
            office=self._office,
            tenant=self._tenant,
        )
        try:
            response = self._transport(request)
        except TimeoutError:
            raise errors.BridgeTimeout(self._office, operation.value, request.correlation_id) from None
        if response.correlation_id != request.correlation_id:
            raise errors.BridgeFailure(
                f"the bridge agent of office {self._office} answered correlation id "
                f"{response.correlation_id} to {request.correlation_id}"
            )
        if response.error is not None:
            raise _error_from(response.error)
        return response.result


def _error_from(error: BridgeError) -> errors.SecureModuleFailure:
    if error.code == "KEY_NOT_FOUND" and error.key is not None:
        return errors.VendingKeyNotFound(error.key.sgc, error.key.krn)
    error_type = _ERRORS_BY_CODE.get(error.code, errors.BridgeFailure)
    return error_type(error.message or f"the bridge agent answered {error.code}")
