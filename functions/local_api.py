"""All HTTP blueprints together in one app: for the local server, the bootstrap and the API tests.

A Chalice blueprint can join one app only, so a process builds this app once (`combined_app`) and every
in-process user shares it; the Lambda functions build their own apps from their own blueprints instead.
"""

from __future__ import annotations

import functools

from chalice import Blueprint, Chalice

from functions.archives.blueprints import BLUEPRINTS as ARCHIVE_BLUEPRINTS
from functions.channels.blueprints import BLUEPRINTS as CHANNEL_BLUEPRINTS
from functions.commands.blueprints import BLUEPRINTS as COMMAND_BLUEPRINTS
from functions.common.app_factory import create_app
from functions.reports.blueprints import BLUEPRINTS as REPORT_BLUEPRINTS
from functions.tenants.blueprints import BLUEPRINTS as TENANT_BLUEPRINTS
from functions.vending.blueprints import BLUEPRINTS as VENDING_BLUEPRINTS


def all_blueprints() -> list[Blueprint]:
    return [*TENANT_BLUEPRINTS, *ARCHIVE_BLUEPRINTS, *COMMAND_BLUEPRINTS, *VENDING_BLUEPRINTS, *REPORT_BLUEPRINTS,
            *CHANNEL_BLUEPRINTS]


@functools.lru_cache(maxsize=1)
def combined_app() -> Chalice:
    return create_app("gridvend-local", all_blueprints())
