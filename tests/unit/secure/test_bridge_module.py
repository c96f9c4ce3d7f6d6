from __future__ import annotations

import dataclasses

import pytest
from pydantic import ValidationError

from gridvend.secure.bridge_messages import (
    BridgeError,
    BridgeErrorCode,
    BridgeOperation,
    BridgeRequest,
    BridgeResponse,
)
from gridvend.secure.bridge_module import BridgeSecureModule
from gridvend.secure.bridge_responder import BridgeResponder
from gridvend.secure.errors import (
    BridgeFailure,
    BridgeTimeout,
    KeyFileInvalid,
    VendingKeyNotFound,
    WrongOffice,
)
from gridvend.secure.key_file import plaintext_key_file
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend.secure.vending_key import VendingKeyInfo
from tests.unit.secure import vectors
from tests.unit.secure.module_contract import SecureModuleContract

TENANT = "acme"
OFFICE = "office-7"


class WireTransport:
    """Sends each request through its JSON form to a responder, as MQTT would; keeps the wire text."""

    def __init__(self, responder: BridgeResponder) -> None:
        self.responder = responder
        self.wire: list[str] = []

    def __call__(self, request: BridgeRequest) -> BridgeResponse:
        request_text = request.model_dump_json()
        response = self.responder.answer(BridgeRequest.model_validate_json(request_text))
        response_text = response.model_dump_json()
        self.wire.extend((request_text, response_text))
        return BridgeResponse.model_validate_json(response_text)


def _office_module() -> SoftwareSecureModule:
    return SoftwareSecureModule(vectors.MASTER_KEY, vectors.TRANSPORT_KEY)


@pytest.fixture
def transport() -> WireTransport:
    return WireTransport(BridgeResponder(_office_module(), TENANT, OFFICE))


@pytest.fixture
def module(transport: WireTransport) -> BridgeSecureModule:
    return BridgeSecureModule(transport, TENANT, OFFICE)


class TestBridgeModule(SecureModuleContract):
    pass


def test_no_key_material_travels_on_the_wire(module: BridgeSecureModule, transport: WireTransport) -> None:
    module.load_key_file(vectors.sealed_key_file())
    module.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST)
    tokens = module.key_change(vectors.DKGA02_METER, dataclasses.replace(vectors.DKGA02_METER, krn=2))
    module.decode_token(vectors.DKGA02_METER, tokens[0])
    module.list_keys()

    assert len(transport.wire) == 10
    assert [text for text in transport.wire if vectors.leaks_secret(text)] == []


def test_timeout_surfaces_as_bridge_timeout() -> None:
    def silent_transport(request: BridgeRequest) -> BridgeResponse:
        raise TimeoutError

    module = BridgeSecureModule(silent_transport, TENANT, OFFICE, new_correlation_id=lambda: "corr-1")

    with pytest.raises(BridgeTimeout) as timeout:
        module.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST)

    assert (timeout.value.office, timeout.value.operation, timeout.value.correlation_id) == (
        OFFICE,
        "issue_token",
        "corr-1",
    )
    assert timeout.value.status == 504


def test_agent_of_another_office_refuses(transport: WireTransport) -> None:
    module = BridgeSecureModule(transport, TENANT, "office-8")

    with pytest.raises(WrongOffice, match="office-8"):
        module.list_keys()


def test_agent_of_another_tenant_refuses(transport: WireTransport) -> None:
    module = BridgeSecureModule(transport, "other-tenant", OFFICE)

    with pytest.raises(WrongOffice, match="other-tenant"):
        module.list_keys()


def test_answer_to_another_request_is_refused(transport: WireTransport) -> None:
    def confused_transport(request: BridgeRequest) -> BridgeResponse:
        return BridgeResponse.success("someone-else", [])

    module = BridgeSecureModule(confused_transport, TENANT, OFFICE)

    with pytest.raises(BridgeFailure, match="someone-else"):
        module.list_keys()


def test_missing_key_keeps_its_sgc_and_krn(module: BridgeSecureModule) -> None:
    with pytest.raises(VendingKeyNotFound) as missing:
        module.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST)

    assert (missing.value.sgc, missing.value.krn) == ("123456", 1)


def test_plain_key_files_never_leave_for_the_bridge(module: BridgeSecureModule, transport: WireTransport) -> None:
    key_file = plaintext_key_file([(vectors.DKGA02_INFO, SecretBytes.from_hex(vectors.DKGA02_VENDING_KEY))])

    with pytest.raises(KeyFileInvalid):
        module.load_key_file(key_file)

    assert transport.wire == []


def test_malformed_arguments_are_named_without_their_values(transport: WireTransport) -> None:
    request = BridgeRequest(
        op=BridgeOperation.ISSUE_TOKEN,
        args={"meter": {"iin": "600727", "drn": "12345"}, "request": {"kind": "CreditToken"}},
        correlation_id="corr-2",
        office=OFFICE,
        tenant=TENANT,
    )

    response = transport.responder.answer(request)

    assert response.error is not None and response.error.code == BridgeErrorCode.INVALID_REQUEST
    assert "meter" in response.error.message and "12345" not in response.error.message


def test_unexpected_failures_are_answered_by_type_only() -> None:
    class BrokenModule(SoftwareSecureModule):
        def list_keys(self) -> list[VendingKeyInfo]:
            raise RuntimeError(f"dump {vectors.DKGA02_VENDING_KEY}")

    responder = BridgeResponder(BrokenModule(vectors.MASTER_KEY), TENANT, OFFICE)
    request = BridgeRequest(op=BridgeOperation.LIST_KEYS, correlation_id="corr-3", office=OFFICE, tenant=TENANT)

    response = responder.answer(request)

    assert response.error == BridgeError(code=BridgeErrorCode.MODULE_FAILURE, message="internal failure (RuntimeError)")


def test_a_response_is_either_a_result_or_an_error() -> None:
    with pytest.raises(ValidationError):
        BridgeResponse(correlation_id="corr-4", ok=True, error=BridgeError(code=BridgeErrorCode.MODULE_FAILURE))
    with pytest.raises(ValidationError):
        BridgeResponse(correlation_id="corr-4", ok=False)
