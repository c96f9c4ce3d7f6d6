"""The vending function's routes. A blueprint can join one app only: import this, not app.py, to combine."""

from __future__ import annotations

from chalice import Blueprint

from functions.vending.routes.bulk import bulk_routes
from functions.vending.routes.cancellations import cancel_routes
from functions.vending.routes.credit_refunds import credit_refund_routes
from functions.vending.routes.engineering import engineering_routes
from functions.vending.routes.office_printing import office_print_routes
from functions.vending.routes.remainder import remainder_routes
from functions.vending.routes.secure_modules import module_routes
from functions.vending.routes.vends import vend_routes

BLUEPRINTS: list[Blueprint] = [
    vend_routes,
    module_routes,
    cancel_routes,
    engineering_routes,
    bulk_routes,
    credit_refund_routes,
    office_print_routes,
    remainder_routes,
]
