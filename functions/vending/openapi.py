"""OpenAPI entries of the vending routes and of the meter side of the archives function."""

from __future__ import annotations

from functions.archives.routes.devices import BindRequest
from functions.common.openapi import OpenApiBuilder
from functions.vending.credit_refunds import CreditRefundRequest
from functions.vending.routes.secure_modules import KeyFileUpload
from functions.vending.schemas import CreditTransfer, ModuleCreation, VendRequest
from gridvend.imports.schemas import ImportRequest
from gridvend.meters.devices import ConcentratorInput, HhuInput, ModuleInput, SimInput
from gridvend.meters.schemas import MeterPatch, NewMeter
from gridvend.meters.stock_schemas import StockInRequest, StockOutRequest


def describe_vending_api(spec: OpenApiBuilder) -> None:
    spec.operation(
        "POST",
        "/v1/vends",
        "Sell: a receipt with tokens; header Idempotency-Key (one per payment)",
        body=VendRequest,
        success=201,
    )
    spec.operation(
        "POST", "/v1/vends/quote", "Quote: the breakdown and energy a sale with this body would have; sells nothing",
        body=VendRequest,
    )
    spec.operation("GET", "/v1/vends", "Token enquiry: vends of a meter, newest first (meter, limit, cursor)")
    spec.operation("GET", "/v1/vends/{bill_number}", "Show a vend", parameters=["bill_number"])
    spec.operation(
        "GET", "/v1/vends/{bill_number}/receipt", "Receipt as pdf, escpos or text (format)", parameters=["bill_number"]
    )
    spec.operation("GET", "/v1/secure-modules", "List secure modules with their keys (never key bytes) and credit")
    spec.operation("POST", "/v1/secure-modules", "Register a secure module", body=ModuleCreation, success=201)
    spec.operation(
        "POST",
        "/v1/secure-modules/{module_id}/key-file",
        "Load a key file",
        body=KeyFileUpload,
        parameters=["module_id"],
    )
    spec.operation(
        "POST",
        "/v1/secure-modules/{module_id}/credit",
        "Replace, add or decrease the module's credit",
        body=CreditTransfer,
        parameters=["module_id"],
    )
    spec.operation(
        "POST",
        "/v1/meters/{serial}/credit-refunds",
        "Pay back a meter's carried credit in cash (all, or amount), with no vend behind it",
        body=CreditRefundRequest,
        parameters=["serial"],
        success=201,
    )
    spec.operation(
        "GET",
        "/v1/meters/{serial}/credit-refunds",
        "Carried-credit refunds of a meter, newest first",
        parameters=["serial"],
    )
    spec.operation(
        "POST",
        "/v1/meters/{serial}/remainder-token",
        "A replaced meter's remainder as a token of its own for the new meter; header Idempotency-Key",
        parameters=["serial"],
        success=201,
    )


def describe_meter_api(spec: OpenApiBuilder) -> None:
    spec.operation("POST", "/v1/meters", "Add a meter to the warehouse", body=NewMeter, success=201)
    spec.operation("GET", "/v1/meters", "List meters (status, model, branch, concentrator, q, limit, cursor)")
    spec.operation("PATCH", "/v1/meters/{serial}", "Change a meter", body=MeterPatch, parameters=["serial"])
    spec.operation("GET", "/v1/meters/{serial}/history", "A meter's state changes", parameters=["serial"])
    spec.operation("POST", "/v1/meters/{serial}/bind", "Bind a device", body=BindRequest, parameters=["serial"])
    spec.operation(
        "POST",
        "/v1/stock-bills",
        "Draft a stock bill: StockInRequest, or StockOutRequest with direction out",
        body=StockInRequest,
        success=201,
    )
    spec.component(StockOutRequest)
    spec.operation(
        "POST",
        "/v1/devices",
        "Add a device: ModuleInput, ConcentratorInput, SimInput or HhuInput by kind",
        body=ModuleInput,
        success=201,
    )
    for schema in (ConcentratorInput, SimInput, HhuInput):
        spec.component(schema)
    spec.operation(
        "POST",
        "/v1/imports",
        "Import meters, SIMs or concentrators from CSV/XLSX (job)",
        body=ImportRequest,
        success=202,
    )
