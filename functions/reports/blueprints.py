"""The reports function's routes. A blueprint can join one app only: import this, not app.py, to combine."""

from __future__ import annotations

from chalice import Blueprint

from functions.reports.routes.reports import report_routes

BLUEPRINTS: list[Blueprint] = [report_routes]
