"""The third-party vending interface, in the spirit of XMLVend: every request carries a message id unique to the
vendor; the answer to each is kept, so a vendor that timed out asks for the last answer (or simply sends the same
request again) and never gets a second token. Credit vends draw the vendor's float; a reversal within the window
gives the float back."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from functions.channels.channel_vend import agent_vend
from functions.channels.schemas import VendorConfirm, VendorCreditVend, VendorReversal
from functions.channels.vendor_auth import VendorCaller
from functions.vending.cancellations import CancelService
from functions.vending.routes.vends import tenant_terms
from functions.vending.schemas import VendRequest
from gridvend.clock import utc_now
from gridvend.errors import Conflict, NotFound, Unprocessable
from gridvend.money import to_minor
from gridvend.store.channels import AgentRepository, FloatMovement
from gridvend.store.contracts import ContractRepository
from gridvend.store.customers import CustomerRepository
from gridvend.store.guarded import Guarded, commit
from gridvend.store.meters import MeterRepository
from gridvend.store.vendor_api import VendorApiRepository
from gridvend.vending.cancellation import UndoKind

REVERSAL_WINDOW = timedelta(minutes=15)


class ReversalWindowClosed(Unprocessable):
    title = "Reversal window closed"


def _earlier(caller: VendorCaller, message_id: str, kind: str) -> dict[str, Any] | None:
    found = VendorApiRepository(caller.store, caller.ctx).answer(caller.vendor.agent_id, message_id)
    if found is None:
        return None
    if found["kind"] != kind:
        raise Conflict(f"message id '{message_id}' was used for a {found['kind']} request")
    return dict(found["answer"])


def confirm_meter(caller: VendorCaller, body: VendorConfirm) -> dict[str, Any]:
    """Who the meter belongs to, before the customer pays."""
    earlier = _earlier(caller, body.message_id, "confirm-meter")
    if earlier is not None:
        return earlier
    meter = MeterRepository(caller.store, caller.ctx).require(body.meter)
    contract = ContractRepository(caller.store, caller.ctx, caller.decimals).active_for_meter(meter.serial)
    customer = CustomerRepository(caller.store, caller.ctx).get(contract.customer_code) if contract else None
    answer = {
        "message_id": body.message_id,
        "meter": meter.serial,
        "customer_name": customer.name if customer else None,
        "address": customer.address if customer else None,
        "can_vend": meter.state.value == "in_service" and contract is not None and contract.pay_type.value == "prepaid",
    }
    commit(
        caller.store,
        [
            VendorApiRepository(caller.store, caller.ctx).answer_put(
                caller.vendor.agent_id, body.message_id, "confirm-meter", answer
            )
        ],
    )
    return answer


def credit_vend(caller: VendorCaller, body: VendorCreditVend) -> tuple[dict[str, Any], bool]:
    earlier = _earlier(caller, body.message_id, "credit-vend")
    if earlier is not None:
        return earlier, False
    answers = VendorApiRepository(caller.store, caller.ctx)
    vendor_id = caller.vendor.agent_id

    def answer_record(receipt: dict[str, Any]) -> list[Guarded]:
        return [answers.answer_put(vendor_id, body.message_id, "credit-vend", _answer(body.message_id, receipt))]

    receipt, fresh = agent_vend(
        caller.store,
        caller.ctx,
        caller.vendor,
        VendRequest(meter=body.meter, amount=body.amount),
        f"vendor.{vendor_id}.{body.message_id}",
        more_operations=answer_record,
    )
    return _answer(body.message_id, receipt), fresh


def last_answer(caller: VendorCaller, message_id: str) -> dict[str, Any]:
    found = VendorApiRepository(caller.store, caller.ctx).answer(caller.vendor.agent_id, message_id)
    if found is None:
        raise NotFound(f"no request with message id '{message_id}' was completed; it is safe to send it again")
    return {"kind": found["kind"], "at": found["at"], "answer": found["answer"]}


def reverse(caller: VendorCaller, body: VendorReversal, now: datetime | None = None) -> dict[str, Any]:
    """Cancels a credit vend of this vendor made within the window, as an office cancellation without charge:
    the vend marked cancelled, the module credit, meter state and day rollups given back, and the float and
    commission returned to the vendor, all in one transaction. At most once; the same message id answers the same."""
    earlier = _earlier(caller, body.message_id, "reversal")
    if earlier is not None:
        return earlier
    answers = VendorApiRepository(caller.store, caller.ctx)
    vendor_id = caller.vendor.agent_id
    original = answers.answer(vendor_id, body.original_message_id)
    if original is None or original["kind"] != "credit-vend":
        raise NotFound(f"no credit vend with message id '{body.original_message_id}'")
    sold = original["answer"]
    moment = now or utc_now()
    if moment - datetime.fromisoformat(sold["utc_time"]) > REVERSAL_WINDOW:
        raise ReversalWindowClosed(
            f"a vend can be reversed within {int(REVERSAL_WINDOW.total_seconds() // 60)} minutes"
        )
    answer: dict[str, Any] = {
        "message_id": body.message_id,
        "original_message_id": body.original_message_id,
        "bill_number": sold["bill_number"],
        "reversed_amount": sold["amount"],
        "reversed_commission": sold["commission"],
        "status": "reversed",
    }

    def float_back(record: dict[str, Any]) -> list[Guarded]:
        record["vendor_reversal"] = {"vendor": vendor_id, "message_id": body.message_id}
        answer["cancel_bill_number"] = record["bill_number"]
        answer["zero_token"] = record["zero_token"]
        movement = FloatMovement(
            "reversal",
            to_minor(Decimal(sold["amount"]), caller.decimals),
            -to_minor(Decimal(sold["commission"]), caller.decimals),
            sold["bill_number"],
            caller.ctx.username,
        )
        return [
            answers.reversal_put(sold["bill_number"], {**answer, "vendor": vendor_id, "at": moment.isoformat()}),
            *AgentRepository(caller.store, caller.ctx).movement_operations(vendor_id, movement, moment),
            answers.answer_put(vendor_id, body.message_id, "reversal", answer),
        ]

    service = CancelService(caller.store, caller.ctx, tenant_terms(caller.ctx))
    try:
        service.undo(
            UndoKind.CANCEL,
            sold["bill_number"],
            reason=f"reversal by vendor {vendor_id} ({body.message_id})",
            now=moment,
            extra_operations=float_back,
        )
    except Conflict:
        raced = _earlier(caller, body.message_id, "reversal")  # the same reversal, sent twice at once
        if raced is not None:
            return raced
        raise
    return answer


def _answer(message_id: str, receipt: dict[str, Any]) -> dict[str, Any]:
    return {
        "message_id": message_id,
        "bill_number": receipt["bill_number"],
        "meter": receipt["meter"],
        "customer_name": receipt["customer"]["name"],
        "tokens": receipt["tokens"],
        "tokens_grouped": receipt["tokens_grouped"],
        "energy_kwh": receipt["energy_kwh"],
        "amount": receipt["breakdown"]["net_amount"],
        "currency": receipt.get("currency", ""),
        "commission": receipt.get("commission", "0"),
        "utc_time": receipt["time_utc"],
    }
