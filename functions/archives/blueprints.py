"""The archives package's routes, by the function that serves them (each function's resource policy stays
small, and each imports less). A blueprint can join one app only: import these lists, not the app modules, to
combine them."""

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

RECORD_BLUEPRINTS: list[Blueprint] = [archive_routes, operator_routes, log_routes, import_routes]
METER_BLUEPRINTS: list[Blueprint] = [meter_routes, stock_bill_routes, device_routes, work_order_routes]
CUSTOMER_BLUEPRINTS: list[Blueprint] = [customer_routes, contract_routes]
CARD_BLUEPRINTS: list[Blueprint] = [card_routes]
BLUEPRINTS: list[Blueprint] = [*RECORD_BLUEPRINTS, *METER_BLUEPRINTS, *CUSTOMER_BLUEPRINTS, *CARD_BLUEPRINTS]
