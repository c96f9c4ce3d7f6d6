"""The vending function: sell tokens exactly once, receipts, secure modules."""

from __future__ import annotations

from functions.common.app_factory import create_app
from functions.vending.blueprints import BLUEPRINTS

app = create_app("gridvend-vending", BLUEPRINTS)
