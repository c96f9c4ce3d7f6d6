"""Request bodies: a customer's base information, a meter contract's terms, a payment."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from gridvend.archives.fields import Code, Money, Name, Phone, RecordId, Text
from gridvend.customers.model import PayType
from gridvend.meters.schemas import Ratio, Serial

ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]
IdNumber = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^[A-Za-z0-9\-/ ]*$")]
BankAccount = Annotated[str, StringConstraints(strip_whitespace=True, max_length=40, pattern=r"^[A-Za-z0-9\- ]*$")]
EMAIL_PATTERN = r"^([^@\s]+@[^@\s]+\.[^@\s]+)?$"  # empty, or one @ and a dotted domain
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100, pattern=EMAIL_PATTERN)]
EditableStatus = Annotated[str, StringConstraints(pattern=r"^(active|blacklist)$")]
MAX_CONTRACTS_PER_BILL = 15  # checking writes ~6 items per contract into one transaction of at most 100


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Guarantor(Strict):
    name: ShortText = ""
    id_number: IdNumber = ""
    phone: Phone = ""
    address: Text = ""


class CustomerDetails(Strict):
    """Everything about a customer that the change-customer-information module may change."""

    name: Name
    customer_type_id: RecordId
    status: EditableStatus = "active"
    id_number: IdNumber = ""
    phone: Phone = ""
    email: Email = ""
    address: Text = ""
    region_id: RecordId | None = None
    bank_id: RecordId | None = None
    bank_account: BankAccount = ""
    corporation: ShortText = ""
    tax_number: IdNumber = ""
    guarantor: Guarantor = Guarantor()
    register_date: dt.date | None = None
    remark: Text = ""


class NewCustomer(CustomerDetails):
    code: Code | None = None  # None: the "customer" numbering rule gives it


class ContractTerms(Strict):
    """A meter contract's terms: what the change-meter-information module may change."""

    tariff_id: RecordId
    install_date: dt.date | None = None
    start_date: dt.date | None = None
    expiry_date: dt.date | None = None
    ct_ratio: Ratio | None = None  # None: the meter's
    pt_ratio: Ratio | None = None
    power_threshold_w: int | None = Field(default=None, ge=0, le=10_000_000)
    alarm_amount_1: Money | None = None
    alarm_amount_2: Money | None = None
    hoarding_limit: Money | None = None
    debt: Money = Decimal(0)  # the outstanding (OS) amount the customer brings
    remark: Text = ""


class NewContract(ContractTerms):
    serial: Serial
    pay_type: PayType = PayType.PREPAID


class Payment(Strict):
    payment_term_id: RecordId | None = None
    paid: Money | None = None  # None: exactly what is due
    cheque_no: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    bank_id: RecordId | None = None


class RegistrationRequest(Strict):
    customer: NewCustomer
    contracts: Annotated[list[NewContract], Field(min_length=1, max_length=MAX_CONTRACTS_PER_BILL)]
    payment: Payment = Payment()


class AddContractRequest(NewContract):
    payment: Payment = Payment()


class CancelContractRequest(Strict):
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    remaining_credit: Money = Decimal(0)  # read from the meter, recorded for the settlement


class ContractCredit(Strict):
    serial: Serial
    remaining_credit: Money = Decimal(0)


class CloseAccountRequest(Strict):
    """Account cancellation with settlement: every contract ends, debts and credits are settled."""

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    credits: Annotated[list[ContractCredit], Field(max_length=MAX_CONTRACTS_PER_BILL)] = []
    payment: Payment = Payment()


class ReplacementRequest(Strict):
    reason_id: RecordId
    new_serial: Serial
    old_meter_state: Annotated[str, StringConstraints(pattern=r"^(scrapped|maintenance)$")] = "maintenance"
    remainder: Money = Decimal(0)  # credit left on the old meter, carried to the new one by a token
    ct_ratio: Ratio | None = None  # None: the new meter's
    pt_ratio: Ratio | None = None
    worker_name: ShortText = ""
    remark: Text = ""
    payment: Payment = Payment()


class PayTypeChangeRequest(Strict):
    to: PayType
    unpaid_postpaid_amount: Money = Decimal(0)  # postpaid -> prepaid: the debt left (receivable)
    prepaid_remaining_amount: Money = Decimal(0)  # prepaid -> postpaid: credit to return (remain)
    prearrange_amount: Money | None = None  # None: the customer type's
    remark: Text = ""


__all__ = [
    "MAX_CONTRACTS_PER_BILL",
    "AddContractRequest",
    "CancelContractRequest",
    "CloseAccountRequest",
    "ContractTerms",
    "CustomerDetails",
    "Guarantor",
    "NewContract",
    "NewCustomer",
    "PayTypeChangeRequest",
    "Payment",
    "RegistrationRequest",
    "ReplacementRequest",
]
