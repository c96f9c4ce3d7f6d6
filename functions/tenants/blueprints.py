"""The tenants function's routes. A blueprint can join one app only: import this, not app.py, to combine."""

from __future__ import annotations

from chalice import Blueprint

from functions.tenants.routes.auth import auth_routes
from functions.tenants.routes.openapi import openapi_routes
from functions.tenants.routes.platform import platform_routes

BLUEPRINTS: list[Blueprint] = [auth_routes, platform_routes, openapi_routes]
