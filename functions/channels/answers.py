"""What the channel routes answer, as models for the OpenAPI document. Money is a decimal string in the tenant's
currency; times are ISO 8601 UTC."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict


class Answer(BaseModel):
    model_config = ConfigDict(extra="allow")


class CommissionShown(Answer):
    kind: Literal["none", "percent", "fixed"]
    value: str


class AgentShown(Answer):
    id: str
    name: str
    kind: Literal["agent", "vendor"]
    sales_point: str
    commission: CommissionShown
    status: Literal["active", "suspended"]
    contact: str | None = None
    balance: str
    version: int


class AgentList(Answer):
    items: list[AgentShown]


class StatementLine(Answer):
    at: str
    kind: Literal["top-up", "withdrawal", "vend", "reversal"]
    amount: str
    commission: str
    reference: str
    by: str


class Statement(Answer):
    agent: AgentShown
    items: list[StatementLine]
    totals: dict[str, str]
    commission_earned: str
    next_cursor: str | None = None


class ChannelReceipt(Answer):
    """The vend receipt (as `GET /v1/vends/{bill_number}`) with the channel's fields."""

    bill_number: str
    meter: str
    tokens: list[str]
    tokens_grouped: list[str]
    energy_kwh: str
    channel: str
    agent: str | None = None
    commission: str | None = None


class ApiKeyShown(Answer):
    key_id: str
    vendor: str
    status: Literal["active", "revoked"]
    created_at: str
    revoked_at: str | None = None


class IssuedApiKey(ApiKeyShown):
    api_key: str  # shown in this answer only


class ApiKeyList(Answer):
    items: list[ApiKeyShown]


class MeterConfirmed(Answer):
    message_id: str
    meter: str
    customer_name: str | None
    address: str | None
    can_vend: bool


class VendorVendAnswer(Answer):
    message_id: str
    bill_number: str
    meter: str
    customer_name: str | None
    tokens: list[str]
    tokens_grouped: list[str]
    energy_kwh: str
    amount: str
    currency: str
    commission: str
    utc_time: str


class VendorMessage(Answer):
    kind: Literal["confirm-meter", "credit-vend", "reversal"]
    at: str
    answer: dict[str, object]


class VendorReversalAnswer(Answer):
    message_id: str
    original_message_id: str
    bill_number: str
    reversed_amount: str
    reversed_commission: str
    status: Literal["reversed"]
    cancel_bill_number: str
    zero_token: str  # enter it in the meter if the customer already holds the reversed token


class Provider(Answer):
    id: str
    name: str
    sales_point: str | None = None
    sms_tokens: bool
    status: str
    secret_set_at: str


class ProviderWithSecret(Provider):
    secret: str  # hex; shown in this answer only
    callback_path: str | None = None


class ProviderList(Answer):
    items: list[Provider]


class MobileMoneyPayment(Answer):
    provider: str
    transaction_id: str
    meter: str
    amount: str
    currency: str
    msisdn: str
    status: Literal["received", "vended", "open", "refunded"]
    received_at: str
    updated_at: str | None = None
    reason: str | None = None
    bill_number: str | None = None


class CallbackAnswer(MobileMoneyPayment):
    duplicate: bool
    tokens: list[str] | None = None
    tokens_grouped: list[str] | None = None
    energy_kwh: str | None = None
    delivery: str | None = None


class MobileMoneyPaymentList(Answer):
    items: list[MobileMoneyPayment]
    next_cursor: str | None = None


class RefusedCallback(Answer):
    provider: str
    body_sha256: str
    reason: str
    transaction_id: str | None = None


class RefusedCallbackList(Answer):
    items: list[RefusedCallback]


class Delivery(Answer):
    channel: Literal["sms", "email"]
    to: str  # masked
    by: str
    status: Literal["sent", "failed"]
    provider_message_id: str | None = None
    error: str | None = None


class DeliveryList(Answer):
    items: list[Delivery]


class CodeIssued(Answer):
    meter: str
    issued_at: str
    by: str
    code: str  # shown in this answer only


class CustomerSessionIssued(Answer):
    session_token: str  # send it as X-Customer-Session
    meter: str
    expires_at: int  # unix seconds


class Purchase(Answer):
    bill_number: str
    time: str
    amount: str
    energy_kwh: str
    tokens_grouped: list[str]
    status: str


class DayConsumption(Answer):
    day: str
    kwh: str


class BalanceEstimate(Answer):
    kwh: str | None
    basis: str


class PaymentChannel(Answer):
    id: str
    name: str


class CustomerOverview(Answer):
    meter: str
    customer_name: str | None
    purchases: list[Purchase]
    consumption: list[DayConsumption]
    balance_estimate: BalanceEstimate
    payment_channels: list[PaymentChannel]  # what `POST /v1/self-service/purchases` takes as provider


class PurchaseIntent(Answer):
    provider: str
    provider_name: str | None
    account_reference: str
    amount: str
    instructions: str
