"""`/v1/firmware`: firmware images for upgrades in chunks (the image as base64 in the body, up to about
700 KB; larger images belong in the bucket by a presigned upload, not here)."""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from functions.commands.context import command_context
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.requests import body_as
from functions.common.routing import route
from gridvend.ami.commands import FIRMWARE_CHUNK_BYTES
from gridvend.clock import utc_now
from gridvend.errors import InvalidInput
from gridvend.iot.messages import utc_stamp
from gridvend.store.ami.firmware import FirmwareRepository
from gridvend.store.audit import AuditEntry, audit_put

firmware_routes = Blueprint(__name__)


class FirmwareInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firmware_id: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_\-]{1,40}$")]
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    version: int = Field(ge=0, le=1_000_000)
    image_b64: str = Field(min_length=4)
    chunk_size: int = Field(default=FIRMWARE_CHUNK_BYTES, ge=256, le=65_536)


@route(firmware_routes, "/v1/firmware", ["POST"])
def upload_firmware() -> Response:
    ctx = tenant_context(firmware_routes.current_request)
    ctx.require("firmware", "create")
    given = body_as(firmware_routes.current_request, FirmwareInput)
    try:
        image = base64.b64decode(given.image_b64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput.for_field("image_b64", "not base64") from None
    context = command_context(ctx.tenant_id)
    added = FirmwareRepository(context.store, context.objects, ctx.tenant_id).add(
        given.firmware_id, given.name, given.version, image, given.chunk_size, utc_stamp(utc_now())
    )
    context.store.put(audit_put(ctx, AuditEntry("create", "firmware", added.firmware_id, None, added.public())).item)
    return json_response(added.public(), 201)


@route(firmware_routes, "/v1/firmware", ["GET"])
def list_firmware() -> dict[str, Any]:
    ctx = tenant_context(firmware_routes.current_request)
    ctx.require("firmware", "view")
    context = command_context(ctx.tenant_id)
    images = FirmwareRepository(context.store, context.objects, ctx.tenant_id).all()
    return {"items": [image.public() for image in images]}
