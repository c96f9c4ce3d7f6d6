"""`/v1/notification-templates` (subject and body with ${placeholders}), `/v1/notification-rules`
(which events, from which meters, to whom, with which template) and `/v1/notifications` (what was sent)."""

from __future__ import annotations

from typing import Annotated, Any

from chalice import Blueprint, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from functions.commands.context import command_context
from functions.commands.routes.params import month_param
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.requests import body_as, decode_cursor, encode_cursor, page_size, query
from functions.common.routing import route
from gridvend.ami.notifications import unknown_placeholders
from gridvend.archives.fields import RecordId
from gridvend.errors import InvalidInput
from gridvend.ids import new_id
from gridvend.iot.messages import EventCode, Serial
from gridvend.store.ami.notifications import NotificationRepository

notification_routes = Blueprint(__name__)
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254,
                                         pattern=r"^[^@\s]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$")]


class TemplateInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    subject: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    body: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    html: bool = True

    @model_validator(mode="after")
    def _known_placeholders(self) -> TemplateInput:
        unknown = unknown_placeholders(self.subject + self.body)
        if unknown:
            raise ValueError(f"unknown placeholders: {', '.join(unknown)}")
        return self


class GroupInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    region_ids: list[RecordId] = Field(default_factory=list, max_length=50)
    branch_ids: list[RecordId] = Field(default_factory=list, max_length=50)
    meters: list[Serial] = Field(default_factory=list, max_length=1000)


class RuleInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    event_codes: list[EventCode] = Field(default_factory=list, max_length=20)
    template_id: RecordId
    recipients: list[Email] = Field(min_length=1, max_length=20)
    group: GroupInput = Field(default_factory=GroupInput)
    enabled: bool = True


def _repository(tenant_id: str) -> NotificationRepository:
    return NotificationRepository(command_context(tenant_id).store, tenant_id)


@route(notification_routes, "/v1/notification-templates", ["POST"])
def create_template() -> Response:
    ctx = tenant_context(notification_routes.current_request)
    ctx.require("notifications", "create")
    given = body_as(notification_routes.current_request, TemplateInput)
    data = {"template_id": new_id(), **given.model_dump()}
    _repository(ctx.tenant_id).put(ctx, "template", data["template_id"], data, new=True)
    return json_response(data, 201)


@route(notification_routes, "/v1/notification-templates", ["GET"])
def list_templates() -> dict[str, Any]:
    ctx = tenant_context(notification_routes.current_request)
    ctx.require("notifications", "view")
    return {"items": _repository(ctx.tenant_id).all("template")}


@route(notification_routes, "/v1/notification-templates/{template_id}", ["PUT"])
def replace_template(template_id: str) -> dict[str, Any]:
    ctx = tenant_context(notification_routes.current_request)
    ctx.require("notifications", "update")
    given = body_as(notification_routes.current_request, TemplateInput)
    data = {"template_id": template_id, **given.model_dump()}
    _repository(ctx.tenant_id).put(ctx, "template", template_id, data, new=False)
    return data


@route(notification_routes, "/v1/notification-templates/{template_id}", ["DELETE"])
def delete_template(template_id: str) -> Response:
    ctx = tenant_context(notification_routes.current_request)
    ctx.require("notifications", "delete")
    repository = _repository(ctx.tenant_id)
    if any(rule.template_id == template_id for rule in repository.rules()):
        raise InvalidInput.for_field("template_id", "a rule uses this template")
    repository.delete(ctx, "template", template_id)
    return Response(body="", status_code=204)


@route(notification_routes, "/v1/notification-rules", ["POST"])
def create_rule() -> Response:
    ctx = tenant_context(notification_routes.current_request)
    ctx.require("notifications", "create")
    given = body_as(notification_routes.current_request, RuleInput)
    repository = _repository(ctx.tenant_id)
    if repository.get("template", given.template_id) is None:
        raise InvalidInput.for_field("template_id", "no such template")
    data = {"rule_id": new_id(), **given.model_dump(mode="json")}
    repository.put(ctx, "rule", data["rule_id"], data, new=True)
    return json_response(data, 201)


@route(notification_routes, "/v1/notification-rules", ["GET"])
def list_rules() -> dict[str, Any]:
    ctx = tenant_context(notification_routes.current_request)
    ctx.require("notifications", "view")
    return {"items": _repository(ctx.tenant_id).all("rule")}


@route(notification_routes, "/v1/notification-rules/{rule_id}", ["DELETE"])
def delete_rule(rule_id: str) -> Response:
    ctx = tenant_context(notification_routes.current_request)
    ctx.require("notifications", "delete")
    _repository(ctx.tenant_id).delete(ctx, "rule", rule_id)
    return Response(body="", status_code=204)


@route(notification_routes, "/v1/notifications", ["GET"])
def sent() -> dict[str, Any]:
    ctx = tenant_context(notification_routes.current_request)
    ctx.require("notifications", "view")
    params = query(notification_routes.current_request)
    repository = _repository(ctx.tenant_id)
    month = month_param(params)
    start = decode_cursor(params, ctx.key_prefix, repository.sent_partition(month))
    found, next_key = repository.sent(month, limit=page_size(params), start_key=start)
    return {"items": found, "next_cursor": encode_cursor(next_key)}
