"""The office's secure module on its serial line, as a SecureModule.

Every SecureModule call becomes one framed request; the module's failures come back as the same
error types (through the bridge codec), and a silent or unplugged module as SecureModuleUnavailable.
"""

from __future__ import annotations

from pydantic import JsonValue

from gridvend.secure.bridge_messages import BridgeRequest, BridgeResponse
from gridvend.secure.bridge_module import BridgeSecureModule
from gridvend.secure.errors import SecureModuleFailure, SecureModuleUnavailable
from gridvend_bridge import module_protocol
from gridvend_bridge.serial_link import ModuleLink, ModuleLinkDown

# The module does not know tenants or offices; the agent checked those before it got here.
_LINE_ADDRESS = "serial"


class SerialSecureModule(BridgeSecureModule):
    def __init__(self, link: ModuleLink) -> None:
        super().__init__(self._over_serial, _LINE_ADDRESS, _LINE_ADDRESS)
        self._link = link

    def __repr__(self) -> str:
        return f"SerialSecureModule({self._link!r})"

    def module_info(self) -> dict[str, JsonValue]:
        """The module's identity and state: module_id, firmware, number of keys."""
        result, error = module_protocol.decode_answer(self._exchange(module_protocol.MODULE_INFO, {}))
        if error is not None or not isinstance(result, dict):
            raise SecureModuleFailure("the secure module did not describe itself")
        return result

    def close(self) -> None:
        self._link.close()

    def _over_serial(self, request: BridgeRequest) -> BridgeResponse:
        result, error = module_protocol.decode_answer(self._exchange(request.op.value, request.args))
        if error is not None:
            return BridgeResponse.failure(request.correlation_id, error)
        return BridgeResponse.success(request.correlation_id, result)

    def _exchange(self, op: str, args: dict[str, JsonValue]) -> bytes:
        try:
            return self._link.call(module_protocol.encode_request(op, args))
        except ModuleLinkDown as failure:
            raise SecureModuleUnavailable(str(failure)) from None
