"""The reports package's routes, by the function that serves them. A blueprint can join one app only: import
these lists, not the app modules, to combine them."""

from __future__ import annotations

from chalice import Blueprint

from functions.reports.routes.backups import backup_routes
from functions.reports.routes.billing import billing_routes
from functions.reports.routes.dashboard import dashboard_routes
from functions.reports.routes.line_loss import line_loss_routes
from functions.reports.routes.reports import report_routes

REPORT_BLUEPRINTS: list[Blueprint] = [report_routes, line_loss_routes, dashboard_routes, billing_routes]
BACKUP_BLUEPRINTS: list[Blueprint] = [backup_routes]
BLUEPRINTS: list[Blueprint] = [*REPORT_BLUEPRINTS, *BACKUP_BLUEPRINTS]
