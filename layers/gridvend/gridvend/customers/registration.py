"""The register bill: a new customer with one or more meter contracts and the registration charges paid.
Drafted and edited freely; checking it creates the customer and contracts and puts the meters in service,
in one transaction; unchecking undoes that while nothing has changed since."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from gridvend.auth.context import TenantContext
from gridvend.bills.handler import CheckOutcome
from gridvend.bills.model import Bill, BillContent
from gridvend.customers.charges import fees_for, settle
from gridvend.customers.contract_setup import install, new_contract, registrable_meter, unique_serials, with_meter_ratio
from gridvend.customers.lookups import ArchiveLookups
from gridvend.customers.model import Contract, Customer, CustomerStatus
from gridvend.customers.numbers import Numbers, local_today
from gridvend.customers.presented import request_payload, stored_request
from gridvend.customers.schemas import NewContract, NewCustomer, Payment, RegistrationRequest
from gridvend.errors import Conflict, FieldProblem, InvalidInput
from gridvend.meters.states import MeterState
from gridvend.money import from_minor, to_minor
from gridvend.store.archives import ArchiveRepository
from gridvend.store.contracts import ContractRepository, PointRepository, contract_references
from gridvend.store.customers import CustomerRepository, OperationRecords, customer_references, normal_code, now_text
from gridvend.store.guarded import Guarded
from gridvend.store.items import Delete, ItemStore
from gridvend.store.meters import MeterRepository
from gridvend.validation import invalid_input_from

BILL_TYPE = "register"
CUSTOMER_NUMBERING = "customer"


class RegisterBillHandler:
    bill_type = BILL_TYPE
    numbering_codes = (BILL_TYPE,)

    def __init__(self, store: ItemStore, ctx: TenantContext, decimals: int) -> None:
        self._ctx = ctx
        self._decimals = decimals
        self._archives = ArchiveRepository(store, ctx)
        self._lookups = ArchiveLookups(self._archives, decimals)
        self._customers = CustomerRepository(store, ctx)
        self._contracts = ContractRepository(store, ctx, decimals)
        self._points = PointRepository(store, ctx)
        self._meters = MeterRepository(store, ctx)
        self._records = OperationRecords(store, ctx)
        self._numbers = Numbers(store, ctx)

    def prepare(self, payload: dict[str, Any]) -> BillContent:
        try:
            request = RegistrationRequest.model_validate(payload)
        except ValidationError as error:
            raise invalid_input_from(error) from None
        for position, contract in enumerate(request.contracts):
            stored_request(contract, self._decimals, f"contracts[{position}].")
        stored_payment = stored_request(request.payment, self._decimals, "payment.")
        customer = request.customer.model_copy(update={"code": self._customer_code(request.customer)})
        customer_type = self._lookups.require("customer-types", customer.customer_type_id, "customer.customer_type_id")
        self._lookups.require_optional("regions", customer.region_id, "customer.region_id")
        self._lookups.require_optional("banks", customer.bank_id, "customer.bank_id")
        self._lookups.require_optional("banks", request.payment.bank_id, "payment.bank_id")
        unique_serials([contract.serial for contract in request.contracts], "contracts")
        contracts: list[NewContract] = []
        for position, contract in enumerate(request.contracts):
            field = f"contracts[{position}]"
            self._lookups.require("tariffs", contract.tariff_id, f"{field}.tariff_id")
            meter = registrable_meter(self._meters, self._contracts, contract.serial, f"{field}.serial")
            contracts.append(with_meter_ratio(contract, meter))
        items = self._lookups.fee_items(
            list(customer_type.data.get("registration_charge_item_ids") or []), "customer.customer_type_id"
        )
        fees = fees_for(items, [c.serial for c in contracts], self._lookups.vat_percent(customer_type), self._decimals)
        payment = request.payment
        settlement = settle(
            fees.total,
            payment.paid,
            self._lookups.term_rules(payment.payment_term_id, "payment.payment_term_id"),
            cheque_no=payment.cheque_no,
            bank_id=payment.bank_id,
        )
        header = {
            "customer": stored_request(customer, self._decimals),
            "payment": stored_payment,
            "fees": [line.stored(self._decimals) for line in fees.lines],
            "vat": to_minor(fees.vat, self._decimals),
            "settlement": settlement.stored(self._decimals),
        }
        lines = [stored_request(contract, self._decimals) for contract in contracts]
        terms = [str(customer.code), customer.name.lower(), *(c.serial for c in contracts)]
        return BillContent(header, lines, terms)

    def payload(self, bill: Bill, changes: dict[str, Any]) -> dict[str, Any]:
        current: dict[str, Any] = {
            "customer": request_payload(NewCustomer, bill.header["customer"], self._decimals),
            "contracts": [request_payload(NewContract, line, self._decimals) for line in bill.lines],
            "payment": request_payload(Payment, bill.header["payment"], self._decimals),
        }
        merged: dict[str, Any] = dict(current)
        for name, value in changes.items():
            partial = name in ("customer", "payment") and isinstance(value, dict)
            merged[name] = {**current[name], **value} if partial else value  # contracts: the whole list
        return merged

    def check(self, bill: Bill) -> CheckOutcome:
        request = RegistrationRequest.model_validate(self.payload(bill, {}))
        code = normal_code(str(request.customer.code))
        customer = self._new_customer(request.customer, code, bill.bill_id)
        operations: list[Guarded] = [
            self._customers.creation(customer),
            self._customers.audit("create", None, customer),
        ]
        created: list[Contract] = []
        undo: list[dict[str, Any]] = []
        today = local_today(self._ctx)
        for contract_request in request.contracts:
            contract = new_contract(contract_request, code, self._decimals, bill_id=bill.bill_id, today=today)
            installed = install(self._meters, self._contracts, contract, f"registered to customer {code}", bill.bill_id)
            operations += installed.operations
            created.append(installed.contract)
            undo.append(
                {
                    "serial": contract.serial,
                    "version": installed.contract.version,
                    "previous_record_id": installed.previous_record_id,
                    "from_state": installed.from_state.value,
                }
            )
        references = customer_references(customer) + [r for c in created for r in contract_references(c)]
        operations += self._archives.reference_changes([], references)
        record, record_put = self._records.new(
            "register",
            code,
            {
                "bill_id": bill.bill_id,
                "bill_number": bill.number,
                "serials": [c.serial for c in created],
                "fees": bill.header["fees"],
                "vat": bill.header["vat"],
                "settlement": bill.header["settlement"],
            },
            number=bill.number,
        )
        operations.append(record_put)
        return CheckOutcome(operations, {"customer_code": code, "contracts": undo, "record_id": record["id"]})

    def uncheck(self, bill: Bill) -> list[Guarded]:
        code = str(bill.effects["customer_code"])
        customer = self._customers.get(code)
        moved_on = Conflict(
            f"customer '{code}' has changed since bill {bill.number} was checked; use the change modules instead"
        )
        if customer is None or customer.version != 1 or customer.register_bill_id != bill.bill_id:
            raise moved_on
        made = {entry["serial"] for entry in bill.effects["contracts"]}
        if {c.serial for c in self._contracts.of_customer(code)} != made:
            raise moved_on
        if self._points.page(code, None, limit=1, start_key=None)[0]:
            raise moved_on  # its meters were placed on the network since
        operations: list[Guarded] = [
            self._customers.deletion(customer),
            self._customers.audit("delete", customer, None),
        ]
        removed_references = customer_references(customer)
        for entry in bill.effects["contracts"]:
            contract = self._contracts.get(entry["serial"])
            if contract is None or contract.version != int(entry["version"]) or contract.customer_code != code:
                raise moved_on
            operations += self._contracts.undo_creation(contract, entry.get("previous_record_id"))
            operations.append(self._contracts.audit("delete", contract, None))
            operations += self._meter_back(contract.serial, MeterState(entry["from_state"]), bill)
            removed_references += contract_references(contract)
        operations += self._archives.reference_changes(removed_references, [])
        operations.append(Guarded(Delete(self._records.partition, f"O#{bill.effects['record_id']}")))
        return operations

    def _meter_back(self, serial: str, state: MeterState, bill: Bill) -> list[Guarded]:
        meter = self._meters.get(serial)
        if meter is None or meter.state is not MeterState.IN_SERVICE or meter.last_bill_id != bill.bill_id:
            raise Conflict(f"meter '{serial}' has moved on since bill {bill.number} was checked")
        return self._meters.state_change_operations(
            serial, (MeterState.IN_SERVICE,), state, f"bill {bill.number} unchecked", bill_id=bill.bill_id
        )

    def _customer_code(self, customer: NewCustomer) -> str:
        if customer.code:
            code = normal_code(customer.code)
            if self._customers.get(code) is not None:
                message = f"customer code '{code}' is already used"
                raise Conflict(message, [FieldProblem("customer.code", "already used")])
            return code
        number = self._numbers.take(CUSTOMER_NUMBERING)
        if number is None:
            raise InvalidInput.for_field(
                "customer.code", f"required: the tenant has no numbering rule '{CUSTOMER_NUMBERING}'"
            )
        return normal_code(number)

    def _new_customer(self, details: NewCustomer, code: str, bill_id: str) -> Customer:
        moment = now_text()
        return Customer(
            code=code,
            name=details.name,
            customer_type_id=details.customer_type_id,
            status=CustomerStatus(details.status),
            id_number=details.id_number,
            phone=details.phone,
            email=details.email,
            address=details.address,
            region_id=details.region_id,
            bank_id=details.bank_id,
            bank_account=details.bank_account,
            corporation=details.corporation,
            tax_number=details.tax_number,
            guarantor=details.guarantor.model_dump(),
            register_date=(details.register_date or local_today(self._ctx)).isoformat(),
            remark=details.remark,
            register_bill_id=bill_id,
            created_at=moment,
            updated_at=moment,
        )


def shown_register_bill(bill: Bill, decimals: int) -> dict[str, Any]:
    def money(minor: Any) -> str:
        return str(from_minor(int(minor), decimals))

    header = bill.header
    settlement = header.get("settlement") or {}
    return {
        **{name: value for name, value in bill.public().items() if name not in header and name != "lines"},
        "customer": request_payload(NewCustomer, header["customer"], decimals),
        "contracts": [request_payload(NewContract, line, decimals) for line in bill.lines],
        "payment": request_payload(Payment, header["payment"], decimals),
        "fees": [{**line, "amount": money(line["amount"])} for line in header.get("fees", [])],
        "vat": money(header.get("vat", 0)),
        "due": money(settlement.get("due", 0)),
        "paid": money(settlement.get("paid", 0)),
        "change": money(settlement.get("change", 0)),
    }
