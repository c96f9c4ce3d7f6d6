"""What the command side works with, built once per process: the table, the device publisher, the
shadows and the firmware images' object store. Time comes from gridvend.clock. Tests build their own."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass

from functions.common.deps import item_store, tenant_store
from gridvend.iot.publishing import CommandPublisher, ShadowStore, publisher_from_env, shadow_store_from_env
from gridvend.store.ami.firmware import ObjectStore, S3ObjectStore
from gridvend.store.items import ItemStore


@dataclass
class CommandContext:
    store: ItemStore
    publisher: CommandPublisher
    shadows: ShadowStore
    objects: ObjectStore


def firmware_objects_from_env() -> ObjectStore:
    import boto3

    return S3ObjectStore(boto3.client("s3"), os.environ.get("GRIDVEND_FIRMWARE_BUCKET", "gridvend-firmware"))


@functools.lru_cache(maxsize=1)
def _devices() -> tuple[CommandPublisher, ShadowStore, ObjectStore]:
    return publisher_from_env(), shadow_store_from_env(), firmware_objects_from_env()


def default_context(tenant_id: str | None = None) -> CommandContext:
    """The process's context: devices made once; the store of the moment (tests swap it), scoped to the
    tenant when one is given (in the cloud: credentials that reach only that tenant's items)."""
    publisher, shadows, objects = _devices()
    store = tenant_store(tenant_id) if tenant_id is not None else item_store()
    return CommandContext(store, publisher, shadows, objects)


_override: CommandContext | None = None


def command_context(tenant_id: str | None = None) -> CommandContext:
    return _override if _override is not None else default_context(tenant_id)


def use_context(context: CommandContext | None) -> None:
    """Tests put their own context in (or reset with None)."""
    global _override
    _override = context
