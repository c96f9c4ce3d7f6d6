"""The commands function's routes. A blueprint can join one app only: import this, not app.py, to combine."""

from __future__ import annotations

from chalice import Blueprint

from functions.commands.routes.events import event_routes
from functions.commands.routes.firmware import firmware_routes
from functions.commands.routes.network import network_routes
from functions.commands.routes.notifications import notification_routes
from functions.commands.routes.readings import reading_routes
from functions.commands.routes.schedules import schedule_routes
from functions.commands.routes.tasks import task_routes

BLUEPRINTS: list[Blueprint] = [
    task_routes, reading_routes, event_routes, network_routes, schedule_routes, notification_routes, firmware_routes,
]
