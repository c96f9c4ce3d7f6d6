from __future__ import annotations

from pathlib import Path

import pytest

from gridvend.secure.errors import SecureModuleFailure
from gridvend.secure.key_file import plaintext_key_file
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend.secure.vending_key import KeyRef
from gridvend.secure.wrapped_key_store import JsonFileWrappedKeyStore
from tests.unit.secure import vectors
from tests.unit.secure.module_contract import SecureModuleContract


class TestSoftwareModule(SecureModuleContract):
    @pytest.fixture
    def module(self) -> SoftwareSecureModule:
        return SoftwareSecureModule(vectors.MASTER_KEY, vectors.TRANSPORT_KEY)


def test_keys_rest_wrapped_in_the_store_file(tmp_path: Path) -> None:
    store_path = tmp_path / "keys.json"
    module = SoftwareSecureModule(vectors.MASTER_KEY, vectors.TRANSPORT_KEY, JsonFileWrappedKeyStore(store_path))

    module.load_key_file(vectors.sealed_key_file())

    stored_text = store_path.read_text()
    assert not vectors.leaks_secret(stored_text)
    assert oct(store_path.stat().st_mode & 0o777) == "0o600"


def test_a_restarted_module_vends_from_the_stored_keys(tmp_path: Path) -> None:
    store_path = tmp_path / "keys.json"
    first = SoftwareSecureModule(vectors.MASTER_KEY, vectors.TRANSPORT_KEY, JsonFileWrappedKeyStore(store_path))
    first.load_key_file(vectors.sealed_key_file())

    restarted = SoftwareSecureModule(vectors.MASTER_KEY, None, JsonFileWrappedKeyStore(store_path))

    assert restarted.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST) == vectors.CTSA01_TOKEN


def test_stored_keys_do_not_open_under_another_master_key(tmp_path: Path) -> None:
    store_path = tmp_path / "keys.json"
    first = SoftwareSecureModule(vectors.MASTER_KEY, vectors.TRANSPORT_KEY, JsonFileWrappedKeyStore(store_path))
    first.load_key_file(vectors.sealed_key_file())
    other_master_key = SecretBytes(bytes(32))

    thief = SoftwareSecureModule(other_master_key, None, JsonFileWrappedKeyStore(store_path))

    with pytest.raises(SecureModuleFailure, match="wrong master key"):
        thief.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST)


def test_development_module_loads_plain_key_files() -> None:
    module = SoftwareSecureModule(vectors.MASTER_KEY, allow_plaintext_keys=True)
    key_file = plaintext_key_file([(vectors.DKGA02_INFO, SecretBytes.from_hex(vectors.DKGA02_VENDING_KEY))])

    module.load_key_file(key_file)

    assert module.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST) == vectors.CTSA01_TOKEN


def test_master_key_must_be_aes_256() -> None:
    with pytest.raises(ValueError, match="32"):
        SoftwareSecureModule(SecretBytes(bytes(16)))


def test_current_key_choice_survives_a_restart(tmp_path: Path) -> None:
    store_path = tmp_path / "keys.json"
    first = SoftwareSecureModule(vectors.MASTER_KEY, vectors.TRANSPORT_KEY, JsonFileWrappedKeyStore(store_path))
    first.load_key_file(vectors.sealed_key_file())
    first.set_current_key(KeyRef("123456", 2))

    restarted = SoftwareSecureModule(vectors.MASTER_KEY, None, JsonFileWrappedKeyStore(store_path))

    current = {info.krn for info in restarted.list_keys() if info.sgc == "123456" and info.current}
    assert current == {2}
