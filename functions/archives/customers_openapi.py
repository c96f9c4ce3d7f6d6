"""The customer-side routes in the OpenAPI document: `describe_customer_api(spec)` adds them to a builder."""

from __future__ import annotations

from functions.common.openapi import OpenApiBuilder
from gridvend.customers.cards import CancellationReading, CardNote, IssueCard, MakeUpCard, RegisterCards
from gridvend.customers.points import NewPoint, PointDetails
from gridvend.customers.schemas import (
    AddContractRequest,
    CancelContractRequest,
    CloseAccountRequest,
    ContractTerms,
    CustomerDetails,
    PayTypeChangeRequest,
    RegistrationRequest,
    ReplacementRequest,
)
from gridvend.customers.work_orders import AssignRequest, CancelRequest, CompletionRequest


def describe_customer_api(spec: OpenApiBuilder) -> None:
    bill = "/v1/register-bills/{bill_id}"
    spec.operation("POST", "/v1/register-bills", "Draft a register bill", body=RegistrationRequest, success=201)
    spec.operation("GET", "/v1/register-bills", "List register bills (status, serial, code, limit, cursor)")
    spec.operation("GET", bill, "Show a register bill", parameters=["bill_id"])
    spec.operation("PATCH", bill, "Edit a draft register bill (customer, contracts, payment)", parameters=["bill_id"])
    spec.operation("DELETE", bill, "Delete a draft register bill", success=204, parameters=["bill_id"])
    spec.operation("POST", f"{bill}/check", "Check: create the customer, contracts; meters in service",
                   parameters=["bill_id"])  # fmt: skip
    spec.operation("POST", f"{bill}/uncheck", "Uncheck while nothing changed since", parameters=["bill_id"])
    customer = "/v1/customers/{code}"
    spec.operation("GET", "/v1/customers", "Search customers (code, name, serial or phone prefix; limit, cursor)")
    spec.operation("GET", customer, "Show a customer with its contracts", parameters=["code"])
    spec.operation("PATCH", customer, "Change customer information", body=CustomerDetails, parameters=["code"])
    spec.operation("POST", f"{customer}/contracts", "Add a meter contract", body=AddContractRequest, success=201,
                   parameters=["code"])  # fmt: skip
    spec.operation("GET", f"{customer}/operations", "What was done for the customer (type)", parameters=["code"])
    spec.operation("POST", f"{customer}/close", "Account cancellation with settlement", body=CloseAccountRequest,
                   parameters=["code"])  # fmt: skip
    contract = "/v1/contracts/{serial}"
    spec.operation("GET", contract, "A meter's latest contract and its customer", parameters=["serial"])
    spec.operation("PATCH", contract, "Change contract terms", body=ContractTerms, parameters=["serial"])
    spec.operation("POST", f"{contract}/cancel", "Cancel a contract", body=CancelContractRequest, parameters=["serial"])
    spec.operation("POST", f"{contract}/replace", "Replace the meter", body=ReplacementRequest, parameters=["serial"])
    spec.operation("POST", f"{contract}/pay-type", "Change the pay type", body=PayTypeChangeRequest,
                   parameters=["serial"])  # fmt: skip
    point = "/v1/points-of-collection/{serial}"
    spec.operation("POST", "/v1/points-of-collection", "Add a point of collection", body=NewPoint, success=201)
    spec.operation("GET", "/v1/points-of-collection", "List points of collection (customer, grid)")
    spec.operation("GET", point, "Show a point of collection", parameters=["serial"])
    spec.operation("PATCH", point, "Change a point of collection", body=PointDetails, parameters=["serial"])
    spec.operation("DELETE", point, "Delete a point of collection", success=204, parameters=["serial"])
    order = "/v1/work-orders/{order_id}"
    spec.operation("POST", "/v1/work-orders", "Assign stock meters to an installer", body=AssignRequest, success=201)
    spec.operation("GET", "/v1/work-orders", "List work orders (state, installer; installers see their own)")
    spec.operation("GET", order, "Show a work order", parameters=["order_id"])
    spec.operation("POST", f"{order}/start", "Start a work order", parameters=["order_id"])
    spec.operation("POST", f"{order}/complete", "Complete a work order", body=CompletionRequest,
                   parameters=["order_id"])  # fmt: skip
    spec.operation("POST", f"{order}/cancel", "Cancel a work order", body=CancelRequest, parameters=["order_id"])
    card = "/v1/cards/{card_no}"
    spec.operation("POST", "/v1/cards", "Register card assets", body=RegisterCards, success=201)
    spec.operation("GET", "/v1/cards", "List cards (status, customer)")
    spec.operation("GET", card, "Show a card with its history", parameters=["card_no"])
    spec.operation("POST", f"{card}/issue", "Issue a consumer card", body=IssueCard, parameters=["card_no"])
    spec.operation("POST", f"{card}/loss", "Report a card lost", body=CardNote, parameters=["card_no"])
    spec.operation("POST", f"{card}/make-up", "Make up a lost card", body=MakeUpCard, parameters=["card_no"])
    spec.operation("POST", f"{card}/cancellation-card", "Write the account-cancellation card", body=CardNote,
                   parameters=["card_no"])  # fmt: skip
    spec.operation("POST", f"{card}/cancellation-reading", "Read back the cancellation card",
                   body=CancellationReading, parameters=["card_no"])  # fmt: skip
