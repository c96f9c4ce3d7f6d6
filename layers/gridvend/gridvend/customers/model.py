"""Customers and contracts as stored: money in integer minor units, dates as ISO text."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class CustomerStatus(StrEnum):
    ACTIVE = "active"
    BLACKLIST = "blacklist"  # may not buy electricity
    CLOSED = "closed"  # account cancelled and settled


class PayType(StrEnum):
    PREPAID = "prepaid"
    POSTPAID = "postpaid"


class ContractStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"  # the meter no longer sells; it went back for stock-in
    REPLACED = "replaced"  # the contract moved to another meter
    CLOSED = "closed"  # cancelled with the whole account


@dataclass(frozen=True)
class Customer:
    code: str
    name: str
    customer_type_id: str
    status: CustomerStatus = CustomerStatus.ACTIVE
    id_number: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    region_id: str | None = None
    bank_id: str | None = None
    bank_account: str = ""
    corporation: str = ""
    tax_number: str = ""
    guarantor: dict[str, str] = field(default_factory=dict)
    register_date: str | None = None
    remark: str = ""
    card_no: str | None = None  # the IC card in use, if any
    register_bill_id: str | None = None
    created_at: str = ""
    updated_at: str = ""
    closed_at: str | None = None
    version: int = 1

    def stored(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("version")
        data["status"] = self.status.value
        return data

    def public(self) -> dict[str, Any]:
        return {**self.stored(), "version": self.version}

    @staticmethod
    def from_stored(data: dict[str, Any], version: int) -> Customer:
        known = {name: data[name] for name in Customer.__dataclass_fields__ if name in data and name != "version"}
        known["status"] = CustomerStatus(data["status"])
        known["guarantor"] = dict(data.get("guarantor") or {})
        return Customer(**known, version=version)


@dataclass(frozen=True)
class Carry:
    """What a pay-type change left for the next purchase, in minor units (see billing.PayTypeChangeCarry)."""

    prearranged: int = 0
    receivable: int = 0
    remain: int = 0


@dataclass(frozen=True)
class PendingRemainder:
    """Credit left on a replaced meter, to be delivered to this meter by the next vend (a token)."""

    replacement_id: str
    amount: int


@dataclass(frozen=True)
class Contract:
    contract_id: str
    serial: str
    customer_code: str
    tariff_id: str
    record_id: str  # this meter's stretch of the contract (a replacement starts a new one)
    status: ContractStatus = ContractStatus.ACTIVE
    pay_type: PayType = PayType.PREPAID
    ct_ratio: int = 1
    pt_ratio: int = 1
    install_date: str | None = None
    start_date: str | None = None
    expiry_date: str | None = None
    power_threshold_w: int | None = None
    alarm_amount_1: int | None = None
    alarm_amount_2: int | None = None
    hoarding_limit: int | None = None
    debt: int = 0
    carry: Carry = field(default_factory=Carry)
    pending_remainder: PendingRemainder | None = None
    remark: str = ""
    register_bill_id: str | None = None
    replaced_by: str | None = None  # the serial the contract moved to
    replaces: str | None = None  # the serial it came from
    created_at: str = ""
    updated_at: str = ""
    ended_at: str | None = None
    end_reason: str = ""
    version: int = 1

    @property
    def ratio(self) -> int:
        return self.ct_ratio * self.pt_ratio

    def stored(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("version")
        data["status"] = self.status.value
        data["pay_type"] = self.pay_type.value
        return data

    @staticmethod
    def from_stored(data: dict[str, Any], version: int) -> Contract:
        known = {name: data[name] for name in Contract.__dataclass_fields__ if name in data and name != "version"}
        known["status"] = ContractStatus(data["status"])
        known["pay_type"] = PayType(data["pay_type"])
        for name in ("ct_ratio", "pt_ratio", "debt"):
            known[name] = int(data.get(name) or 0) if name == "debt" else int(data.get(name) or 1)
        for name in ("power_threshold_w", "alarm_amount_1", "alarm_amount_2", "hoarding_limit"):
            known[name] = None if data.get(name) is None else int(data[name])
        carry = data.get("carry") or {}
        known["carry"] = Carry(**{name: int(carry.get(name) or 0) for name in ("prearranged", "receivable", "remain")})
        pending = data.get("pending_remainder")
        known["pending_remainder"] = (
            PendingRemainder(str(pending["replacement_id"]), int(pending["amount"])) if pending else None
        )
        return Contract(**known, version=version)
