from __future__ import annotations

import base64

import pytest

from gridvend.secure.errors import SecureModuleUnavailable
from gridvend.secure.master_key import master_key_from_environment, master_key_from_parameter

MATERIAL = bytes(range(32))


@pytest.mark.parametrize("text", [MATERIAL.hex(), MATERIAL.hex().upper(), base64.b64encode(MATERIAL).decode()])
def test_master_key_reads_hex_or_base64(text: str) -> None:
    key = master_key_from_environment("GV_TEST_KEY", {"GV_TEST_KEY": f" {text}\n"})

    assert key.reveal() == MATERIAL


def test_missing_variable_is_named() -> None:
    with pytest.raises(SecureModuleUnavailable, match="GV_TEST_KEY"):
        master_key_from_environment("GV_TEST_KEY", {})


def test_short_key_is_refused_without_echoing_it() -> None:
    short_text = bytes(range(16)).hex()

    with pytest.raises(SecureModuleUnavailable) as refusal:
        master_key_from_environment("GV_TEST_KEY", {"GV_TEST_KEY": short_text})

    assert short_text not in str(refusal.value)
    assert "32-byte" in str(refusal.value)


def test_master_key_comes_from_a_parameter_reader() -> None:
    read_names: list[str] = []

    def read_parameter(name: str) -> str:
        read_names.append(name)
        return MATERIAL.hex()

    key = master_key_from_parameter("/gridvend/secure/master-key", read_parameter)

    assert key.reveal() == MATERIAL
    assert read_names == ["/gridvend/secure/master-key"]


def test_parameter_failures_name_the_parameter_and_not_the_cause_text() -> None:
    def failing_reader(name: str) -> str:
        raise ConnectionError(f"could not fetch; value was {MATERIAL.hex()}")

    with pytest.raises(SecureModuleUnavailable) as refusal:
        master_key_from_parameter("/gridvend/secure/master-key", failing_reader)

    assert "ConnectionError" in str(refusal.value)
    assert MATERIAL.hex() not in str(refusal.value)
