"""EA07: the Standard Transfer Algorithm (64-bit key and block, 16 rounds).

Each round: nibble n of the block goes through S2 if bit 4n+3 of the round key is set, else S1; the
block is then permuted with P (bit i moves to P[i]); the round key rotates left by one. The first
round key is NOT(decoder key) rotated right by 12.

Speed: the substitution of one byte (two nibbles, four S-box choices) followed by the permutation of
its eight bits is precomputed into 8 x 4 tables of 256 64-bit words, so a round is eight lookups
ORed together. Decryption groups "inverse S-boxes, then inverse P" the same way. The tables do not
depend on the key: per round, the selector bits of four bytes (round key & 0x88888888) pick their four
tables in one dictionary lookup, so a new key costs 32 lookups.
"""

from __future__ import annotations

S1 = (14, 10, 7, 9, 12, 3, 2, 5, 13, 0, 15, 1, 4, 8, 6, 11)
S2 = (12, 8, 2, 13, 7, 6, 1, 3, 11, 5, 9, 15, 0, 4, 10, 14)
P = (
    55, 42, 10, 18, 24, 21, 44, 35, 2, 22, 56, 43, 27, 58, 9, 50,
    6, 36, 12, 61, 37, 38, 53, 16, 62, 3, 7, 4, 32, 20, 63, 25,
    51, 52, 54, 33, 49, 19, 46, 29, 48, 31, 23, 30, 41, 28, 13, 5,
    40, 60, 39, 11, 15, 17, 1, 0, 57, 34, 59, 8, 47, 14, 45, 26,
)  # fmt: skip
ROUNDS = 16
_MASK64 = (1 << 64) - 1

_S1_INV = tuple(S1.index(v) for v in range(16))
_S2_INV = tuple(S2.index(v) for v in range(16))
_P_INV = tuple(P.index(i) for i in range(64))

Table = tuple[int, ...]


def _byte_permutations(perm: tuple[int, ...]) -> list[Table]:
    """[byte position][byte] -> the byte's bits moved by ``perm`` (bit i of the block goes to perm[i])."""
    tables = []
    for position in range(8):
        table = [0] * 256
        for byte in range(1, 256):
            lowest = (byte & -byte).bit_length() - 1
            table[byte] = table[byte & (byte - 1)] | (1 << perm[8 * position + lowest])
        tables.append(tuple(table))
    return tables


def _substitute_byte(byte: int, selector: int, low: tuple[int, ...], high: tuple[int, ...]) -> int:
    """Substitute both nibbles of ``byte``: selector bit 0 picks the low nibble's box, bit 1 the high's."""
    low_box = high if selector & 1 else low
    high_box = high if selector & 2 else low
    return low_box[byte & 15] | (high_box[byte >> 4] << 4)


def _build_tables() -> tuple[list[list[Table]], list[list[Table]], list[Table], list[list[Table]]]:
    permute = _byte_permutations(P)
    unpermute = _byte_permutations(_P_INV)  # [byte position] -> Pinv(byte)
    encrypt: list[list[Table]] = []  # [byte position][selector] -> P(S(byte))
    decrypt: list[list[Table]] = []  # [byte position][selector] -> Pinv(Sinv(byte))
    unsubstitute: list[list[Table]] = []  # [byte position][selector] -> Sinv(byte)
    for position in range(8):
        forward = [[_substitute_byte(b, sel, S1, S2) for b in range(256)] for sel in range(4)]
        inverse = [[_substitute_byte(b, sel, _S1_INV, _S2_INV) for b in range(256)] for sel in range(4)]
        table_p, table_pinv = permute[position], unpermute[position]
        encrypt.append([tuple(table_p[v] for v in forward[sel]) for sel in range(4)])
        decrypt.append([tuple(table_pinv[v] for v in inverse[sel]) for sel in range(4)])
        unsubstitute.append([tuple(v << (8 * position) for v in inverse[sel]) for sel in range(4)])
    return encrypt, decrypt, unpermute, unsubstitute


_ENCRYPT, _DECRYPT, _UNPERMUTE, _UNSUBSTITUTE = _build_tables()


_NIBBLE_TOPS = 0x88888888  # bits 3, 7, ..., 31: the S-box selector bits of four bytes


