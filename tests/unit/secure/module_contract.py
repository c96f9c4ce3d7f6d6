"""Behaviour every SecureModule backend shares. Each backend's test class inherits these tests and
provides a `module` fixture: an empty module whose transport key is vectors.TRANSPORT_KEY."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from decimal import Decimal

import pytest

from gridvend.secure.errors import KeyFileInvalid, KeyNotPermitted, TokenRejected, VendingKeyNotFound
from gridvend.secure.interface import SecureModule
from gridvend.secure.key_file import KeyFile, plaintext_key_file
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.vending_key import KeyRef, VendingKeyType
from gridvend.sts.keys import derive_decoder_key
from gridvend.sts.token_requests import ClearTamperToken, CreditToken, PowerLimitToken
from gridvend.sts.tokens import encode_token, key_change_tokens
from tests.unit.secure import vectors


def _relabelled(key_file: KeyFile, ref: KeyRef, key_type: VendingKeyType) -> KeyFile:
    entries = [
        entry.model_copy(update={"key_type": key_type}) if (entry.sgc, entry.krn) == (ref.sgc, ref.krn) else entry
        for entry in key_file.keys
    ]
    return key_file.model_copy(update={"keys": entries})


class SecureModuleContract:
    @pytest.fixture
    def loaded(self, module: SecureModule) -> SecureModule:
        module.load_key_file(vectors.sealed_key_file())
        return module

    def test_load_key_file_lists_every_key_without_key_bytes(self, module: SecureModule) -> None:
        installed = module.load_key_file(vectors.sealed_key_file())

        assert {info.ref for info in installed} == {info.ref for info in vectors.ALL_INFOS}
        listed = module.list_keys()
        assert [(info.sgc, info.krn, info.key_type, info.dkga) for info in listed] == sorted(
            (info.sgc, info.krn, info.key_type, info.dkga) for info in vectors.ALL_INFOS
        )
        assert not any(vectors.leaks_secret(repr(info)) for info in listed)

    def test_dkga02_vector_gives_the_ctsa01_token(self, loaded: SecureModule) -> None:
        token = loaded.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST)

        assert token == vectors.CTSA01_TOKEN

    def test_dkga04_vector_key_encrypts_the_token(self, loaded: SecureModule) -> None:
        request = CreditToken(subclass=0, tid=5871720, random=3, amount=Decimal("12.5"))

        token = loaded.issue_token(vectors.DKGA04_METER, request)

        assert token == encode_token(request, bytes.fromhex(vectors.DKGA04_DECODER_KEY), 7)

    def test_engineering_key_refuses_credit_tokens(self, loaded: SecureModule) -> None:
        credit = CreditToken(subclass=0, tid=5871720, random=3, amount=Decimal("1"))

        with pytest.raises(KeyNotPermitted) as refusal:
            loaded.issue_token(vectors.engineering_meter(), credit)

        assert "type E" in str(refusal.value)

    def test_engineering_key_makes_management_tokens(self, loaded: SecureModule) -> None:
        meter = vectors.engineering_meter()
        request = ClearTamperToken(tid=5871720, random=1)

        token = loaded.issue_token(meter, request)

        decoder_key = derive_decoder_key(2, bytes.fromhex(vectors.ENGINEERING_VENDING_KEY), meter)
        assert token == encode_token(request, decoder_key, meter.ea)

    def test_meter_of_an_unknown_key_is_refused(self, loaded: SecureModule) -> None:
        meter = dataclasses.replace(vectors.DKGA02_METER, krn=5)

        with pytest.raises(VendingKeyNotFound):
            loaded.issue_token(meter, vectors.CTSA01_REQUEST)

    def test_key_change_moves_the_meter_to_the_next_key_revision(self, loaded: SecureModule) -> None:
        old_meter = vectors.DKGA02_METER
        new_meter = dataclasses.replace(old_meter, krn=2, ti=7)

        tokens = loaded.key_change(old_meter, new_meter, key_expiry=200)

        old_key = bytes.fromhex(vectors.DKGA02_DECODER_KEY)
        new_key = derive_decoder_key(2, bytes.fromhex(vectors.DKGA02_NEXT_VENDING_KEY), new_meter)
        assert tokens == key_change_tokens(old_key, new_key, 7, 200, 2, False, 2, 7, sgc="123456")
        readings = [loaded.decode_token(old_meter, token) for token in tokens]
        assert [reading.key_change.set_number for reading in readings if reading.key_change] == [1, 2]
        assert readings[0].key_change is not None and readings[0].key_change.krn == 2

    def test_decode_reads_back_an_issued_token(self, loaded: SecureModule) -> None:
        request = PowerLimitToken(tid=5871800, random=9, watts=Decimal(4000))
        token = loaded.issue_token(vectors.DKGA04_METER, request)

        reading = loaded.decode_token(vectors.DKGA04_METER, token)

        assert (reading.token_class, reading.subclass, reading.tid, reading.amount) == (2, 0, 5871800, 4000)

    def test_token_of_another_meter_is_rejected(self, loaded: SecureModule) -> None:
        other_meter = dataclasses.replace(vectors.DKGA02_METER, drn="00000000001")

        with pytest.raises(TokenRejected):
            loaded.decode_token(other_meter, vectors.CTSA01_TOKEN)

    def test_relabelled_key_file_is_refused_and_nothing_is_loaded(self, module: SecureModule) -> None:
        tampered = _relabelled(vectors.sealed_key_file(), vectors.ENGINEERING_INFO.ref, VendingKeyType.CREDIT)

        with pytest.raises(KeyFileInvalid) as refusal:
            module.load_key_file(tampered)

        assert "does not unwrap" in str(refusal.value)
        assert module.list_keys() == []

    def test_key_file_for_another_transport_key_is_refused(self, module: SecureModule) -> None:
        key_file = vectors.sealed_key_file(transport_key=vectors.OTHER_TRANSPORT_KEY)

        with pytest.raises(KeyFileInvalid):
            module.load_key_file(key_file)

    def test_plain_key_files_are_refused_by_default(self, module: SecureModule) -> None:
        key_file = plaintext_key_file([(vectors.DKGA02_INFO, SecretBytes.from_hex(vectors.DKGA02_VENDING_KEY))])

        with pytest.raises(KeyFileInvalid) as refusal:
            module.load_key_file(key_file)

        assert "plain vending keys" in str(refusal.value)

    def test_choosing_the_current_key_makes_the_others_of_its_sgc_old(self, loaded: SecureModule) -> None:
        loaded.set_current_key(KeyRef("123456", 2))

        current = {(info.sgc, info.krn): info.current for info in loaded.list_keys()}
        assert current[("123456", 2)] is True
        assert current[("123456", 1)] is False
        assert current[("123457", 1)] is True

    def test_deleted_key_no_longer_vends(self, loaded: SecureModule) -> None:
        loaded.delete_key(KeyRef("123456", 1))

        with pytest.raises(VendingKeyNotFound):
            loaded.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST)
        assert KeyRef("123456", 1) not in {info.ref for info in loaded.list_keys()}

    def test_no_key_reaches_logs_reprs_or_errors(self, module: SecureModule, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.DEBUG)
        seen: list[str] = [repr(module)]
        for info in module.load_key_file(vectors.sealed_key_file()):
            seen.append(repr(info))
        seen.append(loaded_token := module.issue_token(vectors.DKGA02_METER, vectors.CTSA01_REQUEST))
        seen.append(repr(module.decode_token(vectors.DKGA02_METER, loaded_token)))
        seen.extend(repr(reading) for reading in self._key_change_readings(module))
        for failing_call in self._failing_calls(module):
            with pytest.raises(Exception) as failure:
                failing_call()
            seen.extend((str(failure.value), repr(failure.value)))
        seen.extend(f"{record.getMessage()} {vars(record)}" for record in caplog.records)

        assert [text for text in seen if vectors.leaks_secret(text)] == []

    def _key_change_readings(self, module: SecureModule) -> list[object]:
        new_meter = dataclasses.replace(vectors.DKGA02_METER, krn=2)
        tokens = module.key_change(vectors.DKGA02_METER, new_meter)
        return [module.decode_token(vectors.DKGA02_METER, token) for token in tokens]

    def _failing_calls(self, module: SecureModule) -> list[Callable[[], object]]:
        tampered = _relabelled(vectors.sealed_key_file(), vectors.ENGINEERING_INFO.ref, VendingKeyType.CREDIT)
        credit = CreditToken(subclass=0, tid=1, random=1, amount=Decimal(1))
        return [
            lambda: module.load_key_file(tampered),
            lambda: module.issue_token(vectors.engineering_meter(), credit),
            lambda: module.decode_token(vectors.DKGA04_METER, vectors.CTSA01_TOKEN),
            lambda: module.issue_token(dataclasses.replace(vectors.DKGA02_METER, krn=9), credit),
        ]
