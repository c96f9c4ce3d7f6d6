"""Objects that hold or handle secrets never show them in repr()."""

from __future__ import annotations

import dataclasses

from gridvend.secure.key_file import plaintext_key_file
from gridvend.secure.pkcs11_session import Pkcs11Settings
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.software_module import SoftwareSecureModule
from gridvend.secure.token_reading import TokenReading
from gridvend.sts.keys import derive_decoder_key
from tests.unit.secure import vectors

PIN = "pin-that-must-not-show-7391"


def test_holders_of_secrets_show_none_in_repr() -> None:
    module = SoftwareSecureModule(vectors.MASTER_KEY, vectors.TRANSPORT_KEY, allow_plaintext_keys=True)
    key_file = plaintext_key_file(
        [(info, SecretBytes.from_hex(vectors.PLAIN_VENDING_KEYS[info.ref])) for info in vectors.ALL_INFOS]
    )
    module.load_key_file(key_file)
    settings = Pkcs11Settings("/usr/lib/softhsm/libsofthsm2.so", "token", SecretBytes(PIN.encode()))
    holders: list[object] = [
        module,
        key_file,
        *key_file.keys,
        vectors.TRANSPORT_KEY,
        vectors.MASTER_KEY,
        settings,
        *module.list_keys(),
    ]

    shown = [repr(holder) for holder in holders] + [str(holder) for holder in holders]

    assert [text for text in shown if vectors.leaks_secret(text) or PIN in text] == []
    assert [text for text in shown if vectors.MASTER_KEY.reveal().hex() in text] == []


def test_reading_of_a_key_change_token_holds_no_key_bits() -> None:
    module = SoftwareSecureModule(vectors.MASTER_KEY, vectors.TRANSPORT_KEY)
    module.load_key_file(vectors.sealed_key_file())
    new_meter = dataclasses.replace(vectors.DKGA02_METER, krn=2)
    tokens = module.key_change(vectors.DKGA02_METER, new_meter)

    readings = [module.decode_token(vectors.DKGA02_METER, token) for token in tokens]

    new_key = int.from_bytes(derive_decoder_key(2, bytes.fromhex(vectors.DKGA02_NEXT_VENDING_KEY), new_meter))
    key_halves = {new_key >> 32, new_key & 0xFFFFFFFF}
    shown_values = {value for reading in readings for value in _all_values(reading)}
    assert all(reading.key_change is not None for reading in readings)
    assert shown_values & key_halves == set()


def _all_values(reading: TokenReading) -> list[object]:
    values = list(dataclasses.astuple(reading))
    if reading.key_change is not None:
        values.extend(dataclasses.astuple(reading.key_change))
    return values
