"""The reports function's routes. A blueprint can join one app only: import this, not app.py, to combine."""

from __future__ import annotations

from chalice import Blueprint

from functions.reports.routes.backups import backup_routes
from functions.reports.routes.billing import billing_routes
from functions.reports.routes.dashboard import dashboard_routes
from functions.reports.routes.line_loss import line_loss_routes
from functions.reports.routes.reports import report_routes

BLUEPRINTS: list[Blueprint] = [report_routes, line_loss_routes, dashboard_routes, backup_routes, billing_routes]
