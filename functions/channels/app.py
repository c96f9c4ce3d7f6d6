"""The channels function: agents' floats, the third-party vendor API, token delivery by SMS and e-mail."""

from __future__ import annotations

from functions.channels.blueprints import AGENT_BLUEPRINTS
from functions.common.app_factory import create_app

app = create_app("gridvend-channels", AGENT_BLUEPRINTS)
