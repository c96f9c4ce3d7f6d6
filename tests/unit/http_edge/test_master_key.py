"""The master key comes from the SSM parameter when one is named, else from the environment."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from functions.common import master_key
from gridvend.secure.errors import SecureModuleUnavailable

HEX_KEY = "ab" * 32


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    master_key._from_parameter.cache_clear()


def test_the_ssm_parameter_wins_when_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("GRIDVEND_SECURE_MASTER_KEY", "cd" * 32)
    with mock_aws():
        boto3.client("ssm").put_parameter(Name="/gv/master", Value=HEX_KEY, Type="SecureString")
        monkeypatch.setenv(master_key.PARAMETER_VARIABLE, "/gv/master")
        assert master_key.secure_master_key().reveal() == bytes.fromhex(HEX_KEY)


def test_without_a_parameter_the_environment_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(master_key.PARAMETER_VARIABLE, raising=False)
    monkeypatch.setenv("GRIDVEND_SECURE_MASTER_KEY", HEX_KEY)
    assert master_key.secure_master_key().reveal() == bytes.fromhex(HEX_KEY)
    monkeypatch.delenv("GRIDVEND_SECURE_MASTER_KEY")
    with pytest.raises(SecureModuleUnavailable):
        master_key.secure_master_key()
