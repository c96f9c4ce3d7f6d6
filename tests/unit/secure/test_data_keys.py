"""Per-module data keys (KMS, or the master key where no key service runs) and the table that keeps a software
module's vending keys wrapped under them: bound to tenant and module, durable, never in the clear."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from gridvend.secure.data_keys import DataKeys, MasterKeyDataKeys, module_context
from gridvend.secure.errors import SecureModuleFailure
from gridvend.secure.kms_data_keys import KmsDataKeys
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend.secure.vending_key import KeyRef
from gridvend.store.memory import MemoryItemStore
from gridvend.store.secure_keys import TableWrappedKeyStore
from tests.unit.secure import vectors

ACME_SM1 = module_context("acme", "SM1")


@pytest.fixture(params=["kms", "master-key"])
def key_service(request: pytest.FixtureRequest) -> Iterator[DataKeys]:
    if request.param == "master-key":
        yield MasterKeyDataKeys(vectors.MASTER_KEY)
        return
    with mock_aws():
        kms = boto3.client("kms", region_name="us-east-1")
        yield KmsDataKeys(kms, kms.create_key(Description="vending keys")["KeyMetadata"]["KeyId"])


def test_a_data_key_opens_only_for_its_tenant_and_module(key_service: DataKeys) -> None:
    data_key, wrapped = key_service.new_data_key(ACME_SM1)
    assert len(data_key) == 32 and data_key.reveal() not in wrapped
    assert key_service.open_data_key(wrapped, ACME_SM1) == data_key
    for other in (module_context("acme", "SM2"), module_context("acme2", "SM1")):
        with pytest.raises(SecureModuleFailure):
            key_service.open_data_key(wrapped, other)


def test_a_rewrapped_data_key_opens_for_the_new_tenant_only(key_service: DataKeys) -> None:
    data_key, wrapped = key_service.new_data_key(ACME_SM1)
    target = module_context("restored", "SM1")
    rewrapped = key_service.rewrap(wrapped, ACME_SM1, target)
    assert key_service.open_data_key(rewrapped, target) == data_key
    with pytest.raises(SecureModuleFailure):
        key_service.open_data_key(rewrapped, ACME_SM1)


def test_the_table_keeps_vending_keys_wrapped_and_every_process_sees_them() -> None:
    table = MemoryItemStore()
    data_key, _ = MasterKeyDataKeys(vectors.MASTER_KEY).new_data_key(ACME_SM1)
    loader = SoftwareSecureModule(data_key, vectors.TRANSPORT_KEY, TableWrappedKeyStore(table, "acme", "SM1"))
    loader.load_key_file(vectors.sealed_key_file())

    items: list[dict[str, Any]] = table.query("T#acme#SMKEY#SM1", limit=100).items
    assert items and not vectors.leaks_secret(json.dumps(items, default=str))
    other_process = SoftwareSecureModule(data_key, None,
                                         TableWrappedKeyStore(MemoryItemStoreView(table), "acme", "SM1"))
    assert [info.ref for info in other_process.list_keys()] == [info.ref for info in loader.list_keys()]
    assert other_process.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST) == vectors.CTSA01_TOKEN
    assert TableWrappedKeyStore(table, "acme", "SM2").all() == []  # another module's keys are apart

    store = TableWrappedKeyStore(table, "acme", "SM1")
    first: KeyRef = store.all()[0].info.ref
    assert store.delete(first) and store.get(first) is None and not store.delete(first)
    store.clear()
    assert store.all() == [] and table.query("T#acme#SMKEY#SM1", limit=100).items == []


class MemoryItemStoreView(MemoryItemStore):
    """The same items through another store object, as a second process with its own read cache sees them."""

    def __init__(self, shared: MemoryItemStore) -> None:
        self.__dict__ = shared.__dict__