def _by_selector_mask(tables: list[list[Table]], first: int) -> dict[int, tuple[Table, ...]]:
    """For bytes ``first``..``first + 3``: (round key & 0x88888888) -> the four tables it selects."""
    chosen = {}
    for pattern in range(256):
        mask = 0
        selectors = []
        for j in range(4):
            selector = (pattern >> (2 * j)) & 3
            selectors.append(selector)
            mask |= ((selector & 1) << (8 * j + 3)) | ((selector >> 1) << (8 * j + 7))
        chosen[mask] = tuple(tables[first + j][selectors[j]] for j in range(4))
    return chosen


_ENCRYPT_LOW = _by_selector_mask(_ENCRYPT, 0)
_ENCRYPT_HIGH = _by_selector_mask(_ENCRYPT, 4)
_DECRYPT_LOW = _by_selector_mask(_DECRYPT, 0)
_DECRYPT_HIGH = _by_selector_mask(_DECRYPT, 4)
_UNSUBSTITUTE_LOW = _by_selector_mask(_UNSUBSTITUTE, 0)
_UNSUBSTITUTE_HIGH = _by_selector_mask(_UNSUBSTITUTE, 4)


_ROUND_SHIFTS = tuple(64 - (52 + r) % 64 for r in range(ROUNDS))


def round_keys(key: int) -> list[int]:
    """The 16 round keys: NOT(key) rotated right by 12, then rotated left by one per round."""
    k = (~key) & _MASK64
    k = ((k >> 12) | (k << 52)) & _MASK64
    keys = []
    for _ in range(ROUNDS):
        keys.append(k)
        k = ((k << 1) | (k >> 63)) & _MASK64
    return keys


class StaCipher:
    """STA with one decoder key. ``encrypt`` and ``decrypt`` take and return 64-bit integers."""

    __slots__ = ("_decrypt_rounds", "_encrypt_rounds", "_key")

    def __init__(self, key: bytes) -> None:
        self._key = int.from_bytes(key, "big")
        low, high = _ENCRYPT_LOW, _ENCRYPT_HIGH
        k = (~self._key) & _MASK64
        twice = (k << 64) | k  # round r uses NOT(key) rotated left by 52 + r: twice >> _ROUND_SHIFTS[r]
        self._encrypt_rounds = [
            (low[(twice >> shift) & _NIBBLE_TOPS], high[(twice >> (shift + 32)) & _NIBBLE_TOPS])
            for shift in _ROUND_SHIFTS
        ]
        self._decrypt_rounds: list[tuple[tuple[Table, ...], tuple[Table, ...]]] | None = None

    def __repr__(self) -> str:
        return "StaCipher(key=<hidden>)"

    def encrypt(self, block: int) -> int:
        for (t0, t1, t2, t3), (t4, t5, t6, t7) in self._encrypt_rounds:
            b0, b1, b2, b3, b4, b5, b6, b7 = block.to_bytes(8, "little")
            block = t0[b0] | t1[b1] | t2[b2] | t3[b3] | t4[b4] | t5[b5] | t6[b6] | t7[b7]
        return block

    def _build_decrypt_rounds(self) -> list[tuple[tuple[Table, ...], tuple[Table, ...]]]:
        # Decryption: Pinv, then (Sinv of round r, then Pinv) for r = 15..1, then Sinv of round 0.
        keys = round_keys(self._key)
        low, high = _DECRYPT_LOW, _DECRYPT_HIGH
        rounds = [(tuple(_UNPERMUTE[:4]), tuple(_UNPERMUTE[4:]))]
        rounds += [(low[k & _NIBBLE_TOPS], high[(k >> 32) & _NIBBLE_TOPS]) for k in reversed(keys[1:])]
        first = keys[0]
        rounds.append((_UNSUBSTITUTE_LOW[first & _NIBBLE_TOPS], _UNSUBSTITUTE_HIGH[(first >> 32) & _NIBBLE_TOPS]))
        return rounds

    def decrypt(self, block: int) -> int:
        rounds = self._decrypt_rounds
        if rounds is None:
            rounds = self._decrypt_rounds = self._build_decrypt_rounds()
        for (t0, t1, t2, t3), (t4, t5, t6, t7) in rounds:
            b0, b1, b2, b3, b4, b5, b6, b7 = block.to_bytes(8, "little")
            block = t0[b0] | t1[b1] | t2[b2] | t3[b3] | t4[b4] | t5[b5] | t6[b6] | t7[b7]
        return block
