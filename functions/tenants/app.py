"""The tenants function: sign-in and the operator's own account."""

from __future__ import annotations

from functions.common.app_factory import create_app
from functions.tenants.blueprints import ACCOUNT_BLUEPRINTS

app = create_app("gridvend-tenants", ACCOUNT_BLUEPRINTS)
