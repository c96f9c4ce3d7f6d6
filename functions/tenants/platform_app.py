"""The platform function: platform operators create, list, suspend and resume tenants."""

from __future__ import annotations

from functions.common.app_factory import create_app
from functions.tenants.blueprints import PLATFORM_BLUEPRINTS

app = create_app("gridvend-platform", PLATFORM_BLUEPRINTS)
