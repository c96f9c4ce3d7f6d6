"""The local API: every function's blueprints in one Chalice app, served by `chalice local`."""

from __future__ import annotations

from functions.local_api import combined_app

app = combined_app()
