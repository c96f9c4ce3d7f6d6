"""The commands package's routes, by the function that serves them. A blueprint can join one app only: import
these lists, not the app modules, to combine them."""

from __future__ import annotations

from chalice import Blueprint

from functions.commands.routes.events import event_routes
from functions.commands.routes.firmware import firmware_routes
from functions.commands.routes.network import network_routes
from functions.commands.routes.notifications import notification_routes
from functions.commands.routes.readings import reading_routes
from functions.commands.routes.schedules import schedule_routes
from functions.commands.routes.tasks import task_routes

COMMAND_BLUEPRINTS: list[Blueprint] = [task_routes, reading_routes, network_routes, schedule_routes, firmware_routes]
ALARM_BLUEPRINTS: list[Blueprint] = [event_routes, notification_routes]
BLUEPRINTS: list[Blueprint] = [*COMMAND_BLUEPRINTS, *ALARM_BLUEPRINTS]
