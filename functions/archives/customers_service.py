"""What the customer and contract routes share: the workspace for the caller's tenant, the register bill
service, searches, and how records are shown."""

from __future__ import annotations

from typing import Any

from gridvend.auth.context import TenantContext
from gridvend.bills.service import BillService
from gridvend.customers.model import Customer
from gridvend.customers.presented import shown_contract, shown_money_fields
from gridvend.customers.registration import RegisterBillHandler
from gridvend.customers.workspace import Workspace
from gridvend.errors import InvalidInput
from gridvend.meters.serials import normal_serial
from gridvend.store.customers import CustomerQuery
from gridvend.store.items import ItemStore

RECORD_MONEY_FIELDS = (
    "amount", "vat", "due", "paid", "change", "remainder", "carried_remainder", "debt", "remaining_credit",
    "prearranged", "receivable", "remain", "owed_by_customer", "owed_to_customer", "refund",
)  # fmt: skip
SEARCH_PARAMETERS = ("code", "name", "serial", "phone")


def decimals_of(ctx: TenantContext) -> int:
    return int(ctx.extra.get("decimals", "2"))


def workspace(store: ItemStore, ctx: TenantContext) -> Workspace:
    return Workspace.open(store, ctx, decimals_of(ctx))


def register_bill_service(store: ItemStore, ctx: TenantContext) -> BillService:
    return BillService(store, ctx, [RegisterBillHandler(store, ctx, decimals_of(ctx))])


def shown_record(record: dict[str, Any], decimals: int) -> dict[str, Any]:
    shown = shown_money_fields(record, RECORD_MONEY_FIELDS, decimals)
    credits = record.get("credits")
    if isinstance(credits, dict):
        shown["credits"] = shown_money_fields(credits, tuple(credits), decimals)
    return shown


def customer_with_contracts(space: Workspace, customer: Customer) -> dict[str, Any]:
    contracts = space.contracts.of_customer(customer.code)
    latest = {c.serial: space.contracts.get(c.serial) for c in contracts}
    shown = [
        shown_contract(current, space.decimals)
        for current in latest.values()
        if current is not None and current.customer_code == customer.code
    ]
    return {**customer.public(), "contracts": shown}


def search_customers(
    space: Workspace, params: dict[str, str], *, limit: int, start_key: dict[str, str] | None
) -> tuple[list[Customer], dict[str, str] | None]:
    given = [name for name in SEARCH_PARAMETERS if params.get(name, "").strip()]
    if len(given) > 1:
        raise InvalidInput.for_field(given[1], f"search by one of {', '.join(SEARCH_PARAMETERS)} at a time")
    if given == ["serial"]:
        contracts, next_key = space.contracts.page(normal_serial(params["serial"]), limit=limit, start_key=start_key)
        codes = dict.fromkeys(contract.customer_code for contract in contracts)
        found = [space.customers.get(code) for code in codes]
        return [customer for customer in found if customer is not None], next_key
    query = CustomerQuery(
        code_prefix=params.get("code", "").strip() or None,
        name_prefix=params.get("name", "").strip() or None,
        phone_prefix=params.get("phone", "").strip() or None,
    )
    return space.customers.page(query, limit=limit, start_key=start_key)


def search_partition(space: Workspace, params: dict[str, str]) -> str:
    if params.get("serial", "").strip():
        return space.contracts.partition
    query = CustomerQuery(
        name_prefix=params.get("name", "").strip() or None, phone_prefix=params.get("phone", "").strip() or None
    )
    return space.customers.plan(query).partition
