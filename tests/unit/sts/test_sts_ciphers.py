"""STA, DEA and MISTY1: published vectors, round trips, agreement with the plain reference."""

from __future__ import annotations

import random

import pytest
from Crypto.Cipher import DES

from gridvend.sts import InvalidKey, UnsupportedAlgorithm, block_cipher
from gridvend.sts.misty1 import S7, S9, Misty1Cipher
from gridvend.sts.sta import StaCipher

from .reference import sts_reference

RFC2994_KEY = bytes.fromhex("00112233445566778899aabbccddeeff")


@pytest.mark.parametrize(
    ("plaintext", "ciphertext"),
    [("0123456789abcdef", "8b1da5f56ab3d07c"), ("fedcba9876543210", "04b68240b13be95d")],
)
def test_misty1_gives_the_rfc_2994_test_data(plaintext: str, ciphertext: str) -> None:
    cipher = Misty1Cipher(RFC2994_KEY)
    assert cipher.encrypt_block(bytes.fromhex(plaintext)).hex() == ciphertext
    assert cipher.decrypt_block(bytes.fromhex(ciphertext)).hex() == plaintext


def test_misty1_s_boxes_are_permutations() -> None:
    assert sorted(S7) == list(range(128))
    assert sorted(S9) == list(range(512))


def test_sta_matches_the_bit_at_a_time_reference_and_decrypts() -> None:
    rng = random.Random(7)
    for _ in range(50):
        key = rng.randbytes(8)
        cipher = StaCipher(key)
        for _ in range(10):
            block = rng.getrandbits(64)
            encrypted = cipher.encrypt(block)
            assert encrypted == sts_reference.sta_encrypt(block, int.from_bytes(key, "big"))
            assert cipher.decrypt(encrypted) == block
            assert sts_reference.sta_decrypt(encrypted, int.from_bytes(key, "big")) == block


def test_dea_is_single_des_with_the_decoder_key() -> None:
    key = bytes.fromhex("0ABC12DEF3456789")
    block = 0x0123456789ABCDEF
    expected = DES.new(key, DES.MODE_ECB).encrypt(block.to_bytes(8, "big"))
    cipher = block_cipher(9, key)
    assert cipher.encrypt(block).to_bytes(8, "big") == expected
    assert cipher.decrypt(int.from_bytes(expected, "big")) == block


@pytest.mark.parametrize(("ea", "length"), [(7, 16), (9, 7), (11, 8)])
def test_keys_of_the_wrong_length_are_refused(ea: int, length: int) -> None:
    with pytest.raises(InvalidKey):
        block_cipher(ea, bytes(length))


def test_unknown_algorithms_are_refused() -> None:
    with pytest.raises(UnsupportedAlgorithm):
        block_cipher(8, bytes(8))
