"""The tenants package's routes, by the function that serves them. A blueprint can join one app only: import
these lists, not the app modules, to combine them."""

from __future__ import annotations

from chalice import Blueprint

from functions.tenants.routes.auth import auth_routes
from functions.tenants.routes.openapi import openapi_routes
from functions.tenants.routes.platform import platform_routes

ACCOUNT_BLUEPRINTS: list[Blueprint] = [auth_routes, openapi_routes]
PLATFORM_BLUEPRINTS: list[Blueprint] = [platform_routes]
BLUEPRINTS: list[Blueprint] = [*ACCOUNT_BLUEPRINTS, *PLATFORM_BLUEPRINTS]
