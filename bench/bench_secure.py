"""Tokens per second through the secure module backends: software, and PKCS#11 on SoftHSM2.

Run: PYTHONPATH=. .venv/bin/python bench/bench_secure.py [tokens_per_case]
Prints figures only; it never passes or fails on speed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from gridvend.secure.bridge_module import BridgeSecureModule
from gridvend.secure.bridge_responder import BridgeResponder
from gridvend.secure.interface import SecureModule
from gridvend.secure.key_file import KeyFile, TransportKey, seal_key_file
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend.secure.vending_key import VendingKeyInfo, VendingKeyType
from gridvend.sts.keys import MeterKeyIdentity
from gridvend.sts.token_requests import CreditToken

TRANSPORT_KEY = TransportKey("tk-bench", SecretBytes(os.urandom(32)))
METERS = {
    2: MeterKeyIdentity(iin="600727", drn="00000000000", key_type=2, sgc="123456", ti=1, krn=1),
    4: MeterKeyIdentity(iin="600727", drn="00000000000", key_type=2, sgc="123457", ti=1, krn=1),
}
PIN = "bench-user-pin"


def _key_file() -> KeyFile:
    return seal_key_file(
        [
            (VendingKeyInfo("123456", 1, VendingKeyType.CREDIT, dkga=2), SecretBytes(os.urandom(8))),
            (VendingKeyInfo("123457", 1, VendingKeyType.CREDIT, dkga=4), SecretBytes(os.urandom(20))),
        ],
        TRANSPORT_KEY,
    )


def _tokens_per_second(module: SecureModule, dkga: int, count: int) -> float:
    meter = METERS[dkga]
    started = time.perf_counter()
    for number in range(count):
        request = CreditToken(subclass=0, tid=1_000_000 + number, random=number % 16, amount=Decimal(10))
        module.issue_token(meter, request)
    return count / (time.perf_counter() - started)


def _report(backend: str, module: SecureModule, count: int) -> None:
    for dkga in (2, 4):
        rate = _tokens_per_second(module, dkga, count)
        print(f"{backend:<28} DKGA0{dkga}  {rate:>9,.0f} tokens/s  ({count} tokens)")


def _bench_pkcs11(count: int) -> None:
    from gridvend.secure.pkcs11_module import Pkcs11SecureModule
    from gridvend.secure.pkcs11_objects import install_transport_key
    from gridvend.secure.pkcs11_session import Pkcs11Settings, find_softhsm_library, open_user_session

    library = find_softhsm_library()
    if library is None or shutil.which("softhsm2-util") is None:
        print("PKCS#11 (SoftHSM2)            skipped: softhsm2 is not installed")
        return
    with tempfile.TemporaryDirectory() as directory:
        tokens = Path(directory) / "tokens"
        tokens.mkdir()
        config = Path(directory) / "softhsm2.conf"
        config.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
        os.environ["SOFTHSM2_CONF"] = str(config)
        subprocess.run(
            ["softhsm2-util", "--init-token", "--free", "--label", "bench", "--so-pin", "bench-so", "--pin", PIN],
            check=True,
            capture_output=True,
        )
        settings = Pkcs11Settings(library, "bench", SecretBytes(PIN.encode()))
        with Pkcs11SecureModule.open(settings, TRANSPORT_KEY.key_id) as module:
            with open_user_session(settings) as session:
                install_transport_key(session, TRANSPORT_KEY)
            module.load_key_file(_key_file())
            _report("PKCS#11 (SoftHSM2)", module, count)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    software = SoftwareSecureModule(SecretBytes(os.urandom(32)), TRANSPORT_KEY)
    software.load_key_file(_key_file())
    _report("software", software, count)
    bridged = BridgeSecureModule(BridgeResponder(software, "bench", "office").answer, "bench", "office")
    _report("bridge (in-process)", bridged, count)
    _bench_pkcs11(count)


if __name__ == "__main__":
    main()
