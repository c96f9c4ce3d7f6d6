"""The commands function: command tasks, readings and rollups, events and alarms, collection schedules,
notifications, firmware images, the network monitor."""

from __future__ import annotations

from functions.commands.blueprints import COMMAND_BLUEPRINTS
from functions.common.app_factory import create_app

app = create_app("gridvend-commands", COMMAND_BLUEPRINTS)
