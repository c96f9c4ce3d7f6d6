"""The archives function: base data, operators, audit trail and login log."""

from __future__ import annotations

from functions.archives.blueprints import BLUEPRINTS
from functions.common.app_factory import create_app

app = create_app("gridvend-archives", BLUEPRINTS)
