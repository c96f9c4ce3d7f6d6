"""What ingest hands to the command side: the acknowledgement handler and the event listeners (relay
state to the device shadow, alarm notifications)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from functions.commands.acks import apply_ack
from functions.commands.context import CommandContext, command_context
from functions.commands.notifier import Mailer, Notifier, mailer_from_env
from functions.ingest.service import AckHandler, EventListener, Outcome
from gridvend.iot.messages import EventCode
from gridvend.iot.rule_events import Uplink
from gridvend.store.ami.events import NewEvent
from gridvend.store.items import ItemStore

log = logging.getLogger("gridvend.commands")


def ack_handler(store: ItemStore, context: CommandContext | None = None) -> AckHandler:
    def handle(uplink: Uplink) -> Outcome:
        return apply_ack(context or command_context(), uplink)

    return handle


def relay_to_shadow(context: CommandContext | None = None) -> EventListener:
    def listen(event: NewEvent) -> None:
        if event.event_type.code not in (EventCode.RELAY_OPEN, EventCode.RELAY_CLOSED):
            return
        reported = {"relay": "closed" if event.event_type.code == EventCode.RELAY_CLOSED else "open"}
        if isinstance(event.detail.get("mode"), str):
            reported["mode"] = str(event.detail["mode"])
        try:
            shadows = (context or command_context()).shadows
            shadows.update(event.tenant_id, event.thing_id, event.meter, reported=reported)
        except Exception:
            log.warning("shadow of %s not updated", event.meter, exc_info=True)

    return listen


def event_listeners(store: ItemStore, context: CommandContext | None = None,
                    mailer: Mailer | None = None) -> Sequence[EventListener]:
    return relay_to_shadow(context), Notifier(store, mailer or mailer_from_env())
