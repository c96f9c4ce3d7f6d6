"""The AMI part of the OpenAPI document (functions/tenants/routes/openapi.py assembles the whole)."""

from __future__ import annotations

from functions.commands.routes.events import CloseAlarm
from functions.commands.routes.firmware import FirmwareInput
from functions.commands.routes.notifications import RuleInput, TemplateInput
from functions.commands.routes.schedules import ScheduleInput
from functions.commands.service import CommandRequest
from functions.common.openapi import OpenApiBuilder


def describe_ami_api(spec: OpenApiBuilder) -> None:
    task = "/v1/tasks/{task_id}"
    spec.operation("POST", "/v1/commands", "Send a command to meters (one task, a command per meter)",
                   body=CommandRequest, success=201)
    spec.operation("GET", "/v1/tasks", "Command tasks, newest first (limit, cursor)")
    spec.operation("GET", task, "A task: status, percent, commands by state", parameters=["task_id"])
    spec.operation("GET", f"{task}/commands", "Each meter's command: state, tries, progress, result",
                   parameters=["task_id"])
    spec.operation("POST", f"{task}/retry", "Send failed and timed-out commands again", parameters=["task_id"])
    spec.operation("POST", f"{task}/cancel", "Cancel the commands still waiting", parameters=["task_id"])
    spec.operation("GET", "/v1/readings", "A meter's raw readings (meter, since, until, limit, cursor)")
    spec.operation("GET", "/v1/rollups", "A meter's daily or monthly rollups (meter, kind=day|month, from, to)")
    spec.operation("GET", "/v1/rollups/{period}", "Every meter's rollup of a day or month, with success rates",
                   parameters=["period"])
    spec.operation("GET", "/v1/events", "Events of a meter (meter, since, until) or of a day (day)")
    spec.operation("GET", "/v1/alarms", "Open alarms, or a month's (month=YYYY-MM)")
    spec.operation("POST", "/v1/alarms/{alarm_id}/close", "Close an alarm", body=CloseAlarm, parameters=["alarm_id"])
    spec.operation("GET", "/v1/network", "Network monitor: every thing, online, last heard, signal")
    spec.operation("GET", "/v1/things/{thing_id}", "A provisioned thing and its meters", parameters=["thing_id"])
    spec.operation("GET", "/v1/shadows/{serial}", "A meter's desired and reported state", parameters=["serial"])
    spec.operation("POST", "/v1/collection-schedules", "Schedule collection of OBIS items", body=ScheduleInput,
                   success=201)
    spec.operation("GET", "/v1/collection-schedules", "Collection schedules")
    spec.operation("GET", "/v1/collection-schedules/{schedule_id}", "A schedule and its runs",
                   parameters=["schedule_id"])
    spec.operation("DELETE", "/v1/collection-schedules/{schedule_id}", "Delete a schedule", success=204,
                   parameters=["schedule_id"])
    spec.operation("POST", "/v1/notification-templates", "A notification template with ${placeholders}",
                   body=TemplateInput, success=201)
    spec.operation("GET", "/v1/notification-templates", "Notification templates")
    spec.operation("PUT", "/v1/notification-templates/{template_id}", "Replace a template", body=TemplateInput,
                   parameters=["template_id"])
    spec.operation("DELETE", "/v1/notification-templates/{template_id}", "Delete an unused template", success=204,
                   parameters=["template_id"])
    spec.operation("POST", "/v1/notification-rules", "A rule: events, group, recipients, template", body=RuleInput,
                   success=201)
    spec.operation("GET", "/v1/notification-rules", "Notification rules")
    spec.operation("DELETE", "/v1/notification-rules/{rule_id}", "Delete a rule", success=204, parameters=["rule_id"])
    spec.operation("GET", "/v1/notifications", "Notifications sent in a month (month=YYYY-MM)")
    spec.operation("POST", "/v1/firmware", "Upload a firmware image (base64)", body=FirmwareInput, success=201)
    spec.operation("GET", "/v1/firmware", "Firmware images")
