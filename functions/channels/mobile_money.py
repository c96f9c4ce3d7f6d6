"""Mobile money payments: a provider's signed callback is verified (HMAC of the body with the provider's secret,
timestamp within the window), recorded as a payment, and sold as a vend to the meter its account reference names.
The payment is written before the vend and settled inside the vend's transaction, so a refused vend leaves an
open payment (refund or sell again), and a repeated callback for the same transaction never sells twice."""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from functions.channels.delivery import deliver, token_sender
from functions.common.master_key import secure_master_key
from functions.common.observability import observe_tenant
from functions.vending.routes.vends import tenant_terms
from functions.vending.schemas import Serial, VendRequest
from functions.vending.service import VendService
from gridvend.auth.context import TenantContext, system_context
from gridvend.channels.secret_box import open_sealed, seal
from gridvend.channels.signatures import verify
from gridvend.errors import GridvendError, InvalidInput, NotFound, Unauthenticated
from gridvend.store.guarded import Busy, Guarded, commit
from gridvend.store.items import ItemStore
from gridvend.store.mobile_money import MobileMoneyRepository, PaymentMoved, now_text
from gridvend.store.tenants import own_tenant_settings, tenant_context_fields
from gridvend.store.vends import VendRepository

SIGNATURE_HEADER = "x-signature"
TIMESTAMP_HEADER = "x-timestamp"


