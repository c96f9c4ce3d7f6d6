"""The customers function: customers and their contracts (register bills, replacements)."""

from __future__ import annotations

from functions.archives.blueprints import CUSTOMER_BLUEPRINTS
from functions.common.app_factory import create_app

app = create_app("gridvend-customers", CUSTOMER_BLUEPRINTS)
