"""The channels function: agents' floats, the third-party vendor API, mobile money callbacks, token delivery."""

from __future__ import annotations

from functions.channels.blueprints import BLUEPRINTS
from functions.common.app_factory import create_app

app = create_app("gridvend-channels", BLUEPRINTS)
