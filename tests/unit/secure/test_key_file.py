from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from gridvend.secure.errors import KeyFileInvalid
from gridvend.secure.key_file import (
    TransportKey,
    open_entry,
    parse_key_file,
    plaintext_key_file,
)
from gridvend.secure.secret_bytes import SecretBytes
from tests.unit.secure import vectors


def test_sealed_file_round_trips_through_its_text() -> None:
    key_file = parse_key_file(vectors.sealed_key_file().to_json())

    opened = {
        (entry.sgc, entry.krn): open_entry(key_file, entry, vectors.TRANSPORT_KEY, allow_plaintext=False)
        for entry in key_file.keys
    }

    assert {ref: key.reveal().hex() for ref, key in opened.items()} == {
        (ref.sgc, ref.krn): hex_key for ref, hex_key in vectors.PLAIN_VENDING_KEYS.items()
    }
    assert key_file.keys[0].supplier == "Test KMC"


def test_sealed_file_text_shows_no_vending_key() -> None:
    assert not vectors.leaks_secret(vectors.sealed_key_file().to_json())


def test_wrapped_keys_moved_between_entries_do_not_open() -> None:
    document = json.loads(vectors.sealed_key_file().to_json())
    first, second = document["keys"][0], document["keys"][1]
    first["wrapped_key"], second["wrapped_key"] = second["wrapped_key"], first["wrapped_key"]
    key_file = parse_key_file(json.dumps(document))

    with pytest.raises(KeyFileInvalid, match="does not unwrap"):
        open_entry(key_file, key_file.keys[0], vectors.TRANSPORT_KEY, allow_plaintext=False)


def test_file_for_another_transport_key_names_both_ids() -> None:
    key_file = vectors.sealed_key_file()
    other = TransportKey("tk-other", vectors.TRANSPORT_KEY.material)

    with pytest.raises(KeyFileInvalid) as refusal:
        open_entry(key_file, key_file.keys[0], other, allow_plaintext=False)

    assert "tk-test-1" in str(refusal.value) and "tk-other" in str(refusal.value)


@pytest.mark.parametrize(
    ("change", "named_field"),
    [
        (lambda doc: doc["keys"][0].update(sgc="12345"), "keys.0.sgc"),
        (lambda doc: doc["keys"][0].update(krn=0), "keys.0.krn"),
        (lambda doc: doc["keys"][0].update(key_type="X"), "keys.0.key_type"),
        (lambda doc: doc["keys"][0].update(extra="x"), "keys.0.extra"),
        (lambda doc: doc["keys"].append(dict(doc["keys"][0])), "SGC and KRN once"),
        (lambda doc: doc.pop("transport_key_id"), "transport_key_id"),
        (lambda doc: doc["keys"][0].update(vending_key="abababababababab"), "exactly one"),
    ],
)
def test_malformed_files_are_refused_by_field(change: Callable[[dict[str, Any]], object], named_field: str) -> None:
    document = json.loads(vectors.sealed_key_file().to_json())
    change(document)

    with pytest.raises(KeyFileInvalid) as refusal:
        parse_key_file(json.dumps(document))

    assert named_field in str(refusal.value)
    assert not vectors.leaks_secret(str(refusal.value))


def test_plain_development_file_keeps_its_keys_out_of_repr() -> None:
    key_file = plaintext_key_file([(vectors.DKGA02_INFO, SecretBytes.from_hex(vectors.DKGA02_VENDING_KEY))])

    assert not vectors.leaks_secret(repr(key_file))
    assert not vectors.leaks_secret(repr(key_file.keys[0]))
    assert vectors.DKGA02_VENDING_KEY in key_file.to_json()
    reparsed = parse_key_file(key_file.to_json())
    assert open_entry(reparsed, reparsed.keys[0], None, allow_plaintext=True).reveal().hex() == "ab" * 8


def test_plain_key_of_the_wrong_length_is_refused_without_showing_it() -> None:
    document = {"keys": [{"sgc": "123456", "krn": 1, "key_type": "M", "dkga": 4, "vending_key": "abababababababab"}]}
    key_file = parse_key_file(json.dumps(document))

    with pytest.raises(KeyFileInvalid) as refusal:
        open_entry(key_file, key_file.keys[0], None, allow_plaintext=True)

    assert "20 bytes" in str(refusal.value)
    assert "abab" not in str(refusal.value)


def test_text_that_is_not_json_is_refused_without_echoing_it() -> None:
    with pytest.raises(KeyFileInvalid) as refusal:
        parse_key_file('{"keys": [{"vending_key": "abababababababab"')

    assert "abab" not in str(refusal.value)
