"""The alarms function: meter events and alarms, notification templates and rules, the notifications sent."""

from __future__ import annotations

from functions.commands.blueprints import ALARM_BLUEPRINTS
from functions.common.app_factory import create_app

app = create_app("gridvend-alarms", ALARM_BLUEPRINTS)