class MobileMoneyCallback(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)
    transaction_id: Annotated[str, StringConstraints(min_length=4, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
    account_reference: Serial
    amount: Decimal = Field(gt=0, max_digits=14)
    currency: Annotated[str, StringConstraints(max_length=3)] = ""
    msisdn: Annotated[str, StringConstraints(max_length=20)] = ""


@dataclass(frozen=True)
class IssuedSecret:
    record: dict[str, Any]
    secret_hex: str  # shown once to the tenant, to configure at the provider


def _binding(tenant_id: str, provider_id: str) -> str:
    return f"mm-provider/{tenant_id}/{provider_id}"


def new_provider_secret(tenant_id: str, record: dict[str, Any]) -> IssuedSecret:
    secret = secrets.token_bytes(32)
    sealed = seal(secure_master_key().reveal(), secret, _binding(tenant_id, record["id"]))
    return IssuedSecret({**record, "sealed_secret": sealed, "secret_set_at": now_text()}, secret.hex())


def callback_path(tenant_id: str, provider_id: str) -> str:
    return f"/v1/mobile-money/callbacks/{tenant_id}/{provider_id}"


def receive_callback(
    store: ItemStore, tenant_id: str, provider_id: str, body: bytes, headers: dict[str, str], now: float | None = None
) -> dict[str, Any]:
    """The answer to the provider. Forged, stale and malformed callbacks are recorded and refused."""
    tenant = own_tenant_settings(store, tenant_id)
    reader = system_context(tenant_id, f"mobile-money:{provider_id}")
    payments = MobileMoneyRepository(store, reader)
    provider = payments.provider(provider_id) if tenant and tenant.get("status") == "active" else None
    if provider is None or tenant is None:
        raise NotFound("no such callback endpoint")
    secret = open_sealed(
        secure_master_key().reveal(), provider["sealed_secret"], _binding(tenant_id, provider_id)
    )
    verdict = verify(secret, body, headers.get(SIGNATURE_HEADER), headers.get(TIMESTAMP_HEADER), now or time.time())
    refusal = {"provider": provider_id, "body_sha256": hashlib.sha256(body).hexdigest()}
    if not verdict.accepted:
        payments.record_refused({**refusal, "reason": verdict.reason, "transaction_id": _transaction_hint(body)})
        raise Unauthenticated(f"callback refused: {verdict.reason}")
    try:
        callback = MobileMoneyCallback.model_validate_json(body)
    except ValidationError as error:
        payments.record_refused({**refusal, "reason": "malformed body", "transaction_id": _transaction_hint(body)})
        raise InvalidInput.for_field("body", f"not a payment callback: {error.error_count()} problem(s)") from None
    ctx = TenantContext(
        tenant_id=tenant_id,
        user_id=f"mobile-money:{provider_id}",
        username=f"mobile-money:{provider_id}",
        permissions=frozenset({"vending:create"}),
        sales_point_id=str(provider.get("sales_point") or f"MM-{provider_id}"),
        extra=tenant_context_fields(tenant),
    )
    observe_tenant(ctx.tenant_id, ctx.username)
    answer = settle(store, ctx, provider_id, callback)
    if provider.get("sms_tokens") and callback.msisdn and answer["status"] == "vended" and not answer["duplicate"]:
        answer["delivery"] = deliver(
            store, ctx, answer["bill_number"], "sms", f"+{callback.msisdn.lstrip('+')}", token_sender()
        )["status"]
    return answer


def settle(store: ItemStore, ctx: TenantContext, provider_id: str, callback: MobileMoneyCallback) -> dict[str, Any]:
    payments = MobileMoneyRepository(store, ctx)
    payment: dict[str, Any] = {
        "provider": provider_id,
        "transaction_id": callback.transaction_id,
        "meter": callback.account_reference,
        "amount": str(callback.amount),
        "currency": callback.currency,
        "msisdn": callback.msisdn,
        "status": "received",
        "received_at": now_text(),
        "reason": None,
        "bill_number": None,
    }
    try:
        commit(store, [payments.payment_put(payment, None), payments.audit("receive", None, payment)])
        stored = {**payment, "version": 1}
    except PaymentMoved:
        stored = payments.require_payment(provider_id, callback.transaction_id)
        if stored["status"] != "received":  # a duplicate delivery: the first answer stands
            return answer_of(store, ctx, stored, duplicate=True)
    return vend_payment(store, ctx, stored, stored["meter"])


def vend_payment(store: ItemStore, ctx: TenantContext, payment: dict[str, Any], meter: str) -> dict[str, Any]:
    """Sells the payment to the meter; a refusal leaves the payment open with the reason."""
    payments = MobileMoneyRepository(store, ctx)
    version = int(payment["version"])
    before = {name: value for name, value in payment.items() if name != "version"}

    def settled(receipt: dict[str, Any]) -> list[Guarded]:
        receipt["payment_reference"] = payment["transaction_id"]
        after = {**before, "status": "vended", "meter": meter, "bill_number": receipt["bill_number"], "reason": None}
        return [payments.payment_put(after, version), payments.audit("vend", before, after)]

    key = f"mm.{payment['provider']}.{payment['transaction_id']}"
    request = VendRequest(meter=meter, amount=Decimal(payment["amount"]), payment_term="CASH")
    sold_now = False
    try:
        _, sold_now = VendService(store, ctx, tenant_terms(ctx)).vend(
            request, key, extra_operations=settled, channel="mobile-money"
        )
    except (PaymentMoved, Busy):
        raise
    except GridvendError as refused:
        after = {**before, "status": "open", "meter": meter, "reason": refused.detail}
        commit(store, [payments.payment_put(after, version), payments.audit("refuse", before, after)])
    settled_payment = payments.require_payment(payment["provider"], payment["transaction_id"])
    # A delivery racing the first one finds the sale made already: it is a duplicate (no second SMS).
    duplicate = settled_payment["status"] == "vended" and not sold_now
    return answer_of(store, ctx, settled_payment, duplicate=duplicate)


def answer_of(store: ItemStore, ctx: TenantContext, payment: dict[str, Any], duplicate: bool = False) -> dict[str, Any]:
    answer = {name: value for name, value in payment.items() if name != "version"}
    answer["duplicate"] = duplicate
    if payment.get("bill_number"):
        receipt = VendRepository(store, ctx).require(payment["bill_number"])
        answer["tokens"] = receipt["tokens"]
        answer["tokens_grouped"] = receipt["tokens_grouped"]
        answer["energy_kwh"] = receipt["energy_kwh"]
    return answer


def _transaction_hint(body: bytes) -> str | None:
    """The transaction id a refused body claims, for the operator's eyes only (never trusted)."""
    try:
        claimed = json.loads(body).get("transaction_id")
    except (ValueError, AttributeError):
        return None
    return str(claimed)[:64] if claimed is not None else None
