"""The channels function's routes. A blueprint can join one app only: import this, not app.py, to combine."""

from __future__ import annotations

from chalice import Blueprint

from functions.channels.routes.agents import agent_routes
from functions.channels.routes.deliveries import delivery_routes
from functions.channels.routes.mobile_money import mobile_money_routes
from functions.channels.routes.self_service import self_service_routes
from functions.channels.routes.vendor_api import vendor_api_routes

BLUEPRINTS: list[Blueprint] = [
    agent_routes,
    vendor_api_routes,
    mobile_money_routes,
    delivery_routes,
    self_service_routes,
]
