"""The channels package's routes, by the function that serves them. A blueprint can join one app only: import
these lists, not the app modules, to combine them."""

from __future__ import annotations

from chalice import Blueprint

from functions.channels.routes.agents import agent_routes
from functions.channels.routes.deliveries import delivery_routes
from functions.channels.routes.mobile_money import mobile_money_routes
from functions.channels.routes.self_service import self_service_routes
from functions.channels.routes.vendor_api import vendor_api_routes

AGENT_BLUEPRINTS: list[Blueprint] = [agent_routes, vendor_api_routes, delivery_routes]
PAYMENT_BLUEPRINTS: list[Blueprint] = [mobile_money_routes, self_service_routes]
BLUEPRINTS: list[Blueprint] = [*AGENT_BLUEPRINTS, *PAYMENT_BLUEPRINTS]
