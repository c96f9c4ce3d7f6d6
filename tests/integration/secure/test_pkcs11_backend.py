from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pkcs11
import pytest
from pkcs11 import Attribute, ObjectClass

from gridvend.secure.errors import SecureModuleUnavailable
from gridvend.secure.pkcs11_module import Pkcs11SecureModule
from gridvend.secure.pkcs11_objects import TokenKey, install_transport_key
from gridvend.secure.pkcs11_session import Pkcs11Settings, open_user_session
from gridvend.secure.secret_bytes import SecretBytes
from tests.integration.secure.softhsm_token import USER_PIN, softhsm_library, softhsm_token
from tests.unit.secure import vectors
from tests.unit.secure.module_contract import SecureModuleContract

__all__ = ["softhsm_library", "softhsm_token"]


def _install_transport_key(settings: Pkcs11Settings) -> None:
    with open_user_session(settings) as session:
        install_transport_key(session, vectors.TRANSPORT_KEY)


@pytest.fixture
def module(softhsm_token: Pkcs11Settings) -> Iterator[Pkcs11SecureModule]:
    _install_transport_key(softhsm_token)
    with Pkcs11SecureModule.open(softhsm_token, vectors.TRANSPORT_KEY.key_id) as opened:
        yield opened


class TestPkcs11Module(SecureModuleContract):
    pass


def _secret_keys(session: pkcs11.Session) -> dict[str, TokenKey]:
    return {key[Attribute.LABEL]: key for key in session.get_objects({Attribute.CLASS: ObjectClass.SECRET_KEY})}


def test_dkga04_vending_key_can_never_leave_the_token(
    module: Pkcs11SecureModule, softhsm_token: Pkcs11Settings
) -> None:
    module.load_key_file(vectors.sealed_key_file((vectors.DKGA04_INFO,)))

    with open_user_session(softhsm_token) as session:
        key = _secret_keys(session)["gridvend:vk:123457:1:M:4"]
        assert (key[Attribute.SENSITIVE], key[Attribute.EXTRACTABLE]) == (True, False)
        with pytest.raises(pkcs11.AttributeSensitive):
            key[Attribute.VALUE]
        wrapping_key: TokenKey = session.generate_key(pkcs11.KeyType.AES, 256, template={Attribute.WRAP: True})
        with pytest.raises(pkcs11.PKCS11Error):
            wrapping_key.wrap_key(key)


def test_transport_key_cannot_be_read_back(module: Pkcs11SecureModule, softhsm_token: Pkcs11Settings) -> None:
    with open_user_session(softhsm_token) as session:
        transport_key = _secret_keys(session)["gridvend:transport:tk-test-1"]
        assert transport_key[Attribute.EXTRACTABLE] is False
        with pytest.raises(pkcs11.AttributeSensitive):
            transport_key[Attribute.VALUE]


def test_vending_keys_cannot_be_relabelled(module: Pkcs11SecureModule, softhsm_token: Pkcs11Settings) -> None:
    module.load_key_file(vectors.sealed_key_file((vectors.ENGINEERING_INFO,)))

    with open_user_session(softhsm_token) as session:
        engineering_key = _secret_keys(session)["gridvend:vk:654321:1:E:2"]
        with pytest.raises(pkcs11.PKCS11Error):
            engineering_key[Attribute.LABEL] = "gridvend:vk:654321:1:M:2"
        with pytest.raises(pkcs11.AttributeSensitive):
            engineering_key[Attribute.VALUE]


def test_keys_stay_in_the_token_across_sessions(module: Pkcs11SecureModule, softhsm_token: Pkcs11Settings) -> None:
    module.load_key_file(vectors.sealed_key_file())
    module.close()

    with Pkcs11SecureModule.open(softhsm_token, vectors.TRANSPORT_KEY.key_id) as reopened:
        assert reopened.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST) == vectors.CTSA01_TOKEN
        assert len(reopened.list_keys()) == len(vectors.ALL_INFOS)


def test_wrong_pin_is_refused_without_echoing_it(softhsm_token: Pkcs11Settings) -> None:
    wrong = dataclasses.replace(softhsm_token, user_pin=SecretBytes(b"not-the-pin-4242"))

    with pytest.raises(SecureModuleUnavailable) as refusal:
        Pkcs11SecureModule.open(wrong, vectors.TRANSPORT_KEY.key_id)

    assert "refused the user PIN" in str(refusal.value)
    assert "4242" not in str(refusal.value) and USER_PIN not in str(refusal.value)


def test_missing_token_is_reported_by_label(softhsm_token: Pkcs11Settings) -> None:
    missing = dataclasses.replace(softhsm_token, token_label="no-such-token")

    with pytest.raises(SecureModuleUnavailable, match="no-such-token"):
        Pkcs11SecureModule.open(missing, vectors.TRANSPORT_KEY.key_id)
