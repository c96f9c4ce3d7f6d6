"""The payments function: mobile money providers and their signed callbacks, customer self-service."""

from __future__ import annotations

from functions.channels.blueprints import PAYMENT_BLUEPRINTS
from functions.common.app_factory import create_app

app = create_app("gridvend-payments", PAYMENT_BLUEPRINTS)
