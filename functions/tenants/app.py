"""The tenants function: platform tenant management and authentication."""

from __future__ import annotations

from functions.common.app_factory import create_app
from functions.tenants.blueprints import BLUEPRINTS

app = create_app("gridvend-tenants", BLUEPRINTS)
