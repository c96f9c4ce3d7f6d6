"""Fixtures: a SoftHSM2 token directory for the test session and a fresh token for each test."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator

import pkcs11
import pytest

from gridvend.secure.pkcs11_session import Pkcs11Settings, find_softhsm_library
from gridvend.secure.secret_bytes import SecretBytes

SO_PIN = "test-so-pin-1234"
USER_PIN = "test-user-pin-5678"


@pytest.fixture(scope="session")
def softhsm_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The SoftHSM2 library, configured to keep its tokens in a temporary directory."""
    library = find_softhsm_library()
    if library is None or shutil.which("softhsm2-util") is None:
        pytest.skip("SoftHSM2 is not installed (apt-get install softhsm2); PKCS#11 tests need it")
    directory = tmp_path_factory.mktemp("softhsm")
    (directory / "tokens").mkdir()
    config = directory / "softhsm2.conf"
    config.write_text(
        f"directories.tokendir = {directory / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    previous = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(config)
    try:
        yield library
    finally:
        if previous is None:
            os.environ.pop("SOFTHSM2_CONF", None)
        else:
            os.environ["SOFTHSM2_CONF"] = previous


def _create_token(library: str, label: str) -> None:
    subprocess.run(
        ["softhsm2-util", "--init-token", "--free", "--label", label, "--so-pin", SO_PIN, "--pin", USER_PIN],
        check=True,
        capture_output=True,
    )
    pkcs11.lib(library).reinitialize()  # the library lists slots once per initialisation


@pytest.fixture
def softhsm_token(softhsm_library: str) -> Pkcs11Settings:
    label = f"gv-{uuid.uuid4().hex[:12]}"
    _create_token(softhsm_library, label)
    return Pkcs11Settings(softhsm_library, label, SecretBytes(USER_PIN.encode()))
