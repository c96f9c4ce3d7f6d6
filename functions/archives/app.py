"""The archives function: base data, operators, the audit trail and login log, imports."""

from __future__ import annotations

from functions.archives.blueprints import RECORD_BLUEPRINTS
from functions.common.app_factory import create_app

app = create_app("gridvend-archives", RECORD_BLUEPRINTS)
