"""A vend sent straight to its meter (`"deliver": "remote"` on `POST /v1/vends`): checked before the sale so a
meter nothing can reach is refused with nothing sold, then queued as a `deliver_vend` task once the vend has
committed. The task's id comes from the vend (its time and bill number), so a replayed vend request finds the
task it queued the first time instead of sending the tokens again."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any

from functions.commands.context import command_context
from functions.commands.service import CommandRequest, create_task, task_view
from functions.commands.vend_tokens import require_module
from gridvend.auth.context import TenantContext
from gridvend.errors import GridvendError
from gridvend.iot.messages import CommandKind
from gridvend.store.ami.tasks import TaskRepository

log = logging.getLogger("gridvend.commands")
REMOTE = "remote"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def check_remote_delivery(ctx: TenantContext, serial: str) -> None:
    """Before the sale: refused (422 naming `deliver`) when no communication module serves the meter."""
    require_module(command_context(ctx.tenant_id).store, ctx.tenant_id, serial, "deliver")


def delivery_task_id(bill: str, vend_time: str) -> str:
    """Sorts with the other tasks by time (as gridvend.ids does: 48 bits of milliseconds, 80 more bits),
    the 80 bits taken from the bill number instead of chance."""
    millis = int(datetime.fromisoformat(vend_time).timestamp() * 1000)
    tail = int.from_bytes(hashlib.sha256(bill.encode()).digest()[:10], "big")
    return _base32(millis, 10) + _base32(tail, 16)


def _base32(number: int, length: int) -> str:
    digits = []
    for _ in range(length):
        number, digit = divmod(number, 32)
        digits.append(_CROCKFORD[digit])
    return "".join(reversed(digits))


def queue_vend_delivery(ctx: TenantContext, receipt: dict[str, Any]) -> dict[str, Any]:
    """After the vend committed: the delivery task (made now, or the one an earlier try of the same vend made)."""
    context = command_context(ctx.tenant_id)
    bill = str(receipt["bill_number"])
    task_id = delivery_task_id(bill, str(receipt["time_utc"]))
    repository = TaskRepository(context.store, ctx.tenant_id)
    if repository.task(task_id) is None:
        request = CommandRequest(kind=CommandKind.DELIVER_VEND, params={"bill": bill})
        try:
            create_task(context, ctx, request, source=f"vend:{bill}", task_id=task_id)
        except Exception as error:
            if repository.task(task_id) is None:
                # The sale stands whatever happens here: say so on the receipt rather than fail it.
                log.warning("delivery of vend %s not queued", bill, exc_info=True)
                reason = error.detail if isinstance(error, GridvendError) else "the delivery could not be queued"
                return {"task_id": None, "status": "not_queued", "reason": reason}
            log.info("delivery of vend %s was queued meanwhile by another try", bill)
    view = task_view(context, ctx.tenant_id, task_id)
    return {"task_id": task_id, "status": view["status"], "states": view["states"]}
