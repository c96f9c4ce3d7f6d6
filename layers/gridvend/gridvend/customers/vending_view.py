"""What vending needs to know about a meter's contract, read in two GetItems (contract, then customer)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from gridvend.billing.pay_type_change import PayTypeChangeCarry
from gridvend.customers.model import Contract, ContractStatus, Customer, CustomerStatus, PayType
from gridvend.errors import Unprocessable
from gridvend.money import from_minor


@dataclass(frozen=True)
class VendingContract:
    serial: str
    contract_id: str
    customer_code: str
    customer_name: str
    customer_status: CustomerStatus
    contract_status: ContractStatus
    customer_type_id: str
    tariff_id: str
    pay_type: PayType
    ct_ratio: int
    pt_ratio: int
    power_threshold_w: int | None
    alarm_amount_1: Decimal | None
    alarm_amount_2: Decimal | None
    hoarding_limit: Decimal | None
    debt: Decimal
    carry: PayTypeChangeCarry
    pending_remainder: Decimal  # credit of a replaced meter that the next vend delivers
    pending_replacement_id: str | None
    card_no: str | None
    replaced_by: str | None
    contract_version: int  # for the vend's conditional write (ContractRepository.after_vend_operations)

    @property
    def may_vend(self) -> bool:
        return self.refusal() is None

    def refusal(self) -> str | None:
        """Why no electricity may be sold to this meter now, or None."""
        if self.customer_status is CustomerStatus.BLACKLIST:
            return f"customer '{self.customer_code}' is blacklisted"
        if self.customer_status is CustomerStatus.CLOSED:
            return f"customer '{self.customer_code}' has closed the account"
        if self.contract_status is ContractStatus.REPLACED:
            return f"meter '{self.serial}' was replaced by '{self.replaced_by}'"
        if self.contract_status is not ContractStatus.ACTIVE:
            return f"the contract of meter '{self.serial}' is {self.contract_status.value}"
        return None

    def require_vendable(self) -> None:
        reason = self.refusal()
        if reason is not None:
            raise Unprocessable(reason)


def vending_contract(contract: Contract, customer: Customer, decimals: int) -> VendingContract:
    def money(value: int | None) -> Decimal | None:
        return None if value is None else from_minor(value, decimals)

    pending = contract.pending_remainder
    return VendingContract(
        serial=contract.serial,
        contract_id=contract.contract_id,
        customer_code=customer.code,
        customer_name=customer.name,
        customer_status=customer.status,
        contract_status=contract.status,
        customer_type_id=customer.customer_type_id,
        tariff_id=contract.tariff_id,
        pay_type=contract.pay_type,
        ct_ratio=contract.ct_ratio,
        pt_ratio=contract.pt_ratio,
        power_threshold_w=contract.power_threshold_w,
        alarm_amount_1=money(contract.alarm_amount_1),
        alarm_amount_2=money(contract.alarm_amount_2),
        hoarding_limit=money(contract.hoarding_limit),
        debt=from_minor(contract.debt, decimals),
        carry=PayTypeChangeCarry(
            prearranged=from_minor(contract.carry.prearranged, decimals),
            receivable=from_minor(contract.carry.receivable, decimals),
            remain=from_minor(contract.carry.remain, decimals),
        ),
        pending_remainder=from_minor(pending.amount if pending else 0, decimals),
        pending_replacement_id=pending.replacement_id if pending else None,
        card_no=customer.card_no,
        replaced_by=contract.replaced_by,
        contract_version=contract.version,
    )
