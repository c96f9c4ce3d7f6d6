"""OpenAPI entries of the channel routes: agents and vendors, the vendor API, mobile money, token delivery and
customer self-service. Request bodies come from the models the routes parse, answers from functions.channels.answers."""

from __future__ import annotations

from functions.channels import answers
from functions.channels.mobile_money import MobileMoneyCallback
from functions.channels.routes.deliveries import DeliveryRequest
from functions.channels.routes.mobile_money import ProviderCreation, Refund, Revend
from functions.channels.routes.self_service import CodeRequest, CustomerLogin, PurchaseRequest
from functions.channels.schemas import (
    AgentChange,
    AgentCreation,
    AgentVend,
    FloatChange,
    VendorConfirm,
    VendorCreditVend,
    VendorReversal,
)
from functions.common.openapi import OpenApiBuilder

VENDOR_KEY = "; authenticates with the vendor's key in X-Api-Key"
CUSTOMER_SESSION = "; authenticates with X-Customer-Session"


def describe_channel_api(spec: OpenApiBuilder) -> None:
    _describe_agents(spec)
    _describe_vendor_api(spec)
    _describe_mobile_money(spec)
    _describe_deliveries_and_self_service(spec)


def _describe_agents(spec: OpenApiBuilder) -> None:
    agent = ["agent_id"]
    spec.operation(
        "POST",
        "/v1/agents",
        "Add an agent or third-party vendor",
        body=AgentCreation,
        success=201,
        response=answers.AgentShown,
    )
    spec.operation("GET", "/v1/agents", "List agents and vendors (kind)", response=answers.AgentList)
    spec.operation("GET", "/v1/agents/{agent_id}", "Show an agent", parameters=agent, response=answers.AgentShown)
    spec.operation(
        "PATCH",
        "/v1/agents/{agent_id}",
        "Change, suspend or resume an agent",
        body=AgentChange,
        parameters=agent,
        response=answers.AgentShown,
    )
    spec.operation(
        "POST",
        "/v1/agents/{agent_id}/float",
        "Top up or withdraw from the float (never below zero)",
        body=FloatChange,
        parameters=agent,
        response=answers.AgentShown,
    )
    spec.operation(
        "GET",
        "/v1/agents/{agent_id}/statement",
        "Float movements oldest first (since, until, limit, cursor)",
        parameters=agent,
        response=answers.Statement,
    )
    spec.operation(
        "POST",
        "/v1/agents/{agent_id}/vends",
        "Sell as the agent, drawing its float; header Idempotency-Key",
        body=AgentVend,
        success=201,
        parameters=agent,
        response=answers.ChannelReceipt,
    )
    spec.operation(
        "POST",
        "/v1/agents/{agent_id}/api-keys",
        "Issue a vendor API key (shown once; rotate = issue, then revoke)",
        success=201,
        parameters=agent,
        response=answers.IssuedApiKey,
    )
    spec.operation(
        "GET",
        "/v1/agents/{agent_id}/api-keys",
        "A vendor's API keys (never the secret)",
        parameters=agent,
        response=answers.ApiKeyList,
    )
    spec.operation(
        "DELETE",
        "/v1/agents/{agent_id}/api-keys/{key_id}",
        "Revoke a vendor API key",
        parameters=["agent_id", "key_id"],
        response=answers.ApiKeyShown,
    )


def _describe_vendor_api(spec: OpenApiBuilder) -> None:
    spec.operation(
        "POST",
        "/v1/vendor-api/confirm-meter",
        "Confirm meter: customer name and address" + VENDOR_KEY,
        body=VendorConfirm,
        public=True,
        response=answers.MeterConfirmed,
    )
    spec.operation(
        "POST",
        "/v1/vendor-api/credit-vends",
        "Credit vend, once per message id (a repeat answers the same)" + VENDOR_KEY,
        body=VendorCreditVend,
        success=201,
        public=True,
        response=answers.VendorVendAnswer,
    )
    spec.operation(
        "GET",
        "/v1/vendor-api/messages/{message_id}",
        "The last answer to a message id (reprint)" + VENDOR_KEY,
        parameters=["message_id"],
        public=True,
        response=answers.VendorMessage,
    )
    spec.operation(
        "POST",
        "/v1/vendor-api/reversals",
        "Reverse a credit vend within the window: the vend cancelled, the float given back" + VENDOR_KEY,
        body=VendorReversal,
        public=True,
        response=answers.VendorReversalAnswer,
    )


