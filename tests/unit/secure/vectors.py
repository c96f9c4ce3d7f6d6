"""Known keys and identities shared by the secure module tests (published STS test vectors)."""

from __future__ import annotations

from decimal import Decimal

from gridvend.secure.key_file import KeyFile, TransportKey, seal_key_file
from gridvend.secure.secret_bytes import SecretBytes
from gridvend.secure.vending_key import VendingKeyInfo, VendingKeyType
from gridvend.sts.keys import MeterKeyIdentity
from gridvend.sts.token_requests import CreditToken

TRANSPORT_KEY = TransportKey("tk-test-1", SecretBytes(bytes(range(32))))
OTHER_TRANSPORT_KEY = TransportKey("tk-test-1", SecretBytes(bytes(range(1, 33))))
MASTER_KEY = SecretBytes(bytes(range(100, 132)))

DKGA02_VENDING_KEY = "abababababababab"
DKGA02_METER = MeterKeyIdentity(iin="600727", drn="00000000000", key_type=2, sgc="123456", ti=1, krn=1)
DKGA02_DECODER_KEY = "E653341F9D5BF36F"

DKGA04_VENDING_KEY = "abababababababab949494949494949401234567"
DKGA04_METER = MeterKeyIdentity(
    iin="600727", drn="00000000000", key_type=2, sgc="123457", ti=1, krn=1, base_date=1993, ea=7
)
DKGA04_DECODER_KEY = "AA4BAA8749C10D27"

# A second revision of the DKGA02 key (for key changes) and an engineering-only key.
DKGA02_NEXT_VENDING_KEY = "0123456789abcdef"
ENGINEERING_VENDING_KEY = "fedcba9876543210"
ENGINEERING_SGC = "654321"

# CTSA01 01/03/2004 13:55:00, subclass 0: this request under DKGA02_DECODER_KEY.
CTSA01_REQUEST = CreditToken(subclass=0, tid=5871715, random=5, amount=Decimal("0.1"))
CTSA01_TOKEN = "23716100501183194197"

DKGA02_INFO = VendingKeyInfo("123456", 1, VendingKeyType.CREDIT, dkga=2, current=True, supplier="Test KMC")
DKGA02_NEXT_INFO = VendingKeyInfo("123456", 2, VendingKeyType.CREDIT, dkga=2)
DKGA04_INFO = VendingKeyInfo("123457", 1, VendingKeyType.CREDIT, dkga=4, current=True)
ENGINEERING_INFO = VendingKeyInfo(ENGINEERING_SGC, 1, VendingKeyType.ENGINEERING, dkga=2, current=True)

PLAIN_VENDING_KEYS = {
    DKGA02_INFO.ref: DKGA02_VENDING_KEY,
    DKGA02_NEXT_INFO.ref: DKGA02_NEXT_VENDING_KEY,
    DKGA04_INFO.ref: DKGA04_VENDING_KEY,
    ENGINEERING_INFO.ref: ENGINEERING_VENDING_KEY,
}
ALL_INFOS = (DKGA02_INFO, DKGA02_NEXT_INFO, DKGA04_INFO, ENGINEERING_INFO)
SECRET_HEX_VALUES = (*PLAIN_VENDING_KEYS.values(), DKGA02_DECODER_KEY, DKGA04_DECODER_KEY)


def sealed_key_file(
    infos: tuple[VendingKeyInfo, ...] = ALL_INFOS, transport_key: TransportKey = TRANSPORT_KEY
) -> KeyFile:
    return seal_key_file(
        ((info, SecretBytes.from_hex(PLAIN_VENDING_KEYS[info.ref])) for info in infos),
        transport_key,
        issuer="Test KMC",
    )


def engineering_meter(krn: int = 1) -> MeterKeyIdentity:
    return MeterKeyIdentity(iin="600727", drn="00000000000", key_type=2, sgc=ENGINEERING_SGC, ti=1, krn=krn)


def leaks_secret(text: str) -> bool:
    """Whether text shows any known vending or decoder key, in either case."""
    lowered = text.lower()
    return any(secret.lower() in lowered for secret in SECRET_HEX_VALUES)
