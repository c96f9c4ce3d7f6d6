"""STS engine throughput on one core. Prints figures; asserts no timings.

    python bench/bench_sts.py [--seconds 1.0]

STA credit tokens per second, the engine beside the plain bit-at-a-time reference (sts_reference.py)
and their ratio, once with one decoder key for every token and once with a new key per token (a
different meter each time, as in vending). Then DEA and MISTY1 tokens per second and DKGA02 / DKGA04
decoder keys per second.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import random
import time
from collections.abc import Callable
from decimal import Decimal

import sts_reference

from gridvend.sts import CreditToken, MeterKeyIdentity, dkga02, dkga04, encode_token

AMOUNTS = [Decimal(f"{random.Random(i).randint(1, 50000)}.{i % 10}") for i in range(64)]


def rate(work: Callable[[int], object], seconds: float, repeats: int = 3) -> float:
    """Calls per second of ``work(i)``: the best of ``repeats`` runs sharing ``seconds``."""
    best = 0.0
    for _ in range(repeats):
        count = 0
        batch = 16
        start = time.perf_counter()
        deadline = start + seconds / repeats
        while True:
            for i in range(count, count + batch):
                work(i)
            count += batch
            now = time.perf_counter()
            if now >= deadline:
                break
            batch = min(batch * 2, 4096)
        best = max(best, count / (now - start))
    return best


def show(label: str, per_second: float) -> None:
    print(f"{label:36}{per_second:12,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="time per figure")
    seconds = parser.parse_args().seconds
    with contextlib.suppress(AttributeError, OSError):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    rng = random.Random(62055)
    keys8 = [rng.randbytes(8) for _ in range(1024)]
    keys16 = [rng.randbytes(16) for _ in range(1024)]
    one_key = keys8[0]

    def request(i: int) -> CreditToken:
        return CreditToken(0, 5871715 + i % 100000, i % 16, AMOUNTS[i % 64])

    def engine_sta(i: int, key_of: Callable[[int], bytes]) -> str:
        return encode_token(request(i), key_of(i), 7)

    def reference_sta(i: int, key_of: Callable[[int], bytes]) -> str:
        return sts_reference.credit_token(0, 5871715 + i % 100000, i % 16, AMOUNTS[i % 64], key_of(i))

    print(f"STS token engine, one core, ~{seconds:g} s per figure")
    print(f"{'':36}{'engine/s':>12}{'reference/s':>14}{'ratio':>9}")

    def same_key(i: int) -> bytes:
        return one_key

    def key_per_token(i: int) -> bytes:
        return keys8[i % 1024]

    for label, key_of in (
        ("STA credit tokens, one key", same_key),
        ("STA credit tokens, key per token", key_per_token),
    ):
        engine = rate(functools.partial(engine_sta, key_of=key_of), seconds)
        plain = rate(functools.partial(reference_sta, key_of=key_of), seconds)
        print(f"{label:36}{engine:12,.0f}{plain:14,.0f}{engine / plain:8.1f}x")

    show("DEA credit tokens, key per token", rate(lambda i: encode_token(request(i), keys8[i % 1024], 9), seconds))
    show("MISTY1 credit tokens, key per token", rate(lambda i: encode_token(request(i), keys16[i % 1024], 11), seconds))

    identities = [MeterKeyIdentity("600727", f"{i:011d}", 2, "123456", 1, 1) for i in range(1024)]
    vk02 = rng.randbytes(8)
    vk04 = rng.randbytes(20)
    show("DKGA02 decoder keys", rate(lambda i: dkga02(vk02, identities[i % 1024]), seconds))
    show("DKGA04 decoder keys", rate(lambda i: dkga04(vk04, identities[i % 1024]), seconds))


if __name__ == "__main__":
    main()
