"""All HTTP blueprints together: for the local server and for API tests that exercise every route."""

from __future__ import annotations

from chalice import Blueprint

from functions.archives.blueprints import BLUEPRINTS as ARCHIVE_BLUEPRINTS
from functions.tenants.blueprints import BLUEPRINTS as TENANT_BLUEPRINTS


def all_blueprints() -> list[Blueprint]:
    return [*TENANT_BLUEPRINTS, *ARCHIVE_BLUEPRINTS]
