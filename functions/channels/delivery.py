"""Sends a vend's token to the customer by SMS (Amazon SNS) or e-mail (SES) and keeps each attempt's status.
Locally and in tests the AWS endpoint is moto's (AWS_ENDPOINT_URL), which records what was sent."""

from __future__ import annotations

import functools
import logging
import os
from typing import Any, Protocol

from gridvend.auth.context import TenantContext
from gridvend.channels.token_message import TokenMessage, mask_destination, token_message
from gridvend.errors import InvalidInput
from gridvend.store.contracts import ContractRepository
from gridvend.store.customers import CustomerRepository
from gridvend.store.deliveries import DeliveryRepository
from gridvend.store.items import ItemStore
from gridvend.store.tenants import own_tenant_settings
from gridvend.store.vends import VendRepository

log = logging.getLogger("gridvend.deliveries")
DEFAULT_SENDER = "tokens@gridvend.local"
CHANNELS = ("sms", "email")


class TokenSender(Protocol):
    def send_sms(self, phone: str, message: TokenMessage) -> str: ...

    def send_email(self, address: str, message: TokenMessage) -> str: ...


class AwsTokenSender:
    def __init__(self, sns: Any, ses: Any, sender: str, verify_sender: bool) -> None:
        self._sns, self._ses, self._sender = sns, ses, sender
        self._verify = verify_sender
        self._verified = False

    def send_sms(self, phone: str, message: TokenMessage) -> str:
        sent = self._sns.publish(
            PhoneNumber=phone,
            Message=message.text,
            MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}},
        )
        return str(sent["MessageId"])

    def send_email(self, address: str, message: TokenMessage) -> str:
        if self._verify and not self._verified:  # moto refuses unverified senders
            self._ses.verify_email_identity(EmailAddress=self._sender)
            self._verified = True
        sent = self._ses.send_email(
            Source=self._sender,
            Destination={"ToAddresses": [address]},
            Message={"Subject": {"Data": message.subject}, "Body": {"Text": {"Data": message.text}}},
        )
        return str(sent["MessageId"])


@functools.lru_cache(maxsize=1)
def token_sender() -> TokenSender:
    import boto3

    region = os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION") or "us-east-1"
    return AwsTokenSender(
        boto3.client("sns", region_name=region),
        boto3.client("ses", region_name=region),
        os.environ.get("GRIDVEND_TOKEN_MAIL_FROM") or DEFAULT_SENDER,
        verify_sender=bool(os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT_URL_SES")),
    )


def deliver(
    store: ItemStore, ctx: TenantContext, bill_number: str, channel: str, destination: str | None, sender: TokenSender
) -> dict[str, Any]:
    """One attempt, recorded as sent or failed; the destination defaults to the customer's phone or e-mail."""
    if channel not in CHANNELS:
        raise InvalidInput.for_field("channel", "sms or email")
    receipt = VendRepository(store, ctx).require(bill_number)
    to = destination or _customer_contact(store, ctx, receipt, channel)
    if not to:
        raise InvalidInput.for_field("to", f"the customer has no {'phone' if channel == 'sms' else 'e-mail'}; give one")
    tenant_name = str((own_tenant_settings(store, ctx.tenant_id) or {}).get("name", ctx.tenant_id))
    message = token_message(receipt, tenant_name)
    attempt: dict[str, Any] = {"channel": channel, "to": mask_destination(to), "by": ctx.username}
    try:
        sent_id = sender.send_sms(to, message) if channel == "sms" else sender.send_email(to, message)
        attempt |= {"status": "sent", "provider_message_id": sent_id}
    except Exception as error:  # the provider's failure is the delivery's status, not the caller's error
        log.warning("token delivery of %s by %s failed", bill_number, channel, exc_info=True)
        attempt |= {"status": "failed", "error": type(error).__name__}
    return DeliveryRepository(store, ctx).record(bill_number, attempt)


def _customer_contact(store: ItemStore, ctx: TenantContext, receipt: dict[str, Any], channel: str) -> str:
    code = (receipt.get("customer") or {}).get("code")
    if not code:
        contract = ContractRepository(store, ctx, 2).active_for_meter(receipt["meter"])
        code = contract.customer_code if contract else None
    customer = CustomerRepository(store, ctx).get(code) if code else None
    if customer is None:
        return ""
    return customer.phone if channel == "sms" else customer.email
