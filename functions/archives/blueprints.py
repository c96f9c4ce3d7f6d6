"""The archives function's routes. A blueprint can join one app only: import this, not app.py, to combine."""

from __future__ import annotations

from chalice import Blueprint

from functions.archives.routes.archives import archive_routes
from functions.archives.routes.cards import card_routes
from functions.archives.routes.contracts import contract_routes
from functions.archives.routes.customers import customer_routes
from functions.archives.routes.devices import device_routes
from functions.archives.routes.imports import import_routes
from functions.archives.routes.logs import log_routes
from functions.archives.routes.meters import meter_routes
from functions.archives.routes.operators import operator_routes
from functions.archives.routes.stock_bills import stock_bill_routes
from functions.archives.routes.work_orders import work_order_routes

BLUEPRINTS: list[Blueprint] = [
    archive_routes,
    operator_routes,
    log_routes,
    meter_routes,
    stock_bill_routes,
    device_routes,
    import_routes,
    customer_routes,
    contract_routes,
    work_order_routes,
    card_routes,
]
