"""The archives function's routes. A blueprint can join one app only: import this, not app.py, to combine."""

from __future__ import annotations

from chalice import Blueprint

from functions.archives.routes.archives import archive_routes
from functions.archives.routes.logs import log_routes
from functions.archives.routes.operators import operator_routes

BLUEPRINTS: list[Blueprint] = [archive_routes, operator_routes, log_routes]
