"""`/v1/commands` (send a command to meters: a task) and `/v1/tasks` (tasks with per-meter states,
progress, retry and cancel)."""

from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from functions.commands.context import command_context
from functions.commands.operations import cancel_task, retry_task
from functions.commands.service import CommandRequest, create_task, task_view
from functions.common.app_factory import json_response
from functions.common.auth import tenant_context
from functions.common.requests import body_as, decode_cursor, encode_cursor, page_size, query
from functions.common.routing import route
from gridvend.errors import NotFound
from gridvend.store.ami.tasks import TaskRepository

task_routes = Blueprint(__name__)


@route(task_routes, "/v1/commands", ["POST"])
def send_command() -> Response:
    ctx = tenant_context(task_routes.current_request)
    ctx.require("commands", "create")
    request = body_as(task_routes.current_request, CommandRequest)
    return json_response(create_task(command_context(ctx.tenant_id), ctx, request), 201)


@route(task_routes, "/v1/tasks", ["GET"])
def list_tasks() -> dict[str, Any]:
    ctx = tenant_context(task_routes.current_request)
    ctx.require("commands", "view")
    params = query(task_routes.current_request)
    repository = TaskRepository(command_context(ctx.tenant_id).store, ctx.tenant_id)
    start = decode_cursor(params, ctx.key_prefix, repository.tasks_partition)
    tasks, next_key = repository.tasks(limit=page_size(params), start_key=start)
    items = [{**task.public(), "percent": task.finished * 100 // task.total if task.total else 100} for task in tasks]
    return {"items": items, "next_cursor": encode_cursor(next_key)}


@route(task_routes, "/v1/tasks/{task_id}", ["GET"])
def show_task(task_id: str) -> dict[str, Any]:
    ctx = tenant_context(task_routes.current_request)
    ctx.require("commands", "view")
    return task_view(command_context(ctx.tenant_id), ctx.tenant_id, task_id)


@route(task_routes, "/v1/tasks/{task_id}/commands", ["GET"])
def task_commands(task_id: str) -> dict[str, Any]:
    ctx = tenant_context(task_routes.current_request)
    ctx.require("commands", "view")
    params = query(task_routes.current_request)
    repository = TaskRepository(command_context(ctx.tenant_id).store, ctx.tenant_id)
    if repository.task(task_id) is None:
        raise NotFound(f"task '{task_id}' does not exist")
    start = decode_cursor(params, ctx.key_prefix, repository.commands_partition(task_id))
    records, next_key = repository.commands(task_id, limit=page_size(params), start_key=start)
    return {"items": [record.public() for record in records], "next_cursor": encode_cursor(next_key)}


@route(task_routes, "/v1/tasks/{task_id}/retry", ["POST"])
def retry(task_id: str) -> dict[str, Any]:
    ctx = tenant_context(task_routes.current_request)
    ctx.require("commands", "create")
    return retry_task(command_context(ctx.tenant_id), ctx, task_id)


@route(task_routes, "/v1/tasks/{task_id}/cancel", ["POST"])
def cancel(task_id: str) -> dict[str, Any]:
    ctx = tenant_context(task_routes.current_request)
    ctx.require("commands", "cancel")
    return cancel_task(command_context(ctx.tenant_id), ctx, task_id)
