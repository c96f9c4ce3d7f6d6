"""A meter's STS identity: what a token for it is made from (IEC 62055-41)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from gridvend.errors import InvalidInput

DEFAULT_IIN = "600727"
PAN_DIGITS = 17  # IIN + DRN
IDENTITY_FIELDS = ("iin", "drn", "sgc", "ti", "krn", "key_type", "ea", "dkga", "base_date", "key_expiry")

Iin = Annotated[str, Field(pattern=r"^(\d{4}|\d{6})$")]
Drn = Annotated[str, Field(pattern=r"^\d{1,13}$")]
Sgc = Annotated[str, Field(pattern=r"^\d{6}$")]
Ti = Annotated[int, Field(ge=0, le=99)]
Krn = Annotated[int, Field(ge=1, le=9)]
KeyType = Annotated[int, Field(ge=0, le=3)]
Ea = Literal[7, 9, 11]
Dkga = Literal[2, 4]
BaseDate = Literal[1993, 2014, 2035]
KeyExpiry = Annotated[int, Field(ge=0, le=255)]


class StsIdentityInput(BaseModel):
    """The identity as given; `drn` and `base_date` may be left out and come from the serial and tenant."""

    model_config = ConfigDict(extra="forbid")

    iin: Iin = DEFAULT_IIN
    drn: Drn | None = None
    sgc: Sgc
    ti: Ti = 1
    krn: Krn = 1
    key_type: KeyType = 2
    ea: Ea = 7
    dkga: Dkga = 2
    base_date: BaseDate | None = None
    key_expiry: KeyExpiry = 255


def drn_problem(iin: str, drn: str) -> str | None:
    if len(iin) + len(drn) != PAN_DIGITS:
        return f"{PAN_DIGITS - len(iin)} digits after a {len(iin)}-digit iin"
    return None


def resolved_identity(given: StsIdentityInput, serial: str, tenant_base_date: int) -> dict[str, Any]:
    """The complete identity: the DRN defaults to a numeric serial, the base date to the tenant's."""
    drn = given.drn
    if drn is None:
        if not serial.isdigit():
            raise InvalidInput.for_field("drn", "required when the serial is not numeric")
        drn = serial
    problem = drn_problem(given.iin, drn)
    if problem is not None:
        reason = problem if given.drn is not None else f"the serial is not a usable DRN ({problem}); give drn"
        raise InvalidInput.for_field("drn", reason)
    identity = given.model_dump(include=set(IDENTITY_FIELDS))
    identity["drn"] = drn
    identity["base_date"] = given.base_date or tenant_base_date
    return identity
