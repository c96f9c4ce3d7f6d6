"""The meters function: meters and their devices, stock bills, installers' work orders."""

from __future__ import annotations

from functions.archives.blueprints import METER_BLUEPRINTS
from functions.common.app_factory import create_app

app = create_app("gridvend-meters", METER_BLUEPRINTS)
