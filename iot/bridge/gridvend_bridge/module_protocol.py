"""What travels inside the serial frames: JSON requests {op, args} and answers {ok, result} or
{ok: false, error: {code, message, key}}. The operations are the bridge's secure module operations
plus MODULE_INFO (the module's identity and state). No key material crosses the line: key files
travel wrapped, as they do over the bridge.
"""

from __future__ import annotations

import json

from pydantic import JsonValue

from gridvend.secure.bridge_messages import BridgeError, BridgeErrorCode

MODULE_INFO = "module_info"


def encode_request(op: str, args: dict[str, JsonValue]) -> bytes:
    return json.dumps({"op": op, "args": args}, separators=(",", ":")).encode()


def decode_request(payload: bytes) -> tuple[str, dict[str, JsonValue]]:
    """(op, args); ValueError when the payload is not a request."""
    message = json.loads(payload.decode())
    if not isinstance(message, dict) or not isinstance(message.get("op"), str):
        raise ValueError("a module request is an object with an op")
    args = message.get("args", {})
    if not isinstance(args, dict):
        raise ValueError("a module request's args are an object")
    return message["op"], args


def encode_success(result: JsonValue) -> bytes:
    return json.dumps({"ok": True, "result": result}, separators=(",", ":")).encode()


def encode_failure(error: BridgeError) -> bytes:
    return json.dumps({"ok": False, "error": error.model_dump(mode="json")}, separators=(",", ":")).encode()


def decode_answer(payload: bytes) -> tuple[JsonValue, BridgeError | None]:
    """(result, None) or (None, error); a malformed answer becomes a MODULE_FAILURE error."""
    try:
        message = json.loads(payload.decode())
        if not isinstance(message, dict) or not isinstance(message.get("ok"), bool):
            raise ValueError("not an answer")
        if message["ok"]:
            result: JsonValue = message.get("result")
            return result, None
        return None, BridgeError.model_validate(message.get("error"))
    except ValueError:
        malformed = "the secure module sent a malformed answer"
        return None, BridgeError(code=BridgeErrorCode.MODULE_FAILURE, message=malformed)