def _describe_mobile_money(spec: OpenApiBuilder) -> None:
    payment = ["provider_id", "transaction_id"]
    base = "/v1/mobile-money"
    spec.operation(
        "POST",
        f"{base}/providers",
        "Add a mobile-money provider (callback secret shown once)",
        body=ProviderCreation,
        success=201,
        response=answers.ProviderWithSecret,
    )
    spec.operation("GET", f"{base}/providers", "List providers", response=answers.ProviderList)
    spec.operation(
        "POST",
        f"{base}/providers/{{provider_id}}/secret",
        "Rotate a provider's callback secret (shown once)",
        parameters=["provider_id"],
        response=answers.ProviderWithSecret,
    )
    spec.operation(
        "POST",
        f"{base}/callbacks/{{tenant_id}}/{{provider_id}}",
        "A provider's payment callback, signed: X-Timestamp and X-Signature (HMAC-SHA256 of '<timestamp>.<body>')",
        body=MobileMoneyCallback,
        parameters=["tenant_id", "provider_id"],
        public=True,
        response=answers.CallbackAnswer,
    )
    spec.operation(
        "GET",
        f"{base}/payments",
        "Payments by status (status=open|received|vended|refunded, limit, cursor)",
        response=answers.MobileMoneyPaymentList,
    )
    spec.operation(
        "GET",
        f"{base}/payments/{{provider_id}}/{{transaction_id}}",
        "Show a payment",
        parameters=payment,
        response=answers.MobileMoneyPayment,
    )
    spec.operation(
        "POST",
        f"{base}/payments/{{provider_id}}/{{transaction_id}}/refund",
        "Refund an open payment",
        body=Refund,
        parameters=payment,
        response=answers.MobileMoneyPayment,
    )
    spec.operation(
        "POST",
        f"{base}/payments/{{provider_id}}/{{transaction_id}}/revend",
        "Sell an open payment again (to its meter or the one named)",
        body=Revend,
        parameters=payment,
        response=answers.CallbackAnswer,
    )
    spec.operation(
        "GET",
        f"{base}/refused-callbacks",
        "Refused (forged, stale, malformed) callbacks of a month (month)",
        response=answers.RefusedCallbackList,
    )


def _describe_deliveries_and_self_service(spec: OpenApiBuilder) -> None:
    deliveries = "/v1/vends/{bill_number}/deliveries"
    spec.operation(
        "POST",
        deliveries,
        "Send or resend a vend's token by SMS or e-mail",
        body=DeliveryRequest,
        success=201,
        parameters=["bill_number"],
        response=answers.Delivery,
    )
    spec.operation(
        "GET", deliveries, "A vend's delivery attempts", parameters=["bill_number"], response=answers.DeliveryList
    )
    spec.operation(
        "POST",
        "/v1/self-service/codes",
        "Issue a customer's login code for a meter (shown once)",
        body=CodeRequest,
        success=201,
        response=answers.CodeIssued,
    )
    spec.operation(
        "POST",
        "/v1/self-service/login",
        "Customer login with meter serial and code",
        body=CustomerLogin,
        public=True,
        response=answers.CustomerSessionIssued,
    )
    spec.operation(
        "GET",
        "/v1/self-service/me",
        "The customer's purchases, consumption and balance estimate" + CUSTOMER_SESSION,
        public=True,
        response=answers.CustomerOverview,
    )
    spec.operation(
        "POST",
        "/v1/self-service/purchases",
        "Start a purchase through a payment channel" + CUSTOMER_SESSION,
        body=PurchaseRequest,
        success=201,
        public=True,
        response=answers.PurchaseIntent,
    )
