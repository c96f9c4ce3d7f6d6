"""The local API: every function's blueprints in one Chalice app, served by `chalice local`."""

from __future__ import annotations

from functions.common.app_factory import create_app
from functions.local_api import all_blueprints

app = create_app("gridvend-local", all_blueprints())
